/**
 * Production of the hard system at sqrt(s) = 13 TeV: its mass (Breit-Wigner x parton luminosity for resonances,
 * threshold factor x luminosity for pair production), its rapidity (from the parton densities at the sampled tau) and
 * its transverse recoil against initial-state radiation, balanced by one ISR parton. The densities here are PDFs-lite
 * (xsec/pdf.ts): the built-in fast generator's shapes; cross sections (normalisations) use NNPDF3.1 (xsec/pdfset.ts).
 */
import { type Rng } from '@sigmap/contracts';
import { S_HADRONIC, liteLuminosity, liteXf } from '../xsec/pdf';
import type { LumiTerm, Parton } from '../xsec/pdfset';
import { SM } from './sm';
import type { P4 } from './vec';

/** Sum of weighted luminosities, tabulated on a log-tau grid (200 points) and interpolated log-log. */
export class LuminosityTable {
  private readonly lt: Float64Array;
  private readonly ll: Float64Array;
  /** Per-term log luminosities (unweighted), for choosing the initial state. */
  private readonly perTerm: Float64Array[];
  constructor(
    readonly terms: readonly LumiTerm[],
    tauMin = 1e-6,
    tauMax = 0.9,
  ) {
    const n = 200;
    this.lt = new Float64Array(n);
    this.ll = new Float64Array(n);
    this.perTerm = terms.map(() => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      const t = Math.exp(Math.log(tauMin) + ((Math.log(tauMax) - Math.log(tauMin)) * i) / (n - 1));
      this.lt[i] = Math.log(t);
      let s = 0;
      terms.forEach((term, k) => {
        const l = term.w * liteLuminosity(term.a, term.b, t) * (term.a === term.b ? 2 : 1);
        this.perTerm[k][i] = Math.log(Math.max(l, 1e-300));
        s += l;
      });
      this.ll[i] = Math.log(Math.max(s, 1e-300));
    }
  }

  /** Weighted luminosity of term k at tau (log-log interpolation). */
  termAt(k: number, tau: number): number {
    return this.interp(this.perTerm[k], tau);
  }

  at(tau: number): number {
    return this.interp(this.ll, tau);
  }

  private interp(ll: Float64Array, tau: number): number {
    const x = Math.log(tau);
    const n = this.lt.length;
    if (x <= this.lt[0]) return Math.exp(ll[0]);
    if (x >= this.lt[n - 1]) return Math.exp(ll[n - 1]);
    const h = this.lt[1] - this.lt[0];
    const i = Math.min(n - 2, Math.floor((x - this.lt[0]) / h));
    const f = (x - this.lt[i]) / h;
    return Math.exp(ll[i] * (1 - f) + ll[i + 1] * f);
  }
}

/**
 * Resonance mass: density in m^2 proportional to BW(m^2; M, Gamma) x L(m^2/s), sampled as a Breit-Wigner in m^2 over
 * [lo, hi] and accepted with probability L(m^2/s) / max L (the luminosity falls with mass, so max L is at lo).
 */
export function sampleResonanceMass(rng: Rng, M: number, width: number, lumi: LuminosityTable): number {
  if (width <= 0) return M;
  const lo = Math.max(M - 6 * width, 0.3 * M, 10);
  const hi = Math.min(M + 6 * width, 0.95 * SM.sqrtS);
  const lmax = lumi.at((lo * lo) / S_HADRONIC);
  const MG = M * width;
  const a = Math.atan((lo * lo - M * M) / MG);
  const b = Math.atan((hi * hi - M * M) / MG);
  for (let tries = 0; tries < 100000; tries++) {
    const m2 = M * M + MG * Math.tan(a + (b - a) * rng.uniform());
    if (rng.uniform() * lmax <= lumi.at(m2 / S_HADRONIC)) return Math.sqrt(m2);
  }
  return M;
}

/**
 * Pair-production system mass: dsigma/dm proportional to beta^k L(m^2/s) / m (partonic sigma ~ beta^k / s-hat;
 * k = 1 for the gg S-wave that dominates coloured pairs, 3 for q qbar P-wave electroweak pairs), m in [m1 + m2, ...].
 */
export function samplePairMass(rng: Rng, m1: number, m2: number, lumi: LuminosityTable, k: number): number {
  const lo = m1 + m2 + 1e-6;
  const hi = Math.min(Math.max(4 * lo, lo + 2000), 0.95 * SM.sqrtS);
  const dens = (m: number) => {
    const s = m * m;
    const beta = Math.sqrt(Math.max(0, (1 - (m1 + m2) ** 2 / s) * (1 - (m1 - m2) ** 2 / s)));
    return (beta ** k * lumi.at(s / S_HADRONIC)) / m;
  };
  let fmax = 0;
  for (let i = 0; i <= 200; i++) fmax = Math.max(fmax, dens(lo + ((hi - lo) * i) / 200));
  fmax *= 1.3;
  for (;;) {
    const m = lo + (hi - lo) * rng.uniform();
    if (rng.uniform() * fmax <= dens(m)) return m;
  }
}

/** Picks an initial state among the luminosity terms with probability w_i L_i(tau), and samples the rapidity. */
export function sampleRapidity(rng: Rng, tau: number, lumi: LuminosityTable): number {
  const terms = lumi.terms;
  const lw = terms.map((_, k) => lumi.termAt(k, tau));
  let total = lw.reduce((s, x) => s + x, 0);
  let u = rng.uniform() * total;
  let term = terms[terms.length - 1];
  for (let i = 0; i < terms.length; i++) {
    u -= lw[i];
    if (u < 0) {
      term = terms[i];
      break;
    }
  }
  const ymax = -0.5 * Math.log(tau);
  const rt = Math.sqrt(tau);
  const dens = (y: number) => pairDensity(term.a, term.b, rt * Math.exp(y), rt * Math.exp(-y));
  let fmax = 0;
  for (let i = 0; i <= 40; i++) fmax = Math.max(fmax, dens(-ymax + (2 * ymax * i) / 40));
  fmax *= 1.3;
  total = 0;
  for (let tries = 0; tries < 100000; tries++) {
    const y = -ymax + 2 * ymax * rng.uniform();
    if (rng.uniform() * fmax <= dens(y)) return y;
  }
  return 0;
}

function pairDensity(a: Parton, b: Parton, x1: number, x2: number): number {
  if (x1 >= 1 || x2 >= 1) return 0;
  const ab = liteXf(a, x1) * liteXf(b, x2);
  return a === b ? ab : ab + liteXf(b, x1) * liteXf(a, x2);
}

/**
 * Transverse recoil of the produced system against ISR: dN/dpT proportional to pT Q0 / (pT^2 + Q0^2)^(3/2)
 * (the small-pT shape of a Sudakov-resummed spectrum with a power tail), Q0 = 5 GeV + 0.02 M, truncated at M/2;
 * sampled by the inverse CDF pT = Q0 sqrt(1/(1-u)^2 - 1).
 */
export function sampleRecoilPt(rng: Rng, M: number): number {
  const q0 = 5 + 0.02 * M;
  for (;;) {
    const u = rng.uniform();
    const p = q0 * Math.sqrt(1 / ((1 - u) * (1 - u)) - 1);
    if (p < 0.5 * M) return p;
  }
}

/**
 * Builds the system four-vector (mass m, rapidity y, recoil pT at a uniform azimuth) and the balancing ISR parton
 * (a gluon at rapidity y + N(0, 1.5)); null ISR when pT < 1 GeV (the recoil is then dropped: pT = 0).
 */
export function systemWithRecoil(rng: Rng, m: number, y: number, recoil: number): { system: P4; isr: P4 | null } {
  if (recoil < 1) return { system: { E: m * Math.cosh(y), px: 0, py: 0, pz: m * Math.sinh(y) }, isr: null };
  const ph = 2 * Math.PI * rng.uniform();
  const mt = Math.hypot(m, recoil);
  const px = recoil * Math.cos(ph);
  const py = recoil * Math.sin(ph);
  const system = { E: mt * Math.cosh(y), px, py, pz: mt * Math.sinh(y) };
  let yj = y;
  // ISR rapidity: Gaussian about the system's, kept inside |y| < 4.5 and the kinematic limit.
  for (let i = 0; i < 20; i++) {
    const u1 = rng.uniform();
    const u2 = rng.uniform();
    yj = y + 1.5 * Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    if (Math.abs(yj) < 4.5) break;
  }
  const isr = { E: recoil * Math.cosh(yj), px: -px, py: -py, pz: recoil * Math.sinh(yj) };
  return { system, isr };
}
