/**
 * The proton of sigmap's resonance cross sections: NNPDF3.1 NLO (NNPDF31_nlo_as_0118_luxqed, central member; Ball et al.,
 * Eur. Phys. J. C77 (2017) 663, arXiv:1706.00428; photon from LUXqed, arXiv:1712.07053), alpha_s(m_Z) = 0.118, read
 * from the LHAPDF6 grid the pythia8mc 8.317.2 wheel ships (tables/NNPDF31_nlo_as_0118_luxqed_0000.json, derived by
 * scripts/pdf-table.ts: the 5-flavour Q subgrid from Q = 20.9 GeV, x >= 7.9e-7; its header carries the grid's sha256)
 * and interpolated as Pythia 8's LHAGrid1 does (lhagrid.ts). Parton luminosities at the factorisation scale mu_F = M,
 * the resonance mass (the scale Pythia 8 uses for 2 -> 1 processes: SigmaProcess:factorScale1 = 1, "the squared
 * invariant mass sHat", Pythia 8.3 manual, "Couplings and Scales").
 *
 * alpha_s: the two-loop renormalisation-group equation mu^2 d alpha_s / d mu^2 = -(b0 alpha_s^2 + b1 alpha_s^3),
 * b0 = (33 - 2 n_f)/(12 pi), b1 = (153 - 19 n_f)/(24 pi^2) (PDG Review of Particle Physics 2024, section 9 "Quantum
 * Chromodynamics", the running coupling) with n_f = 5 active flavours, integrated numerically (RK4) from
 * alpha_s(m_Z) = 0.118 (the value the PDF set was fitted with; PDG 2024 world average 0.1180 +- 0.0009). Two loops is
 * the order of the NLO PDF set; n_f = 5 the maximum number of flavours in NNPDF3.1's evolution (no top PDF).
 */
import { InputError } from '@sigmap/contracts';
import { PdfGrid, type PdfTable, type PdfTableJson, type ScaledPdf } from './lhagrid';
import { gaussLegendre } from './quadrature';
import nnpdf31Json from './tables/NNPDF31_nlo_as_0118_luxqed_0000.json';

export type Parton = 'g' | 'u' | 'd' | 's' | 'c' | 'b' | 'ubar' | 'dbar' | 'sbar' | 'cbar' | 'bbar';

const PARTON_PID: Record<Parton, number> = { g: 21, d: 1, u: 2, s: 3, c: 4, b: 5, dbar: -1, ubar: -2, sbar: -3, cbar: -4, bbar: -5 };

const M_Z = 91.1876; // PDG 2024

let nnpdf31: PdfGrid | null = null;
/** NNPDF3.1 NLO, alpha_s(m_Z) = 0.118 (built once from the derived table). */
export function nnpdf31Nlo(): PdfGrid {
  if (!nnpdf31) {
    const j = nnpdf31Json as unknown as PdfTableJson;
    nnpdf31 = new PdfGrid('NNPDF31_nlo_as_0118_luxqed', j.table as PdfTable);
  }
  return nnpdf31;
}

/** Where the table came from (file, sha256, command, references). */
export const NNPDF31_ORIGIN = (nnpdf31Json as unknown as PdfTableJson).origin;

/** Default collider energy of the families (GeV); every cross section takes sqrt(s) as an input. */
export const SQRT_S_13TEV = 13000;

export function checkSqrtS(sqrtS: number, field = 'sqrtS'): number {
  if (!(Number.isFinite(sqrtS) && sqrtS >= 1000 && sqrtS <= 100000))
    throw new InputError(field, `sqrt(s) = ${sqrtS} GeV: give a pp collider energy in GeV between 1000 and 100000 (e.g. 13000)`);
  return sqrtS;
}

// 24-point Gauss-Legendre on 16 equal pieces of ln x.
const { x: GLX, w: GLW } = gaussLegendre(24);
const N_GL = GLX.length;
const PIECES = 16;

/**
 * Parton luminosity dL_ab/dtau(tau) = int_tau^1 dx/x [f_a(x) f_b(tau/x) + f_b(x) f_a(tau/x)] for a != b, without the
 * second term for a = b (Eichten, Hinchliffe, Lane, Quigg, Rev. Mod. Phys. 56 (1984) 579, eq. 2.11), at the scale muF
 * (GeV). Computed in u = ln x: (1/tau) int_{ln tau}^0 du xf_a(x) yf_b(y), y = tau/x, by 16 x 24-point Gauss-Legendre
 * (converged to < 1e-6 relative where the interpolant's kinks are at the grid knots; ~1e-5 where a density is clipped
 * at 0 inside a piece, e.g. sbar at large x).
 */
export function partonLuminosity(a: Parton, b: Parton, tau: number, muF: number, pdf: PdfGrid = nnpdf31Nlo()): number {
  if (!(tau > 0 && tau < 1)) throw new InputError('tau', `tau = M^2/s = ${tau} must lie in (0, 1)`);
  return luminosityAt(pdf.atScale(muF), a, b, tau);
}

function luminosityAt(sp: ScaledPdf, a: Parton, b: Parton, tau: number): number {
  const pa = PARTON_PID[a];
  const pb = PARTON_PID[b];
  const lt = Math.log(tau);
  const h = lt / PIECES;
  let s = 0;
  for (let k = 0; k < PIECES; k++) {
    const lo = k * h;
    const c = lo + 0.5 * h;
    for (let i = 0; i < N_GL; i++) {
      const u = c + 0.5 * h * GLX[i];
      const x = Math.exp(u);
      const y = tau / x;
      const ab = sp.xf(pa, x) * sp.xf(pb, y);
      s += GLW[i] * (a === b ? ab : ab + sp.xf(pb, x) * sp.xf(pa, y));
    }
  }
  // sum_k int_{kh}^{(k+1)h}: h < 0 runs from 0 down to ln tau, hence the sign.
  return (-0.5 * h * s) / tau;
}

/** A weighted sum of luminosities, e.g. sum over flavours of Gamma(X -> q qbar) L_{q qbar}. */
export interface LumiTerm {
  a: Parton;
  b: Parton;
  /** Weight (e.g. a partial width in GeV). */
  w: number;
}

/** alpha_s(Q) at two loops, n_f = 5, from alpha_s(m_Z) (see the header: PDG 2024, the two-loop beta function). */
export function alphaS(Q: number, alphaSMz = 0.118): number {
  if (!(Q > 1 && Number.isFinite(Q))) throw new InputError('Q', `alpha_s needs a scale above 1 GeV, got ${Q}`);
  const nf = 5;
  const b0 = (33 - 2 * nf) / (12 * Math.PI);
  const b1 = (153 - 19 * nf) / (24 * Math.PI * Math.PI);
  // d a / d ln(mu^2) = -b0 a^2 - b1 a^3, RK4 in t = ln(mu^2 / m_Z^2).
  const T = Math.log((Q * Q) / (M_Z * M_Z));
  const n = Math.max(20, Math.ceil(Math.abs(T) * 20));
  const h = T / n;
  const f = (a: number) => -b0 * a * a - b1 * a * a * a;
  let a = alphaSMz;
  for (let i = 0; i < n; i++) {
    const k1 = f(a);
    const k2 = f(a + 0.5 * h * k1);
    const k3 = f(a + 0.5 * h * k2);
    const k4 = f(a + h * k3);
    a += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return a;
}
