/**
 * PDFs-lite: a closed-form proton at a hard scale Q ~ 0.1-1 TeV. Since the cross sections moved to NNPDF3.1 (pdfset.ts)
 * it serves only the built-in fast generator (generator/production.ts): the shape in mass and rapidity of the produced
 * system is sampled from these luminosities (switching it would change every built-in event and with them the
 * training samples of the shipped surrogate models; see libs/physics/README.md). Cross sections never use it.
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
import type { Parton } from './pdfset';
import { integrate } from './quadrature';

/** Regularised Beta(a, b) by the Gamma function (Lanczos, g = 7). */
function lanczosGamma(z: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.PI / (Math.sin(Math.PI * z) * lanczosGamma(1 - z));
  z -= 1;
  let x = c[0];
  for (let i = 1; i < 9; i++) x += c[i] / (z + i);
  const t = z + 7.5;
  return Math.sqrt(2 * Math.PI) * Math.pow(t, z + 0.5) * Math.exp(-t) * x;
}
export const betaFn = (a: number, b: number) => (lanczosGamma(a) * lanczosGamma(b)) / lanczosGamma(a + b);

// x f = A x^a (1-x)^b: number integral int f dx = A B(a, b+1); momentum integral int x f dx = A B(a+1, b+1).
const UV = { a: 0.5, b: 4 };
const DV = { a: 0.5, b: 5 };
const GL = { a: -0.3, b: 6.5 };
const SEA = { a: -0.3, b: 9 };
const SEA_WEIGHTS = { ubar: 1, dbar: 1, s: 0.6, sbar: 0.6, c: 0.3, cbar: 0.3, b: 0.15, bbar: 0.15, useaq: 1, dseaq: 1 };
const GLUON_MOMENTUM_FRACTION = 0.47;

const A_U = 2 / betaFn(UV.a, UV.b + 1);
const A_D = 1 / betaFn(DV.a, DV.b + 1);
const A_G = GLUON_MOMENTUM_FRACTION / betaFn(GL.a + 1, GL.b + 1);
const VALENCE_MOMENTUM = A_U * betaFn(UV.a + 1, UV.b + 1) + A_D * betaFn(DV.a + 1, DV.b + 1);
const SEA_TOTAL_WEIGHT = Object.values(SEA_WEIGHTS).reduce((s, w) => s + w, 0);
const A_S = (1 - GLUON_MOMENTUM_FRACTION - VALENCE_MOMENTUM) / (SEA_TOTAL_WEIGHT * betaFn(SEA.a + 1, SEA.b + 1));

const pw = (A: number, p: { a: number; b: number }, x: number) => A * Math.pow(x, p.a) * Math.pow(1 - x, p.b);

/** PDFs-lite x f(x) for one parton species (Q-independent). */
export function liteXf(parton: Parton, x: number): number {
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

/**
 * Parton luminosity dL_ab/dtau (tau) = int_tau^1 dx/x [f_a(x) f_b(tau/x) + f_b(x) f_a(tau/x)] for a != b, and without the
 * second term for a = b (Eichten, Hinchliffe, Lane, Quigg, Rev. Mod. Phys. 56 (1984) 579, eq. 2.11).
 * Computed in u = ln x: dL/dtau = (1/tau) int_{ln tau}^0 du xf_a(x) yf_b(y), y = tau/x.
 */
export function liteLuminosity(a: Parton, b: Parton, tau: number): number {
  if (!(tau > 0 && tau < 1)) return 0;
  const lt = Math.log(tau);
  // Split the range to resolve both ends.
  const f = (u: number) => {
    const x = Math.exp(u);
    const y = tau / x;
    const ab = liteXf(a, x) * liteXf(b, y);
    return a === b ? ab : ab + liteXf(b, x) * liteXf(a, y);
  };
  return (integrate(f, lt, 0.5 * lt) + integrate(f, 0.5 * lt, 0)) / tau;
}

/** The built-in generator's collider: sqrt(s) = 13 TeV. */
export const S_HADRONIC = SM.sqrtS * SM.sqrtS;
