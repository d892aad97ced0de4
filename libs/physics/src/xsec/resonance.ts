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
 * Luminosities: NNPDF3.1 NLO at mu_F = M (pdfset.ts), at the collider energy sqrt(s) given (default 13 TeV).
 * Validity: Gamma/M < ~0.1 (narrow width; resonanceLineShapeCrossSectionPb integrates the Breit-Wigner instead),
 * LO accuracy (K-factors 1.2-1.5 not applied).
 */
import { InputError } from '@sigmap/contracts';
import { SM } from '../generator/sm';
import type { PdfGrid } from './lhagrid';
import { gaussLegendre } from './quadrature';
import { type LumiTerm, type Parton, SQRT_S_13TEV, checkSqrtS, nnpdf31Nlo, partonLuminosity } from './pdfset';

export interface ResonanceProduction {
  spin: number;
  /** Colour multiplicity of R (1, 3 or 8). */
  colour: number;
  mass: number;
  /** Partial widths (GeV) into the initial-state parton pairs. */
  terms: LumiTerm[];
  /** pp collision energy, GeV (default 13000). */
  sqrtS?: number;
}

const COLOURS: Record<string, number> = { g: 8 };
const colourOf = (p: Parton) => COLOURS[p] ?? 3;

/** 16 pi^2 (2J+1) N_R / (g_a g_b N_a N_b) S_ab of the formula above. */
function prefactor(spin: number, colour: number, t: LumiTerm): number {
  return ((16 * Math.PI ** 2 * (2 * spin + 1) * colour) / (2 * 2 * colourOf(t.a) * colourOf(t.b))) * (t.a === t.b ? 2 : 1);
}

function energyOf(r: { sqrtS?: number; mass: number }): number {
  const sqrtS = checkSqrtS(r.sqrtS ?? SQRT_S_13TEV);
  if (!(r.mass > 0 && r.mass < sqrtS)) throw new InputError('point.mass', `M = ${r.mass} GeV must lie between 0 and sqrt(s) = ${sqrtS} GeV`);
  return sqrtS;
}

function termCrossSectionPb(spin: number, colour: number, mass: number, t: LumiTerm, sqrtS = SQRT_S_13TEV, pdf: PdfGrid = nnpdf31Nlo()): number {
  const s = energyOf({ sqrtS, mass }) ** 2;
  return prefactor(spin, colour, t) * (t.w / (mass * s)) * partonLuminosity(t.a, t.b, (mass * mass) / s, mass, pdf) * SM.gevm2ToPb;
}

export function resonanceCrossSectionPb(r: ResonanceProduction, pdf: PdfGrid = nnpdf31Nlo()): number {
  let s = 0;
  for (const t of r.terms) s += termCrossSectionPb(r.spin, r.colour, r.mass, t, r.sqrtS, pdf);
  return s;
}

export interface LineShape {
  /** Total width at the pole, GeV. */
  width: number;
  /** Generated mass window [lo, hi], GeV (Pythia's mMin, mMax). */
  window: [number, number];
  /**
   * Gamma_in(m) Gamma_out(m) / (Gamma_in(M) Gamma(M)): how the numerator of the Breit-Wigner runs with the mass m of
   * the produced system (m^2 / M^2 for a vector decaying to fermions, m^6 / M^6 for q* with Gamma ~ m^3 / Lambda^2).
   */
  growth: (m: number) => number;
}

// 24-point Gauss-Legendre for the line-shape integral.
const { x: BW_X, w: BW_W } = gaussLegendre(24);
const BW_N = BW_X.length;

/**
 * The same cross section with the narrow-width delta function replaced by the running-width Breit-Wigner that Pythia 8
 * uses for s-channel resonances (Pythia 8.3, SigmaEW / SigmaNewGaugeBosons / SigmaCompositeness: sigma-hat proportional
 * to Gamma_in(m) Gamma_out(m) / ((s-hat - M^2)^2 + (s-hat Gamma / M)^2)), integrated over the mass window with the
 * luminosity at mu_F = m:
 *   sigma = sum_ab C_ab Gamma_ab / (M s) int dm^2 (1/pi) M Gamma growth(m) / ((m^2 - M^2)^2 + (m^2 Gamma / M)^2) dL_ab/dtau(m^2 / s; mu_F = m).
 * It tends to the narrow-width value as Gamma -> 0; for Gamma/M of a few per cent the falling luminosity pulls the
 * cross section up by the low-mass tail. Used to quantify the narrow-width approximation against Pythia.
 */
export function resonanceLineShapeCrossSectionPb(r: ResonanceProduction, shape: LineShape, pdf: PdfGrid = nnpdf31Nlo()): number {
  const sqrtS = energyOf(r);
  const s = sqrtS * sqrtS;
  const { mass: M, spin, colour } = r;
  const G = shape.width;
  if (!(G > 0)) throw new InputError('width', `the line shape needs a positive width, got ${G}`);
  const [lo, hi] = [Math.max(shape.window[0], pdf.qMin), Math.min(shape.window[1], 0.999 * sqrtS)];
  if (!(lo < M && M < hi)) throw new InputError('window', `the mass window [${lo}, ${hi}] GeV does not contain M = ${M} GeV`);
  // m^2 = M^2 + M Gamma tan(theta): the fixed-width Breit-Wigner is flat in theta.
  const th = (m: number) => Math.atan((m * m - M * M) / (M * G));
  const [a, b] = [th(lo), th(hi)];
  const pieces = 16;
  let sum = 0;
  for (let k = 0; k < pieces; k++) {
    const t0 = a + ((b - a) * k) / pieces;
    const h = (b - a) / pieces;
    for (let i = 0; i < BW_N; i++) {
      const t = t0 + 0.5 * h * (1 + BW_X[i]);
      const m2 = M * M + M * G * Math.tan(t);
      const m = Math.sqrt(m2);
      // (1/pi) M G / ((m2 - M2)^2 + (m2 G/M)^2) dm2 = (1/pi) dtheta * ((m2-M2)^2 + M2 G2) / ((m2-M2)^2 + (m2 G/M)^2)
      const d2 = (m2 - M * M) ** 2;
      const running = (d2 + M * M * G * G) / (d2 + ((m2 * G) / M) ** 2);
      let lum = 0;
      for (const term of r.terms) lum += prefactor(spin, colour, term) * term.w * partonLuminosity(term.a, term.b, m2 / s, m, pdf);
      sum += (0.5 * h * BW_W[i] * (running * shape.growth(m) * lum)) / Math.PI;
    }
  }
  return (sum / (M * s)) * SM.gevm2ToPb;
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
  const ps = lam * (1 - (x1 + x2) / 2 - (x1 - x2) ** 2 / 2);
  return ((Nc * v2 * SM.gW * SM.gW * scale * scale * M) / (48 * Math.PI)) * ps;
}
