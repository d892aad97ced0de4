/**
 * Stochastic shower simulation (the expensive part of `full` fidelity), written against the `ShowerEngine` interface
 * so a vectorised tfjs implementation (libs/surrogate/src/backend/calorimeter.ts) can run the same maths on a GPU.
 *
 * Each particle's shower is sampled as M energy spots (GFlash, Grindhammer & Peters, hep-ex/0001020):
 *  - visible energy E_vis = E (1 + b z_b) + sqrt(eps E) z_a: sampling fluctuations (stochastic term a = sqrt(eps)) and a
 *    per-shower constant term b (non-uniformity, leakage fluctuations);
 *  - EM showers (depth t in X0): longitudinal Gamma profile dE/dt ~ t^(alpha-1) e^(-beta t) with shower maximum
 *    T = ln(E/E_c) + C (C = -0.5 electrons, +0.5 photons, E_c = 10 MeV; PDG Review "Passage of particles", eq. 34.35),
 *    alpha = 1 + beta_0 T (beta_0 = 0.5), ln T and ln alpha fluctuating per shower (GFlash correlated fluctuations,
 *    simplified to independent Gaussians of 3% (EM) or 10% (hadronic) in T and 3% (EM) or 5% (hadronic) in alpha);
 *  - hadronic showers (depth in lambda): first interaction after an exponential depth t0 ~ Exp(1), then a Gamma profile
 *    with maximum at T_h = 0.2 ln(E/GeV) + 0.7 (PDG eq. 34.39) and shape alpha_h = 2.5;
 *  - lateral: GFlash profile f(r) = 2 r R^2 / (r^2 + R^2)^2, sampled as r = R sqrt(u / (1 - u)) with u
 *    truncated so that r < r_max (R = 1 cm, r_max = 5 cm EM: 90% within 3 cm, about one Moliere radius of lead/LAr, and
 *    no r^-3 power tail, which real EM showers do not have; R = 8 cm, r_max = 40 cm hadronic), uniform azimuth about the axis; positions converted to (eta, phi) at the calorimeter face.
 * Gamma variates use the Wilson-Hilferty transform of a normal (accurate to < 1% in the quantiles for alpha >= 2),
 * so the pure-JS and tensor implementations are the same function of the same kind of random inputs.
 * The M spots of a shower are stratified: spot k draws its radial quantile from [k, k+1)/M, its azimuth from stratum
 * (23 k + 11 mod M), and sits at the midpoint quantile of depth stratum (37 k mod M) of the shower's own Gamma profile.
 * With M = 64 independent spots the energy outside a cluster window or behind the calorimeter would fluctuate by
 * ~1-2% (binomial in 1/64 quanta), far above the real fluctuation of a shower of thousands of particles; so
 * longitudinal fluctuations come only from the per-shower profile parameters (as in GFlash) and lateral ones from the
 * stratified draws.
 * Normal quantiles for the depth use Tukey's lambda approximation z = 4.91 (u^0.14 - (1-u)^0.14) (error < 0.5% for
 * |z| < 3).
 */
import { createRng, normal, type Rng } from '@sigmap/contracts';
import { GEO, EM_WIN_CELLS, WINDOW_SIZE, faceRadius, layerOffset, phiIndex, etaIndex } from './geometry';

/** 0 = electron, 1 = photon (EM showers), 2 = hadron. */
export type ShowerKind = 0 | 1 | 2;

export interface ShowerBatch {
  n: number;
  energy: Float32Array;
  eta: Float32Array;
  phi: Float32Array;
  kind: Uint8Array;
  emEta0: Int32Array;
  emPhi0: Int32Array;
  hadEta0: Int32Array;
  hadPhi0: Int32Array;
}

/** Deposits one batch of showers: returns n x WINDOW_SIZE cell energies (GeV) in window coordinates. */
export interface ShowerEngine {
  readonly name: string;
  deposit(batch: ShowerBatch, seed: number): Promise<Float32Array>;
}

export const SHOWER = {
  spots: 64,
  em: { a: 0.1, b: 0.007, ecGeV: 0.01, beta0: 0.5, cElectron: -0.5, cPhoton: 0.5, rCoreM: 0.01, rMaxM: 0.05, sigmaLnT: 0.03, sigmaLnAlpha: 0.03 },
  had: { a: 0.7, b: 0.05, alpha: 2.5, rCoreM: 0.08, rMaxM: 0.4, sigmaLnT: 0.1, sigmaLnAlpha: 0.05 },
} as const;

/** Per-shower parameters: visible energy, Gamma shape alpha and rate beta (per X0 for EM, per lambda for hadrons). */
function showerParams(E: number, kind: ShowerKind, zb: number, za: number, zT: number, zAlpha: number): { evis: number; alpha: number; beta: number } {
  if (kind === 2) {
    const h = SHOWER.had;
    const evis = Math.max(0, E * (1 + h.b * zb) + Math.sqrt(h.a * h.a * E) * za);
    const T = Math.max(0.2 * Math.log(Math.max(E, 1e-3)) + 0.7, 0.3) * Math.exp(h.sigmaLnT * zT);
    const alpha = h.alpha * Math.exp(h.sigmaLnAlpha * zAlpha);
    return { evis, alpha, beta: (alpha - 1) / T };
  }
  const e = SHOWER.em;
  const evis = Math.max(0, E * (1 + e.b * zb) + Math.sqrt(e.a * e.a * E) * za);
  const T = Math.max(Math.log(Math.max(E, 1e-3) / e.ecGeV) + (kind === 0 ? e.cElectron : e.cPhoton), 1) * Math.exp(e.sigmaLnT * zT);
  const alpha = (1 + e.beta0 * T) * Math.exp(e.sigmaLnAlpha * zAlpha);
  return { evis, alpha, beta: (alpha - 1) / T };
}

/** Normal quantile, Tukey lambda approximation. */
const probit = (u: number) => 4.91 * (Math.pow(u, 0.14) - Math.pow(1 - u, 0.14));

/** Depth and azimuth strata of spot k (permutations of the spot index, coprime multipliers). */
const depthStratum = (k: number) => (37 * k) % SHOWER.spots;
const azimuthStratum = (k: number) => (23 * k + 11) % SHOWER.spots;

/** Wilson-Hilferty: Gamma(alpha, 1/beta) from a standard normal z. */
function wilsonHilferty(alpha: number, beta: number, z: number): number {
  const c = 1 - 1 / (9 * alpha) + z / (3 * Math.sqrt(alpha));
  return c > 0 ? (alpha / beta) * c * c * c : 0;
}

/** Layer (0-5) of a spot at depth `t` (X0 for EM showers, lambda for hadrons); -1 if it leaks out the back. */
function layerOf(kind: ShowerKind, t: number): number {
  const lam = kind === 2 ? t : GEO.had.frontLambda + (t - GEO.em.boundsX0[2]) * GEO.x0PerLambda;
  const x0 = kind === 2 ? t / GEO.x0PerLambda : t;
  if (x0 < GEO.em.boundsX0[0]) return 0;
  if (x0 < GEO.em.boundsX0[1]) return 1;
  if (x0 < GEO.em.boundsX0[2]) return 2;
  const b = GEO.had.boundsLambda;
  if (lam < b[0]) return 3;
  if (lam < b[1]) return 4;
  if (lam < b[2]) return 5;
  return -1;
}

/** Window-local cell (index inside the shower's WINDOW_SIZE block) of a spot at (eta, phi) in layer l. */
function windowCell(batch: ShowerBatch, s: number, l: number, eta: number, phi: number): number {
  const em = l < 3;
  const g = em ? GEO.em : GEO.had;
  const le = Math.min(g.win - 1, Math.max(0, etaIndex(eta, g.dEta) - (em ? batch.emEta0[s] : batch.hadEta0[s])));
  let lp = phiIndex(phi, g.nPhi) - (em ? batch.emPhi0[s] : batch.hadPhi0[s]);
  if (lp > g.nPhi / 2) lp -= g.nPhi;
  if (lp < -g.nPhi / 2) lp += g.nPhi;
  lp = Math.min(g.win - 1, Math.max(0, lp));
  return layerOffset(l) + le * g.win + lp;
}

/** The reference (pure JS, CPU) engine. */
export class JsShowerEngine implements ShowerEngine {
  readonly name = 'js-cpu';

  async deposit(batch: ShowerBatch, seed: number): Promise<Float32Array> {
    return depositJs(batch, createRng(seed));
  }
}

function depositJs(batch: ShowerBatch, rng: Rng): Float32Array {
  const out = new Float32Array(batch.n * WINDOW_SIZE);
  const M = SHOWER.spots;
  for (let s = 0; s < batch.n; s++) {
    const kind = batch.kind[s] as ShowerKind;
    const E = batch.energy[s];
    const { evis, alpha, beta } = showerParams(E, kind, normal(rng), normal(rng), normal(rng), normal(rng));
    const t0 = kind === 2 ? -Math.log(1 - rng.uniform()) : 0;
    const eSpot = evis / M;
    const R = kind === 2 ? SHOWER.had.rCoreM : SHOWER.em.rCoreM;
    const rMax = kind === 2 ? SHOWER.had.rMaxM : SHOWER.em.rMaxM;
    const uMax = (rMax * rMax) / (rMax * rMax + R * R);
    const eta0 = batch.eta[s];
    const phi0 = batch.phi[s];
    const base = s * WINDOW_SIZE;
    for (let k = 0; k < M; k++) {
      const t = t0 + wilsonHilferty(alpha, beta, probit((depthStratum(k) + 0.5) / M));
      const u = (uMax * (k + rng.uniform())) / M;
      const psi = (2 * Math.PI * (azimuthStratum(k) + rng.uniform())) / M;
      const l = layerOf(kind, t);
      if (l < 0) continue;
      const g = l < 3 ? GEO.em : GEO.had;
      const r = R * Math.sqrt(u / (1 - u));
      const face = faceRadius(eta0, g.rho, g.zEnd);
      out[base + windowCell(batch, s, l, eta0 + (r * Math.cos(psi)) / face, phi0 + (r * Math.sin(psi)) / face)] += eSpot;
    }
  }
  return out;
}

export { EM_WIN_CELLS, WINDOW_SIZE };
