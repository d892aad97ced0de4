/**
 * Minimal Lorentz four-vectors (GeV, natural units, metric +---). Plain objects so batches stay cheap.
 */
export interface P4 {
  E: number;
  px: number;
  py: number;
  pz: number;
}

export function add(a: P4, b: P4): P4 {
  return { E: a.E + b.E, px: a.px + b.px, py: a.py + b.py, pz: a.pz + b.pz };
}

export function sum(ps: readonly P4[]): P4 {
  const s = { E: 0, px: 0, py: 0, pz: 0 };
  for (const p of ps) {
    s.E += p.E;
    s.px += p.px;
    s.py += p.py;
    s.pz += p.pz;
  }
  return s;
}

/** Invariant mass sqrt(E^2 - |p|^2), clipped at 0 for round-off. */
export function mass(p: P4): number {
  const m2 = p.E * p.E - p.px * p.px - p.py * p.py - p.pz * p.pz;
  return m2 > 0 ? Math.sqrt(m2) : 0;
}

export const pt = (p: P4): number => Math.hypot(p.px, p.py);
export const pmag = (p: P4): number => Math.hypot(p.px, p.py, p.pz);
export const phi = (p: P4): number => Math.atan2(p.py, p.px);

/** Pseudorapidity -ln tan(theta/2); +-20 along the beam. */
export function eta(p: P4): number {
  const t = pt(p);
  if (t < 1e-12) return p.pz >= 0 ? 20 : -20;
  return Math.asinh(p.pz / t);
}

export function deltaPhi(a: number, b: number): number {
  let d = a - b;
  while (d > Math.PI) d -= 2 * Math.PI;
  while (d <= -Math.PI) d += 2 * Math.PI;
  return d;
}

export function deltaR(eta1: number, phi1: number, eta2: number, phi2: number): number {
  return Math.hypot(eta1 - eta2, deltaPhi(phi1, phi2));
}

/** Four-vector from (pT, eta, phi, m). */
export function fromPtEtaPhiM(ptv: number, etav: number, phiv: number, m: number): P4 {
  const px = ptv * Math.cos(phiv);
  const py = ptv * Math.sin(phiv);
  const pz = ptv * Math.sinh(etav);
  return { E: Math.sqrt(px * px + py * py + pz * pz + m * m), px, py, pz };
}

/** Four-vector of mass m moving with momentum |p| along (theta, phi) polar angles. */
export function fromPThetaPhi(p: number, cosTheta: number, phiv: number, m: number): P4 {
  const sinTheta = Math.sqrt(Math.max(0, 1 - cosTheta * cosTheta));
  return { E: Math.sqrt(p * p + m * m), px: p * sinTheta * Math.cos(phiv), py: p * sinTheta * Math.sin(phiv), pz: p * cosTheta };
}

/** Lorentz boost of p by velocity (bx, by, bz) (Jackson eq. 11.19). */
function boost(p: P4, bx: number, by: number, bz: number): P4 {
  const b2 = bx * bx + by * by + bz * bz;
  if (b2 <= 0) return { ...p };
  if (b2 >= 1) throw new RangeError(`boost velocity >= 1 (b^2 = ${b2})`);
  const gamma = 1 / Math.sqrt(1 - b2);
  const bp = bx * p.px + by * p.py + bz * p.pz;
  const g2 = (gamma - 1) / b2;
  return {
    E: gamma * (p.E + bp),
    px: p.px + g2 * bp * bx + gamma * bx * p.E,
    py: p.py + g2 * bp * by + gamma * by * p.E,
    pz: p.pz + g2 * bp * bz + gamma * bz * p.E,
  };
}

/** Boost p from the rest frame of `parent` into the frame where parent has momentum `parent`. */
export function boostFromRest(p: P4, parent: P4): P4 {
  return boost(p, parent.px / parent.E, parent.py / parent.E, parent.pz / parent.E);
}

/** Källén function lambda(a, b, c) = a^2 + b^2 + c^2 - 2ab - 2ac - 2bc. */
function kallen(a: number, b: number, c: number): number {
  return a * a + b * b + c * c - 2 * a * b - 2 * a * c - 2 * b * c;
}

/** Momentum of either daughter in the rest frame of a parent of mass M decaying to masses m1, m2 (PDG kinematics eq. 49.17). */
export function twoBodyMomentum(M: number, m1: number, m2: number): number {
  const l = kallen(M * M, m1 * m1, m2 * m2);
  return l > 0 ? Math.sqrt(l) / (2 * M) : 0;
}
