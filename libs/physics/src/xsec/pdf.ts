/**
 * PDFs-lite: a closed-form proton at a hard scale Q ~ 0.1-1 TeV, enough to give parton luminosities, resonance cross
 * sections and the rapidity of produced systems to the ~30-50% accuracy of a leading-order estimate.
 *
 * Form (the standard valence/sea/gluon ansatz of global fits, e.g. CTEQ6 / MSTW: x f = A x^a (1-x)^b):
 *   x u_v = A_u x^0.5 (1-x)^3.5,   x d_v = A_d x^0.5 (1-x)^4.5,   x g = A_g x^-0.25 (1-x)^6,
 *   x ubar = x dbar = S(x),  x s = x sbar = 0.6 S,  x c = x cbar = 0.3 S,  x b = x bbar = 0.15 S,  S = A_s x^-0.25 (1-x)^8.
 * A_u, A_d from the number sum rules (int u_v = 2, int d_v = 1); A_g from a gluon momentum fraction of 0.47
 * (PDF4LHC15 at Q ~ 100 GeV); A_s from the momentum sum rule (all momentum fractions add to 1).
 * Validity: 1e-4 < x < 0.8, i.e. resonance masses ~ 0.1-7 TeV at sqrt(s) = 13 TeV. It is not a fitted PDF: expect
 * O(30%) deviations from LHAPDF sets at low x and up to a factor ~2 at x > 0.5 (the highest masses).
 */
import { SM } from '../generator/sm';

export type Parton = 'g' | 'u' | 'd' | 's' | 'c' | 'b' | 'ubar' | 'dbar' | 'sbar' | 'cbar' | 'bbar';

/** Regularised Beta(a, b) by the Gamma function (Lanczos, g = 7). */
function lanczosGamma(z: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.PI / (Math.sin(Math.PI * z) * lanczosGamma(1 - z));
  z -= 1;
  let x = c[0];
  for (let i = 1; i < 9; i++) x += c[i] / (z + i);
  const t = z + 7.5;
  return Math.sqrt(2 * Math.PI) * Math.pow(t, z + 0.5) * Math.exp(-t) * x;
}
export const betaFn = (a: number, b: number) => (lanczosGamma(a) * lanczosGamma(b)) / lanczosGamma(a + b);
export { lanczosGamma as gammaFn };

// x f = A x^a (1-x)^b: number integral int f dx = A B(a, b+1); momentum integral int x f dx = A B(a+1, b+1).
const UV = { a: 0.5, b: 4 };
const DV = { a: 0.5, b: 5 };
const GL = { a: -0.3, b: 6.5 };
const SEA = { a: -0.3, b: 9 };
const SEA_WEIGHTS = { ubar: 1, dbar: 1, s: 0.6, sbar: 0.6, c: 0.3, cbar: 0.3, b: 0.15, bbar: 0.15, useaq: 1, dseaq: 1 };
export const GLUON_MOMENTUM_FRACTION = 0.47;

const A_U = 2 / betaFn(UV.a, UV.b + 1);
const A_D = 1 / betaFn(DV.a, DV.b + 1);
const A_G = GLUON_MOMENTUM_FRACTION / betaFn(GL.a + 1, GL.b + 1);
const VALENCE_MOMENTUM = A_U * betaFn(UV.a + 1, UV.b + 1) + A_D * betaFn(DV.a + 1, DV.b + 1);
const SEA_TOTAL_WEIGHT = Object.values(SEA_WEIGHTS).reduce((s, w) => s + w, 0);
const A_S = (1 - GLUON_MOMENTUM_FRACTION - VALENCE_MOMENTUM) / (SEA_TOTAL_WEIGHT * betaFn(SEA.a + 1, SEA.b + 1));

const pw = (A: number, p: { a: number; b: number }, x: number) => A * Math.pow(x, p.a) * Math.pow(1 - x, p.b);

/** x f(x) for one parton species. */
export function xf(parton: Parton, x: number): number {
  if (!(x > 0 && x < 1)) return 0;
  const sea = pw(A_S, SEA, x);
  switch (parton) {
    case 'g':
      return pw(A_G, GL, x);
    case 'u':
      return pw(A_U, UV, x) + sea;
    case 'd':
      return pw(A_D, DV, x) + sea;
    case 'ubar':
    case 'dbar':
      return sea;
    case 's':
    case 'sbar':
      return 0.6 * sea;
    case 'c':
    case 'cbar':
      return 0.3 * sea;
    case 'b':
    case 'bbar':
      return 0.15 * sea;
  }
}

/** Momentum fractions for the sum-rule test. */
export const PDF_NORMALISATION = { A_U, A_D, A_G, A_S, valenceMomentum: VALENCE_MOMENTUM };

// 48-point Gauss-Legendre on [-1, 1] (computed once by Newton iteration on P_n).
const GL_N = 48;
const GL_X: number[] = [];
const GL_W: number[] = [];
(() => {
  for (let i = 1; i <= GL_N; i++) {
    let z = Math.cos((Math.PI * (i - 0.25)) / (GL_N + 0.5));
    let pp = 0;
    for (let it = 0; it < 100; it++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 1; j <= GL_N; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      pp = (GL_N * (z * p1 - p2)) / (z * z - 1);
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) < 1e-15) break;
    }
    GL_X.push(z);
    GL_W.push(2 / ((1 - z * z) * pp * pp));
  }
})();

/** int_lo^hi f(t) dt by 48-point Gauss-Legendre. */
export function integrate(f: (t: number) => number, lo: number, hi: number): number {
  const h = 0.5 * (hi - lo);
  const c = 0.5 * (hi + lo);
  let s = 0;
  for (let i = 0; i < GL_N; i++) s += GL_W[i] * f(c + h * GL_X[i]);
  return s * h;
}

/**
 * Parton luminosity dL_ab/dtau (tau) = int_tau^1 dx/x [f_a(x) f_b(tau/x) + f_b(x) f_a(tau/x)] for a != b, and without the
 * second term for a = b (Eichten, Hinchliffe, Lane, Quigg, Rev. Mod. Phys. 56 (1984) 579, eq. 2.11).
 * Computed in u = ln x: dL/dtau = (1/tau) int_{ln tau}^0 du xf_a(x) yf_b(y), y = tau/x.
 */
export function partonLuminosity(a: Parton, b: Parton, tau: number): number {
  if (!(tau > 0 && tau < 1)) return 0;
  const lt = Math.log(tau);
  // Split the range to resolve both ends.
  const f = (u: number) => {
    const x = Math.exp(u);
    const y = tau / x;
    const ab = xf(a, x) * xf(b, y);
    return a === b ? ab : ab + xf(b, x) * xf(a, y);
  };
  return (integrate(f, lt, 0.5 * lt) + integrate(f, 0.5 * lt, 0)) / tau;
}

/** A weighted sum of luminosities, e.g. sum over flavours of Gamma(X -> q qbar) L_{q qbar}. */
export interface LumiTerm {
  a: Parton;
  b: Parton;
  /** Weight (e.g. a partial width in GeV). */
  w: number;
  /** 2 for identical initial partons (g g), see resonanceCrossSectionPb. */
  identical?: boolean;
}

export const S_HADRONIC = SM.sqrtS * SM.sqrtS;
