/**
 * Anti-kT sequential recombination (Cacciari, Salam, Soyez, JHEP 0804:063): d_ij = min(kt_i^-2, kt_j^-2) dR_ij^2 / R^2,
 * d_iB = kt_i^-2, E-scheme recombination.
 * Nearest neighbours are searched on a rapidity-azimuth tiling of tile size >= R (the FastJet "tiled" strategy,
 * Cacciari & Salam, Phys. Lett. B641 (2006) 57): a pair with dR >= R always has d_ij >= min(d_iB, d_jB), so it can
 * never be merged before one of them becomes a jet, and only the 3 x 3 tiles around a particle need searching.
 */
import type { Constituent } from './types';

export interface Jet extends Constituent {
  pt: number;
  eta: number;
  phi: number;
  mass: number;
  constituents: number[];
}

const Y_MAX = 6;

export function antiKt(parts: readonly Constituent[], R: number, ptMin: number): Jet[] {
  const n = parts.length;
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  const pz = new Float64Array(n);
  const E = new Float64Array(n);
  const y = new Float64Array(n);
  const ph = new Float64Array(n);
  const ikt2 = new Float64Array(n);
  const alive = new Uint8Array(n);
  const tileOf = new Int32Array(n);
  const members: number[][] = [];
  const nn = new Int32Array(n);
  const nnDist = new Float64Array(n);
  const R2 = R * R;
  const nY = Math.max(1, Math.floor((2 * Y_MAX) / R));
  const dY = (2 * Y_MAX) / nY;
  const nP = Math.max(3, Math.floor((2 * Math.PI) / R));
  const tileSets = new Map<number, Set<number>>();
  const EMPTY = new Set<number>();
  const tiles = {
    get: (t: number) => tileSets.get(t) ?? EMPTY,
    add: (t: number, i: number) => {
      let x = tileSets.get(t);
      if (!x) tileSets.set(t, (x = new Set<number>()));
      x.add(i);
    },
    delete: (t: number, i: number) => tileSets.get(t)?.delete(i),
  };
  const tileIndex = (i: number) => {
    const iy = Math.min(nY - 1, Math.max(0, Math.floor((y[i] + Y_MAX) / dY)));
    let p = ph[i] < 0 ? ph[i] + 2 * Math.PI : ph[i];
    if (p >= 2 * Math.PI) p -= 2 * Math.PI;
    const ip = Math.min(nP - 1, Math.floor((p / (2 * Math.PI)) * nP));
    return iy * nP + ip;
  };
  const neighbours = new Map<number, number[]>();
  const neighbourTiles = (t: number): number[] => {
    let out = neighbours.get(t);
    if (out) return out;
    const iy = Math.floor(t / nP);
    const ip = t - iy * nP;
    out = [];
    for (let a = -1; a <= 1; a++) {
      const jy = iy + a;
      if (jy < 0 || jy >= nY) continue;
      // nP >= 3, so the three azimuthal neighbours are distinct.
      for (let b = -1; b <= 1; b++) out.push(jy * nP + ((ip + b + nP) % nP));
    }
    neighbours.set(t, out);
    return out;
  };
  const setKin = (i: number) => {
    const pt2 = px[i] * px[i] + py[i] * py[i];
    ikt2[i] = pt2 > 0 ? 1 / pt2 : 1e300;
    ph[i] = Math.atan2(py[i], px[i]);
    const ee = Math.max(E[i], Math.abs(pz[i]) + 1e-12);
    y[i] = pt2 > 0 ? 0.5 * Math.log((ee + pz[i]) / (ee - pz[i])) : pz[i] >= 0 ? Y_MAX : -Y_MAX;
  };
  const dist = (i: number, j: number) => {
    let dp = Math.abs(ph[i] - ph[j]);
    if (dp > Math.PI) dp = 2 * Math.PI - dp;
    const dy = y[i] - y[j];
    const dr2 = dy * dy + dp * dp;
    return dr2 >= R2 ? Infinity : (Math.min(ikt2[i], ikt2[j]) * dr2) / R2;
  };
  const findNN = (i: number) => {
    let best = -1;
    let bd = Infinity;
    for (const t of neighbourTiles(tileOf[i])) {
      for (const j of tiles.get(t)) {
        if (j === i) continue;
        const d = dist(i, j);
        if (d < bd) {
          bd = d;
          best = j;
        }
      }
    }
    nn[i] = best;
    nnDist[i] = bd;
  };
  for (let i = 0; i < n; i++) {
    px[i] = parts[i].px;
    py[i] = parts[i].py;
    pz[i] = parts[i].pz;
    E[i] = parts[i].E;
    alive[i] = 1;
    members.push([i]);
    setKin(i);
    tileOf[i] = tileIndex(i);
    tiles.add(tileOf[i], i);
  }
  // Binary min-heap of (min(d_iB, d_iNN), i, version) with lazy invalidation.
  const version = new Int32Array(n);
  const hv: number[] = [];
  const hi: number[] = [];
  const hver: number[] = [];
  const swap = (a: number, b: number) => {
    [hv[a], hv[b]] = [hv[b], hv[a]];
    [hi[a], hi[b]] = [hi[b], hi[a]];
    [hver[a], hver[b]] = [hver[b], hver[a]];
  };
  const push = (i: number) => {
    version[i]++;
    hv.push(Math.min(ikt2[i], nnDist[i]));
    hi.push(i);
    hver.push(version[i]);
    let k = hv.length - 1;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (hv[p] <= hv[k]) break;
      swap(p, k);
      k = p;
    }
  };
  const pop = () => {
    const last = hv.length - 1;
    swap(0, last);
    hv.pop();
    hi.pop();
    hver.pop();
    let k = 0;
    for (;;) {
      const l = 2 * k + 1;
      const r = l + 1;
      let m = k;
      if (l < hv.length && hv[l] < hv[m]) m = l;
      if (r < hv.length && hv[r] < hv[m]) m = r;
      if (m === k) break;
      swap(k, m);
      k = m;
    }
  };
  const origFindNN = findNN;
  const findAndPush = (i: number) => {
    origFindNN(i);
    push(i);
  };
  for (let i = 0; i < n; i++) findAndPush(i);
  const jets: Jet[] = [];
  let left = n;
  while (left > 0) {
    while (!alive[hi[0]] || hver[0] !== version[hi[0]]) pop();
    const bi = hi[0];
    const beam = !(nn[bi] >= 0 && nnDist[bi] < ikt2[bi]);
    pop();
    if (beam) {
      alive[bi] = 0;
      tiles.delete(tileOf[bi], bi);
      left--;
      const pt = Math.hypot(px[bi], py[bi]);
      if (pt >= ptMin) {
        const m2 = E[bi] * E[bi] - px[bi] * px[bi] - py[bi] * py[bi] - pz[bi] * pz[bi];
        jets.push({ px: px[bi], py: py[bi], pz: pz[bi], E: E[bi], pt, eta: Math.asinh(pz[bi] / pt), phi: ph[bi], mass: m2 > 0 ? Math.sqrt(m2) : 0, constituents: members[bi] });
      }
      for (const t of neighbourTiles(tileOf[bi])) for (const i of tiles.get(t)) if (nn[i] === bi) findAndPush(i);
    } else {
      const j = nn[bi];
      const oldTiles = new Set([...neighbourTiles(tileOf[bi]), ...neighbourTiles(tileOf[j])]);
      tiles.delete(tileOf[bi], bi);
      tiles.delete(tileOf[j], j);
      px[bi] += px[j];
      py[bi] += py[j];
      pz[bi] += pz[j];
      E[bi] += E[j];
      members[bi] = members[bi].concat(members[j]);
      alive[j] = 0;
      left--;
      setKin(bi);
      tileOf[bi] = tileIndex(bi);
      tiles.add(tileOf[bi], bi);
      findAndPush(bi);
      for (const t of neighbourTiles(tileOf[bi])) oldTiles.add(t);
      for (const t of oldTiles) {
        for (const i of tiles.get(t)) {
          if (i === bi) continue;
          if (nn[i] === j || nn[i] === bi) findAndPush(i);
          else {
            const d = dist(i, bi);
            if (d < nnDist[i]) {
              nnDist[i] = d;
              nn[i] = bi;
              push(i);
            }
          }
        }
      }
    }
  }
  return jets.sort((a, b) => b.pt - a.pt);
}
