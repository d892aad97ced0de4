/** Event variables shared by the recasts' selections. */
import type { RecoEvent, RecoJet, RecoObject } from '../detector/types';
import { deltaPhi } from '../generator/vec';

export const byPt = <T extends { pt: number }>(xs: readonly T[]): T[] => [...xs].sort((a, b) => b.pt - a.pt);

export const metPhi = (ev: RecoEvent): number => Math.atan2(ev.met.py, ev.met.px);

/** Transverse mass of an object and a missing-momentum vector. */
export function transverseMass(o: RecoObject, metPt: number, phiMet: number): number {
  return Math.sqrt(Math.max(0, 2 * o.pt * metPt * (1 - Math.cos(deltaPhi(o.phi, phiMet)))));
}

/** Smallest |Delta phi| between the missing momentum (azimuth `phi`) and the given jets; Infinity for none. */
export function minDeltaPhi(jets: readonly RecoObject[], phi: number): number {
  let m = Infinity;
  for (const j of jets) m = Math.min(m, Math.abs(deltaPhi(j.phi, phi)));
  return m;
}

export const scalarSum = (xs: readonly { pt: number }[]): number => xs.reduce((s, x) => s + x.pt, 0);

/**
 * Aplanarity A = 3/2 lambda_3, lambda_3 the smallest eigenvalue of the momentum tensor
 * S_ab = sum_i p_ia p_ib / sum_i |p_i|^2 over the jets (ATLAS 0-lepton searches, e.g. arXiv:1605.03814 Sec. 5).
 */
export function aplanarity(jets: readonly RecoJet[]): number {
  const S = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  let norm = 0;
  for (const j of jets) {
    const p = [j.p.px, j.p.py, j.p.pz];
    norm += p[0] * p[0] + p[1] * p[1] + p[2] * p[2];
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) S[a][b] += p[a] * p[b];
  }
  if (norm <= 0) return 0;
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) S[a][b] /= norm;
  return 1.5 * Math.min(...symmetricEigenvalues3(S));
}

/** Eigenvalues of a symmetric 3x3 matrix by cyclic Jacobi rotations (Golub & Van Loan, Matrix Computations 8.5). */
export function symmetricEigenvalues3(M: number[][]): number[] {
  const A = M.map((r) => [...r]);
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = A[0][1] ** 2 + A[0][2] ** 2 + A[1][2] ** 2;
    if (off < 1e-30) break;
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ] as const) {
      if (Math.abs(A[p][q]) < 1e-300) continue;
      const theta = (A[q][q] - A[p][p]) / (2 * A[p][q]);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let k = 0; k < 3; k++) {
        const akp = A[k][p];
        const akq = A[k][q];
        A[k][p] = c * akp - s * akq;
        A[k][q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = A[p][k];
        const aqk = A[q][k];
        A[p][k] = c * apk - s * aqk;
        A[q][k] = s * apk + c * aqk;
      }
    }
  }
  return [A[0][0], A[1][1], A[2][2]];
}

/** Golden-section minimum of a unimodal function on [lo, hi] (Kiefer 1953), `iters` interval reductions by 0.618. */
function goldenMin(f: (x: number) => number, lo: number, hi: number, iters: number): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < iters; i++) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return Math.min(fc, fd);
}

/**
 * The stransverse mass mT2 (Lester & Summers, Phys. Lett. B 463 (1999) 99; Barr, Lester & Stephens, J. Phys. G 29
 * (2003) 2343) of two visible objects and the missing transverse momentum, for invisible particles of mass `mInv`
 * (0 in the ATLAS two-lepton searches, e.g. arXiv:1803.02762): the minimum over splittings q1 + q2 = pTmiss of
 * max(mT(a, q1), mT(b, q2)), with mT^2(p, q) = m_p^2 + m_inv^2 + 2 (E_T(p) E_T(q) - pT(p) . q).
 * Each mT^2 is convex in q (E_T(q) = sqrt(m_inv^2 + q^2) is), so the maximum is convex: the minimum over the plane is
 * found by nested golden-section searches (x outside, y inside), to ~1e-9 of the search box.
 */
export function mt2(a: RecoObject, b: RecoObject, metX: number, metY: number, mInv = 0): number {
  const ma2 = Math.max(0, a.p.E * a.p.E - a.p.px * a.p.px - a.p.py * a.p.py - a.p.pz * a.p.pz);
  const mb2 = Math.max(0, b.p.E * b.p.E - b.p.px * b.p.px - b.p.py * b.p.py - b.p.pz * b.p.pz);
  const eta = Math.sqrt(ma2 + a.pt * a.pt);
  const etb = Math.sqrt(mb2 + b.pt * b.pt);
  const m2 = mInv * mInv;
  const mt2a = (qx: number, qy: number) => ma2 + m2 + 2 * (eta * Math.sqrt(m2 + qx * qx + qy * qy) - a.p.px * qx - a.p.py * qy);
  const mt2b = (qx: number, qy: number) => mb2 + m2 + 2 * (etb * Math.sqrt(m2 + qx * qx + qy * qy) - b.p.px * qx - b.p.py * qy);
  const f = (x: number, y: number) => Math.max(mt2a(x, y), mt2b(metX - x, metY - y));
  // Search box for q1: each component within 2 (|pTmiss| + pT(a) + pT(b)) + 1 GeV (far outside it both terms grow
  // linearly); test/recast checks the result against the closed form of balanced events and a brute-force scan.
  const L = 2 * (Math.hypot(metX, metY) + a.pt + b.pt) + 1;
  const best = goldenMin((x) => goldenMin((y) => f(x, y), -L, L, 90), -L, L, 90);
  return Math.sqrt(Math.max(0, best));
}
