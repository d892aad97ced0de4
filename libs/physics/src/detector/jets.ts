/**
 * Anti-kT sequential recombination (Cacciari, Salam, Soyez, JHEP 0804:063): d_ij = min(kt_i^-2, kt_j^-2) dR_ij^2 / R^2,
 * d_iB = kt_i^-2, E-scheme recombination, dR in rapidity and azimuth (as FastJet).
 * Two strategies give the same jets (the same merges in the same order, so bitwise the same sums; ties in distance,
 * common for calorimeter towers on a grid, go to the lower input index in both):
 *  - 'tiled': nearest neighbours searched on a rapidity-azimuth tiling of tile size >= R (the FastJet "tiled" strategy,
 *    Cacciari & Salam, Phys. Lett. B641 (2006) 57): a pair with dR >= R always has d_ij >= min(d_iB, d_jB), so it can
 *    never be merged before one of them becomes a jet, and only the 3 x 3 tiles around a particle need searching;
 *  - 'plain': FastJet's N2Plain, every pair considered and the smallest distance found by a linear scan; without the
 *    tiling's maps and heap it is faster for the few dozen inputs of a truth or parton-level event.
 * 'auto' picks plain up to PLAIN_MAX_INPUTS inputs (the crossover measured by `sigmap bench jets`).
 * Tested against FastJet 3.5 (libs/physics/test/jets.test.ts).
 */
import type { Constituent } from './types';

export interface Jet extends Constituent {
  pt: number;
  eta: number;
  phi: number;
  mass: number;
  constituents: number[];
}

export type AntiKtStrategy = 'auto' | 'plain' | 'tiled';

const Y_MAX = 6;
export const PLAIN_MAX_INPUTS = 64;

/** Per-input kinematics shared by both strategies: E-scheme sums, 1/kt^2, rapidity, azimuth, constituents. */
class Pseudojets {
  readonly px: Float64Array;
  readonly py: Float64Array;
  readonly pz: Float64Array;
  readonly E: Float64Array;
  readonly y: Float64Array;
  readonly ph: Float64Array;
  readonly ikt2: Float64Array;
  readonly members: number[][] = [];
  private readonly R2: number;

  constructor(parts: readonly Constituent[], R: number) {
    const n = parts.length;
    this.px = new Float64Array(n);
    this.py = new Float64Array(n);
    this.pz = new Float64Array(n);
    this.E = new Float64Array(n);
    this.y = new Float64Array(n);
    this.ph = new Float64Array(n);
    this.ikt2 = new Float64Array(n);
    this.R2 = R * R;
    for (let i = 0; i < n; i++) {
      this.px[i] = parts[i].px;
      this.py[i] = parts[i].py;
      this.pz[i] = parts[i].pz;
      this.E[i] = parts[i].E;
      this.members.push([i]);
      this.setKin(i);
    }
  }

  setKin(i: number): void {
    const { px, py, pz, E } = this;
    const pt2 = px[i] * px[i] + py[i] * py[i];
    this.ikt2[i] = pt2 > 0 ? 1 / pt2 : 1e300;
    this.ph[i] = Math.atan2(py[i], px[i]);
    const ee = Math.max(E[i], Math.abs(pz[i]) + 1e-12);
    this.y[i] = pt2 > 0 ? 0.5 * Math.log((ee + pz[i]) / (ee - pz[i])) : pz[i] >= 0 ? Y_MAX : -Y_MAX;
  }

  /** d_ij, or Infinity when dR >= R (such a pair is never merged: d_ij >= min(d_iB, d_jB)). */
  dist(i: number, j: number): number {
    const { ph, y, ikt2, R2 } = this;
    let dp = Math.abs(ph[i] - ph[j]);
    if (dp > Math.PI) dp = 2 * Math.PI - dp;
    const dy = y[i] - y[j];
    const dr2 = dy * dy + dp * dp;
    return dr2 >= R2 ? Infinity : (Math.min(ikt2[i], ikt2[j]) * dr2) / R2;
  }

  /** E-scheme recombination of j into i. */
  merge(i: number, j: number): void {
    this.px[i] += this.px[j];
    this.py[i] += this.py[j];
    this.pz[i] += this.pz[j];
    this.E[i] += this.E[j];
    this.members[i] = this.members[i].concat(this.members[j]);
    this.setKin(i);
  }

  /** Pseudojet i as a final jet, or null below ptMin. */
  jet(i: number, ptMin: number): Jet | null {
    const { px, py, pz, E } = this;
    const pt = Math.hypot(px[i], py[i]);
    if (pt < ptMin) return null;
    const m2 = E[i] * E[i] - px[i] * px[i] - py[i] * py[i] - pz[i] * pz[i];
    return {
      px: px[i],
      py: py[i],
      pz: pz[i],
      E: E[i],
      pt,
      eta: Math.asinh(pz[i] / pt),
      phi: this.ph[i],
      mass: m2 > 0 ? Math.sqrt(m2) : 0,
      constituents: this.members[i],
    };
  }
}

/** Inclusive anti-kT jets with pT >= ptMin, by decreasing pT. */
export function antiKt(parts: readonly Constituent[], R: number, ptMin: number, strategy: AntiKtStrategy = 'auto'): Jet[] {
  const plain = strategy === 'plain' || (strategy === 'auto' && parts.length <= PLAIN_MAX_INPUTS);
  const jets = plain ? antiKtPlain(parts, R, ptMin) : antiKtTiled(parts, R, ptMin);
  return jets.sort((a, b) => b.pt - a.pt);
}

function antiKtPlain(parts: readonly Constituent[], R: number, ptMin: number): Jet[] {
  const n = parts.length;
  const pj = new Pseudojets(parts, R);
  const { ikt2 } = pj;
  const alive = new Uint8Array(n).fill(1);
  const nn = new Int32Array(n);
  const nnDist = new Float64Array(n);
  const findNN = (i: number) => {
    let best = -1;
    let bd = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i || !alive[j]) continue;
      const d = pj.dist(i, j);
      if (d < bd) {
        bd = d;
        best = j;
      }
    }
    nn[i] = best;
    nnDist[i] = bd;
  };
  for (let i = 0; i < n; i++) findNN(i);
  const jets: Jet[] = [];
  for (let left = n; left > 0; left--) {
    let bi = -1;
    let bv = Infinity;
    for (let i = 0; i < n; i++) {
      if (!alive[i]) continue;
      const v = Math.min(ikt2[i], nnDist[i]);
      if (bi < 0 || v < bv) {
        bv = v;
        bi = i;
      }
    }
    if (!(nn[bi] >= 0 && nnDist[bi] < ikt2[bi])) {
      alive[bi] = 0;
      const jet = pj.jet(bi, ptMin);
      if (jet) jets.push(jet);
      for (let i = 0; i < n; i++) if (alive[i] && nn[i] === bi) findNN(i);
      continue;
    }
    const j = nn[bi];
    alive[j] = 0;
    pj.merge(bi, j);
    findNN(bi);
    for (let i = 0; i < n; i++) {
      if (!alive[i] || i === bi) continue;
      if (nn[i] === j || nn[i] === bi) findNN(i);
      else {
        const d = pj.dist(i, bi);
        if (d < nnDist[i] || (d === nnDist[i] && bi < nn[i])) {
          nnDist[i] = d;
          nn[i] = bi;
        }
      }
    }
  }
  return jets;
}

function antiKtTiled(parts: readonly Constituent[], R: number, ptMin: number): Jet[] {
  const n = parts.length;
  const pj = new Pseudojets(parts, R);
  const { y, ph, ikt2 } = pj;
  const alive = new Uint8Array(n).fill(1);
  const tileOf = new Int32Array(n);
  const nn = new Int32Array(n);
  const nnDist = new Float64Array(n);
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
  const findNN = (i: number) => {
    let best = -1;
    let bd = Infinity;
    for (const t of neighbourTiles(tileOf[i])) {
      for (const j of tiles.get(t)) {
        if (j === i) continue;
        const d = pj.dist(i, j);
        if (d < bd || (d === bd && d < Infinity && j < best)) {
          bd = d;
          best = j;
        }
      }
    }
    nn[i] = best;
    nnDist[i] = bd;
  };
  for (let i = 0; i < n; i++) {
    tileOf[i] = tileIndex(i);
    tiles.add(tileOf[i], i);
  }
  // Binary min-heap of (min(d_iB, d_iNN), i, version) with lazy invalidation.
  const version = new Int32Array(n);
  const hv: number[] = [];
  const hi: number[] = [];
  const hver: number[] = [];
  // heap order: by value, then by index (the plain strategy's scan order), so ties resolve alike
  const less = (a: number, b: number) => hv[a] < hv[b] || (hv[a] === hv[b] && hi[a] < hi[b]);
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
      if (!less(k, p)) break;
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
      if (l < hv.length && less(l, m)) m = l;
      if (r < hv.length && less(r, m)) m = r;
      if (m === k) break;
      swap(k, m);
      k = m;
    }
  };
  const findAndPush = (i: number) => {
    findNN(i);
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
      const jet = pj.jet(bi, ptMin);
      if (jet) jets.push(jet);
      for (const t of neighbourTiles(tileOf[bi])) for (const i of tiles.get(t)) if (nn[i] === bi) findAndPush(i);
    } else {
      const j = nn[bi];
      const oldTiles = new Set([...neighbourTiles(tileOf[bi]), ...neighbourTiles(tileOf[j])]);
      tiles.delete(tileOf[bi], bi);
      tiles.delete(tileOf[j], j);
      pj.merge(bi, j);
      alive[j] = 0;
      left--;
      tileOf[bi] = tileIndex(bi);
      tiles.add(tileOf[bi], bi);
      findAndPush(bi);
      for (const t of neighbourTiles(tileOf[bi])) oldTiles.add(t);
      for (const t of oldTiles) {
        for (const i of tiles.get(t)) {
          if (i === bi) continue;
          if (nn[i] === j || nn[i] === bi) findAndPush(i);
          else {
            const d = pj.dist(i, bi);
            if (d < nnDist[i] || (d === nnDist[i] && bi < nn[i])) {
              nnDist[i] = d;
              nn[i] = bi;
              push(i);
            }
          }
        }
      }
    }
  }
  return jets;
}
