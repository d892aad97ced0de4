/**
 * Leading-order narrow-width cross section of a resonance R (spin J, colour multiplicity N_R, mass M) produced in
 * parton collisions a b -> R:
 *
 *   sigma(pp -> R) = 16 pi^2 (2J+1) N_R / (g_a g_b N_a N_b) * S_ab * Gamma(R -> ab) / (M s) * dL_ab/dtau (tau = M^2/s)
 *
 * (PDG Review "Cross-section formulae", eq. 51.52 with the narrow-width delta function; Eichten et al. 1984),
 * with g = 2 helicity states for massless quarks and gluons, N = 3 (quark) or 8 (gluon) colours, S_ab = 2 for identical
 * initial partons (the width of R -> g g carries the 1/2 identical-particle factor). Check: gg -> H gives
 * pi^2/8 Gamma_gg/(M s) dL_gg/dtau, the textbook result. Converted to pb with (hbar c)^2 = 0.3894 mb GeV^2.
 * Validity: Gamma/M < ~0.1 (narrow width), LO accuracy (K-factors 1.2-1.5 not applied), PDFs-lite accuracy (see pdf.ts).
 */
import { SM } from '../generator/sm';
import { type LumiTerm, type Parton, S_HADRONIC, partonLuminosity } from './pdf';

export interface ResonanceProduction {
  spin: number;
  /** Colour multiplicity of R (1, 3 or 8). */
  colour: number;
  mass: number;
  /** Partial widths (GeV) into the initial-state parton pairs. */
  terms: LumiTerm[];
}

const COLOURS: Record<string, number> = { g: 8 };
const colourOf = (p: Parton) => COLOURS[p] ?? 3;

export function termCrossSectionPb(spin: number, colour: number, mass: number, t: LumiTerm): number {
  const tau = (mass * mass) / S_HADRONIC;
  const pref = (16 * Math.PI ** 2 * (2 * spin + 1) * colour) / (2 * 2 * colourOf(t.a) * colourOf(t.b));
  const sym = t.a === t.b ? 2 : 1;
  return pref * sym * (t.w / (mass * S_HADRONIC)) * partonLuminosity(t.a, t.b, tau) * SM.gevm2ToPb;
}

export function resonanceCrossSectionPb(r: ResonanceProduction): number {
  let s = 0;
  for (const t of r.terms) s += termCrossSectionPb(r.spin, r.colour, r.mass, t);
  return s;
}

/** Z/Z' couplings to fermions: g_V = T3 - 2 Q sin^2(theta_W), g_A = T3 (PDG eq. 10.7). */
export const FERMION_EW: Record<string, { T3: number; Q: number; Nc: number; m: number }> = {
  nu: { T3: 0.5, Q: 0, Nc: 1, m: 0 },
  e: { T3: -0.5, Q: -1, Nc: 1, m: SM.mE },
  mu: { T3: -0.5, Q: -1, Nc: 1, m: SM.mMu },
  tau: { T3: -0.5, Q: -1, Nc: 1, m: SM.mTau },
  u: { T3: 0.5, Q: 2 / 3, Nc: 3, m: 0 },
  c: { T3: 0.5, Q: 2 / 3, Nc: 3, m: SM.mC },
  t: { T3: 0.5, Q: 2 / 3, Nc: 3, m: SM.mT },
  d: { T3: -0.5, Q: -1 / 3, Nc: 3, m: 0 },
  s: { T3: -0.5, Q: -1 / 3, Nc: 3, m: 0 },
  b: { T3: -0.5, Q: -1 / 3, Nc: 3, m: SM.mB },
};

/**
 * Partial width of a Z-like vector boson of mass M and coupling g/cos(theta_W) (times `scale`) to f fbar:
 * Gamma = Nc g^2 M / (48 pi cos^2) * beta [gV^2 (3 - beta^2)/2 + gA^2 beta^2] (PDG: Nc G_F M^3/(6 sqrt2 pi)(gV^2 + gA^2) at beta = 1).
 */
export function zLikeWidth(M: number, f: string, scale = 1): number {
  const c = FERMION_EW[f];
  const gV = c.T3 - 2 * c.Q * SM.sin2W;
  const gA = c.T3;
  const r = (2 * c.m) / M;
  if (r >= 1) return 0;
  const beta = Math.sqrt(1 - r * r);
  const g2 = (SM.gW * SM.gW) / (1 - SM.sin2W);
  return ((c.Nc * g2 * scale * scale * M) / (48 * Math.PI)) * beta * ((gV * gV * (3 - beta * beta)) / 2 + gA * gA * beta * beta);
}

/** Partial width of a W-like boson to f fbar' (V-A, Nc, |V|^2): Nc |V|^2 g^2 M / (48 pi) times the massive phase-space factor. */
export function wLikeWidth(M: number, m1: number, m2: number, Nc: number, v2 = 1, scale = 1): number {
  if (m1 + m2 >= M) return 0;
  const x1 = (m1 * m1) / (M * M);
  const x2 = (m2 * m2) / (M * M);
  const lam = Math.sqrt((1 - x1 - x2) ** 2 - 4 * x1 * x2);
  const ps = lam * (1 - (x1 + x2) / 2 - ((x1 - x2) ** 2) / 2);
  return ((Nc * v2 * SM.gW * SM.gW * scale * scale * M) / (48 * Math.PI)) * ps;
}
