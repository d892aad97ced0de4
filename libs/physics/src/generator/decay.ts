import { type Rng, normal } from '@sigmap/contracts';
import { EventRecord } from './event';
import { H_DECAYS, PARTICLE_MASS, SM, TAU_DECAYS, W_DECAYS, Z_DECAYS, pick, type DecayKind } from './sm';
import { type P4, boostFromRest, fromPThetaPhi, pmag, twoBodyMomentum } from './vec';

/** A distribution of cos(theta*) in the decay frame, sampled by the caller's rng. */
export type CosSampler = (rng: Rng) => number;

export const isotropic: CosSampler = (rng) => 2 * rng.uniform() - 1;

/** Samples cos(theta) from an unnormalised density f on [-1, 1] bounded by fmax (accept-reject). */
export function cosFromDensity(f: (c: number) => number, fmax: number): CosSampler {
  return (rng) => {
    for (;;) {
      const c = 2 * rng.uniform() - 1;
      if (rng.uniform() * fmax <= f(c)) return c;
    }
  };
}

/**
 * Angular distributions of resonance decays to a fermion pair, measured from the beam axis in the resonance rest frame:
 * spin 0: flat; spin 1 from q qbar (vector + axial, unpolarised, parity-even part): 1 + cos^2;
 * spin 2 (RS graviton-like) from gg: 1 - cos^4; from q qbar: 1 - 3cos^2 + 4cos^4 (Allanach et al., JHEP 0009:019).
 */
export const ANGULAR = {
  spin0: isotropic,
  spin1: cosFromDensity((c) => 1 + c * c, 2),
  spin2gg: cosFromDensity((c) => 1 - c ** 4, 1),
  spin2qq: cosFromDensity((c) => 1 - 3 * c * c + 4 * c ** 4, 2),
} as const;

/** Relativistic Breit-Wigner in m^2: m^2 = M^2 + M Gamma tan(theta), truncated to [lo, hi] by the inverse CDF. */
function sampleBreitWigner(rng: Rng, M: number, width: number, lo: number, hi: number): number {
  if (width <= 0) return M;
  const MG = M * width;
  const a = Math.atan((Math.max(lo, 0) ** 2 - M * M) / MG);
  const b = Math.atan((hi * hi - M * M) / MG);
  const m2 = M * M + MG * Math.tan(a + (b - a) * rng.uniform());
  return Math.sqrt(Math.max(m2, 0));
}

interface Daughter {
  kind: string;
  charge: number;
  m: number;
}

/**
 * Two-body decay of record entry `mother` in its rest frame: |p*| from the Källén function, cos(theta*) from `cos`
 * measured from `axis` (unit 3-vector in the rest frame; default the lab z axis), phi uniform; then boosted to the lab.
 * Exact four-momentum conservation: p1 + p2 = P.
 */
export function twoBodyDecay(
  ev: EventRecord,
  mother: number,
  d1: Daughter,
  d2: Daughter,
  rng: Rng,
  cos: CosSampler = isotropic,
  axis?: [number, number, number],
): [number, number] {
  const P = ev.particles[mother].p;
  const M = ev.particles[mother].m;
  if (d1.m + d2.m > M) throw new RangeError(`decay ${ev.particles[mother].kind} (${M}) -> ${d1.kind} + ${d2.kind} is closed`);
  const q = twoBodyMomentum(M, d1.m, d2.m);
  const c = cos(rng);
  const ph = 2 * Math.PI * rng.uniform();
  let k1 = fromPThetaPhi(q, c, ph, d1.m);
  if (axis) k1 = rotateFromZ(k1, axis);
  const k2: P4 = { E: Math.sqrt(q * q + d2.m * d2.m), px: -k1.px, py: -k1.py, pz: -k1.pz };
  const l1 = boostFromRest(k1, P);
  const l2 = boostFromRest(k2, P);
  // Remove round-off so that p1 + p2 = P holds to machine precision.
  const l2fix: P4 = { E: P.E - l1.E, px: P.px - l1.px, py: P.py - l1.py, pz: P.pz - l1.pz };
  void l2;
  ev.particles[mother].final = false;
  const i1 = ev.add({ kind: d1.kind, charge: d1.charge, p: l1, m: d1.m, mother, final: true });
  const i2 = ev.add({ kind: d2.kind, charge: d2.charge, p: l2fix, m: d2.m, mother, final: true });
  return [i1, i2];
}

/**
 * Three-body decay with a flat matrix element (phase space): (m12^2, m23^2) uniform inside the Dalitz region
 * (PDG kinematics eq. 49.22), orientation uniform.
 */
export function threeBodyDecay(ev: EventRecord, mother: number, ds: [Daughter, Daughter, Daughter], rng: Rng): number[] {
  const M = ev.particles[mother].m;
  const [m1, m2, m3] = ds.map((d) => d.m);
  if (m1 + m2 + m3 > M) throw new RangeError(`three-body decay of ${ev.particles[mother].kind} is closed`);
  const lo12 = (m1 + m2) ** 2;
  const hi12 = (M - m3) ** 2;
  let m12sq = 0;
  for (;;) {
    m12sq = lo12 + (hi12 - lo12) * rng.uniform();
    const m23sq = (m2 + m3) ** 2 + ((M - m1) ** 2 - (m2 + m3) ** 2) * rng.uniform();
    // Dalitz boundary at this m12^2 (PDG eq. 49.23).
    const m12 = Math.sqrt(m12sq);
    const E2 = (m12sq - m1 * m1 + m2 * m2) / (2 * m12);
    const E3 = (M * M - m12sq - m3 * m3) / (2 * m12);
    const p2 = Math.sqrt(Math.max(E2 * E2 - m2 * m2, 0));
    const p3 = Math.sqrt(Math.max(E3 * E3 - m3 * m3, 0));
    const lo = (E2 + E3) ** 2 - (p2 + p3) ** 2;
    const hi = (E2 + E3) ** 2 - (p2 - p3) ** 2;
    if (m23sq >= lo && m23sq <= hi) break;
  }
  // Sequential: mother -> (12) + 3, then (12) -> 1 + 2, both isotropic: with m12^2 flat this is the flat Dalitz density.
  const [i12, i3] = twoBodyDecay(ev, mother, { kind: '_pair', charge: ds[0].charge + ds[1].charge, m: Math.sqrt(m12sq) }, ds[2], rng);
  const [i1, i2] = twoBodyDecay(ev, i12, ds[0], ds[1], rng);
  // Splice the helper out: daughters point at the mother directly.
  ev.particles[i1].mother = mother;
  ev.particles[i2].mother = mother;
  // The (12) helper is bookkeeping only: detach it (mother -2) so the mother's daughters are exactly 1, 2, 3.
  ev.particles[i12].final = false;
  ev.particles[i12].kind = '_helper';
  ev.particles[i12].mother = -2;
  return [i1, i2, i3];
}

function rotateFromZ(p: P4, axis: [number, number, number]): P4 {
  const [ax, ay, az] = axis;
  const n = Math.hypot(ax, ay, az);
  const z = [ax / n, ay / n, az / n];
  // Orthonormal basis (x', y', z) with z along the axis.
  const helper = Math.abs(z[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
  const x = cross(helper, z);
  const xn = Math.hypot(x[0], x[1], x[2]);
  x[0] /= xn;
  x[1] /= xn;
  x[2] /= xn;
  const y = cross(z, x);
  return {
    E: p.E,
    px: p.px * x[0] + p.py * y[0] + p.pz * z[0],
    py: p.px * x[1] + p.py * y[1] + p.pz * z[1],
    pz: p.px * x[2] + p.py * y[2] + p.pz * z[2],
  };
}

function cross(a: number[], b: number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

const QUARK_LIKE = new Set(['q', 'c', 'b', 'g']);

/** The decay channels open at mass M (an off-shell W or Z from H -> WW, ZZ can be light), BRs renormalised by pick(). */
function openChannels(chs: readonly { br: number; value: [DecayKind, DecayKind] }[], M: number) {
  const open = chs.filter((c) => PARTICLE_MASS[c.value[0]] + PARTICLE_MASS[c.value[1]] < M);
  return open.length ? open : [{ br: 1, value: ['nu', 'nu'] as [DecayKind, DecayKind] }];
}

function massOf(kind: DecayKind, rng: Rng, maxMass: number): number {
  const lo = 0;
  if (kind === 'W') return sampleBreitWigner(rng, SM.mW, SM.wW, Math.min(lo, maxMass), Math.max(0.01, maxMass));
  if (kind === 'Z') return sampleBreitWigner(rng, SM.mZ, SM.wZ, Math.min(lo, maxMass), Math.max(0.01, maxMass));
  if (kind === 't') return sampleBreitWigner(rng, SM.mT, SM.wT, SM.mW + SM.mB + 0.1, Math.max(SM.mW + SM.mB + 0.2, Math.min(maxMass, SM.mT + 50 * SM.wT)));
  return PARTICLE_MASS[kind];
}

/** Mass for a W/Z/t/H produced in a BSM decay with `available` GeV to share: on-shell line shape, truncated. */
export function sampleSmMass(kind: string, rng: Rng, available = Infinity): number {
  switch (kind) {
    case 'W':
      return sampleBreitWigner(rng, SM.mW, SM.wW, 1, Math.min(available, SM.mW + 30 * SM.wW));
    case 'Z':
      return sampleBreitWigner(rng, SM.mZ, SM.wZ, 1, Math.min(available, SM.mZ + 30 * SM.wZ));
    case 't':
      return sampleBreitWigner(rng, SM.mT, SM.wT, SM.mW + SM.mB + 1, Math.min(available, SM.mT + 30 * SM.wT));
    default:
      return (PARTICLE_MASS as Record<string, number>)[kind] ?? 0;
  }
}

/** Signed charges for a two-body decay of a boson of charge q into (a, b). */
function chargesFor(a: DecayKind, b: DecayKind, q: number): [number, number] {
  const lep = (k: DecayKind) => k === 'e' || k === 'mu' || k === 'tau';
  if (q !== 0) {
    if (lep(a)) return [q, 0];
    if (a === 'W' && b === 'b') return [q, 0];
    return [q, 0]; // hadronic: carried by the jets, not tracked at parton level
  }
  if (lep(a) && lep(b)) return [1, -1];
  if (a === 'W' && b === 'W') return [1, -1];
  return [0, 0];
}

/**
 * Decays every unstable SM particle (t, W, Z, H, tau) in the record, recursively, with the PDG branching ratios above.
 * Angular distributions: top -> W b and W -> l nu from top use the V-A helicity fractions F0 = 0.70, FL = 0.30
 * (NNLO QCD, Czarnecki et al. 2010); other SM decays are isotropic in the rest frame (spin averaged).
 */
export function decayAll(ev: EventRecord, rng: Rng, from = 0): void {
  for (let i = from; i < ev.particles.length; i++) {
    const p = ev.particles[i];
    if (!p.final) continue;
    switch (p.kind) {
      case 't': {
        const s = Math.sign(p.charge) || 1;
        const mw = massOf('W', rng, p.m - SM.mB - 0.01);
        const [iw] = twoBodyDecay(ev, i, { kind: 'W', charge: s, m: mw }, { kind: 'b', charge: 0, m: SM.mB }, rng);
        ev.particles[iw].label = 'fromTop';
        break;
      }
      case 'W': {
        const [a, b] = pick(rng.uniform(), openChannels(W_DECAYS, p.m));
        const [qa, qb] = chargesFor(a, b, Math.sign(p.charge) || 1);
        twoBodyDecay(ev, i, { kind: a, charge: qa, m: PARTICLE_MASS[a] }, { kind: b, charge: qb, m: PARTICLE_MASS[b] }, rng);
        break;
      }
      case 'Z': {
        const [a, b] = pick(rng.uniform(), openChannels(Z_DECAYS, p.m));
        const [qa, qb] = chargesFor(a, b, 0);
        twoBodyDecay(ev, i, { kind: a, charge: qa, m: PARTICLE_MASS[a] }, { kind: b, charge: qb, m: PARTICLE_MASS[b] }, rng);
        break;
      }
      case 'H': {
        const [a, b] = pick(rng.uniform(), H_DECAYS);
        if (a === 'W' || a === 'Z') {
          // One on-shell, one off-shell vector: m1 from the Breit-Wigner, m2 from the Breit-Wigner below M - m1.
          const m1 = massOf(a, rng, p.m - 1);
          const m2 = b === 'gamma' ? 0 : massOf(b, rng, p.m - m1 - 0.01);
          const [qa, qb] = chargesFor(a, b, 0);
          twoBodyDecay(ev, i, { kind: a, charge: qa, m: m1 }, { kind: b, charge: qb, m: m2 }, rng);
        } else {
          const [qa, qb] = chargesFor(a, b, 0);
          twoBodyDecay(ev, i, { kind: a, charge: qa, m: PARTICLE_MASS[a] }, { kind: b, charge: qb, m: PARTICLE_MASS[b] }, rng);
        }
        break;
      }
      case 'tau':
        decayTau(ev, i, rng);
        break;
      default:
        break;
    }
  }
}

/**
 * tau -> nu + X with X = W* -> l nu (leptonic; the W* mass from phase space), pi, rho (-> pi+- pi0) or a1 (-> 3 pi+-).
 * The visible hadronic products carry label 'tauh' and origin = the tau's index.
 */
function decayTau(ev: EventRecord, i: number, rng: Rng): void {
  const tau = ev.particles[i];
  const q = Math.sign(tau.charge) || -1;
  const mode = pick(rng.uniform(), TAU_DECAYS);
  if (mode === 'e' || mode === 'mu') {
    const ml = mode === 'e' ? SM.mE : SM.mMu;
    const ms = ml + (SM.mTau - ml) * Math.sqrt(rng.uniform());
    const [iv] = twoBodyDecay(ev, i, { kind: '_virtual', charge: q, m: ms }, { kind: 'nu', charge: 0, m: 0 }, rng);
    const [il] = twoBodyDecay(ev, iv, { kind: mode, charge: q, m: ml }, { kind: 'nu', charge: 0, m: 0 }, rng);
    ev.particles[il].label = 'fromTau';
    return;
  }
  const mh =
    mode === 'pi'
      ? SM.mPi
      : mode === 'rho'
        ? sampleBreitWigner(rng, SM.mRho, SM.wRho, 2 * SM.mPi + 0.01, SM.mTau - 0.01)
        : sampleBreitWigner(rng, SM.mA1, SM.wA1, 3 * SM.mPi + 0.01, SM.mTau - 0.01);
  const [ih] = twoBodyDecay(ev, i, { kind: mode === 'pi' ? 'hadron' : '_virtual', charge: q, m: mh }, { kind: 'nu', charge: 0, m: 0 }, rng);
  let products: number[] = [ih];
  if (mode === 'rho') products = twoBodyDecay(ev, ih, { kind: 'hadron', charge: q, m: SM.mPi }, { kind: 'gamma', charge: 0, m: 0 }, rng);
  if (mode === 'a1')
    products = threeBodyDecay(
      ev,
      ih,
      [
        { kind: 'hadron', charge: q, m: SM.mPi },
        { kind: 'hadron', charge: q, m: SM.mPi },
        { kind: 'hadron', charge: -q, m: SM.mPi },
      ],
      rng,
    );
  for (const j of products) {
    ev.particles[j].label = 'tauh';
    ev.particles[j].origin = i;
  }
}

/** Gaussian kT of fragmentation products relative to the parton axis, GeV (per transverse component). */
const FRAG_KT = 0.45;

/**
 * Independent fragmentation (Field & Feynman, Nucl. Phys. B136 (1978) 1) of every final parton (q, c, b, g) into
 * hadrons: energy fractions z from f(z) = 1 - a + 3a(1-z)^2 (a = 0.77) for light partons, and the Peterson function
 * for the leading b/c hadron (eps_b = 0.006, eps_c = 0.05); gluons fragment like light quarks with a softer spectrum
 * (a = 0.9). Each hadron takes a Gaussian kT (sigma 0.45 GeV) about the parton axis; charged : neutral hadrons : photons
 * (from pi0) = 0.60 : 0.10 : 0.30 by energy draws. The hadrons' 3-momenta are rescaled so that their sum equals the
 * parton's 3-momentum exactly; the jet acquires an invariant mass from the kT.
 */
export function fragmentAll(ev: EventRecord, rng: Rng): void {
  const n = ev.particles.length;
  const byMother = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const p = ev.particles[i];
    if (!p.final || !QUARK_LIKE.has(p.kind)) continue;
    fragment(ev, i, rng);
    if (p.mother >= 0) byMother.set(p.mother, [...(byMother.get(p.mother) ?? []), i]);
  }
  for (const partons of byMother.values()) if (partons.length >= 2) conserveInRestFrame(ev, partons);
}

/**
 * Four-momentum conservation for a parton system (e.g. W -> q qbar): the hadrons of its partons are boosted to the
 * system's rest frame, their residual total momentum removed, their momenta scaled by one factor so the energies add
 * up to the system's mass, and boosted back (the rescaling of independent-fragmentation programs, Sjostrand,
 * Comput. Phys. Commun. 39 (1986) 347). Without it each jet's fragmentation mass would inflate the W/Z/H mass.
 */
function conserveInRestFrame(ev: EventRecord, partons: number[]): void {
  const set = new Set(partons);
  const P = { E: 0, px: 0, py: 0, pz: 0 };
  for (const i of partons) {
    const q = ev.particles[i].p;
    P.E += q.E;
    P.px += q.px;
    P.py += q.py;
    P.pz += q.pz;
  }
  const M2 = P.E * P.E - P.px * P.px - P.py * P.py - P.pz * P.pz;
  if (!(M2 > 0)) return;
  const M = Math.sqrt(M2);
  const hs = ev.particles.filter((h) => h.final && h.origin !== undefined && set.has(h.origin) && h.label !== 'tauh');
  if (hs.length < 2) return;
  const bx = -P.px / P.E;
  const by = -P.py / P.E;
  const bz = -P.pz / P.E;
  const rest = hs.map((h) => boostFromRest(h.p, { E: 1, px: bx, py: by, pz: bz }));
  const res = rest.reduce((a, r) => ({ px: a.px + r.px, py: a.py + r.py, pz: a.pz + r.pz }), { px: 0, py: 0, pz: 0 });
  const k = hs.length;
  const mom = rest.map((r) => ({ px: r.px - res.px / k, py: r.py - res.py / k, pz: r.pz - res.pz / k }));
  const p2 = mom.map((m) => m.px * m.px + m.py * m.py + m.pz * m.pz);
  const energy = (lam: number) => hs.reduce((s, h, i) => s + Math.sqrt(lam * lam * p2[i] + h.m * h.m), 0);
  if (energy(0) >= M) return;
  let lo = 0;
  let hi = 1;
  while (energy(hi) < M) hi *= 2;
  for (let it = 0; it < 60; it++) {
    const mid = 0.5 * (lo + hi);
    if (energy(mid) < M) lo = mid;
    else hi = mid;
  }
  const lam = 0.5 * (lo + hi);
  hs.forEach((h, i) => {
    const q = { px: mom[i].px * lam, py: mom[i].py * lam, pz: mom[i].pz * lam };
    h.p = boostFromRest({ E: Math.sqrt(p2[i] * lam * lam + h.m * h.m), ...q }, P);
  });
}

const PETERSON_MAX = new Map<number, number>();

function peterson(rng: Rng, eps: number): number {
  const f = (z: number) => 1 / (z * (1 - 1 / z - eps / (1 - z)) ** 2);
  // Maximum of f is near z = 1 - sqrt(eps); bound by scanning once per eps.
  let fmax = PETERSON_MAX.get(eps) ?? 0;
  if (!fmax) {
    for (let k = 1; k < 2000; k++) fmax = Math.max(fmax, f(k / 2000));
    fmax *= 1.1;
    PETERSON_MAX.set(eps, fmax);
  }
  for (;;) {
    const z = 0.005 + 0.99 * rng.uniform();
    if (rng.uniform() * fmax <= f(z)) return z;
  }
}

function fragment(ev: EventRecord, i: number, rng: Rng): void {
  const parton = ev.particles[i];
  const P = parton.p;
  const pm = pmag(P);
  if (pm < 1e-9) return;
  const ax: [number, number, number] = [P.px / pm, P.py / pm, P.pz / pm];
  const label = parton.kind === 'b' ? 'b' : parton.kind === 'c' ? 'c' : 'light';
  const a = parton.kind === 'g' ? 0.9 : 0.77;
  const pieces: { pl: number; kx: number; ky: number; kind: string; charge: number }[] = [];
  let remaining = pm;
  let first = true;
  while (remaining > 1.0 && pieces.length < 60) {
    let z: number;
    if (first && (parton.kind === 'b' || parton.kind === 'c')) z = peterson(rng, parton.kind === 'b' ? 0.006 : 0.05);
    else {
      for (;;) {
        z = rng.uniform();
        if (rng.uniform() * (1 + 2 * a) <= 1 - a + 3 * a * (1 - z) ** 2) break;
      }
    }
    const pl = Math.max(z * remaining, 0.3);
    remaining -= pl;
    const r = rng.uniform();
    const kind = first && label !== 'light' ? 'hadron' : r < 0.6 ? 'hadron' : r < 0.7 ? 'hadron0' : 'gamma';
    const charge = kind === 'hadron' ? (rng.uniform() < 0.5 ? 1 : -1) : 0;
    pieces.push({ pl, kx: normal(rng, 0, FRAG_KT), ky: normal(rng, 0, FRAG_KT), kind, charge });
    first = false;
  }
  if (remaining > 0)
    pieces.push({ pl: remaining, kx: normal(rng, 0, FRAG_KT), ky: normal(rng, 0, FRAG_KT), kind: 'hadron', charge: rng.uniform() < 0.5 ? 1 : -1 });
  // Balance kT exactly and rescale longitudinal momenta to the parton's |p|.
  const n = pieces.length;
  let sx = 0;
  let sy = 0;
  let sl = 0;
  for (const h of pieces) {
    sx += h.kx;
    sy += h.ky;
    sl += h.pl;
  }
  const helper = Math.abs(ax[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
  const ex = cross(helper, ax);
  const exn = Math.hypot(ex[0], ex[1], ex[2]);
  for (let k = 0; k < 3; k++) ex[k] /= exn;
  const ey = cross(ax, ex);
  parton.final = false;
  for (const h of pieces) {
    const kx = n > 1 ? h.kx - sx / n : 0;
    const ky = n > 1 ? h.ky - sy / n : 0;
    const pl = (h.pl * pm) / sl;
    const px = pl * ax[0] + kx * ex[0] + ky * ey[0];
    const py = pl * ax[1] + kx * ex[1] + ky * ey[1];
    const pz = pl * ax[2] + kx * ex[2] + ky * ey[2];
    const m = h.kind === 'gamma' ? 0 : SM.mPi;
    ev.add({
      kind: h.kind,
      charge: h.charge,
      p: { E: Math.sqrt(px * px + py * py + pz * pz + m * m), px, py, pz },
      m,
      mother: i,
      final: true,
      label,
      origin: i,
    });
  }
}
