/**
 * Parametric taggers (the Delphes approach, de Favereau et al., JHEP 1402:057): a jet's truth label (Delta R matching
 * to b/c quarks and visible hadronic taus; containment of W/Z/top decay quarks for large-R jets) selects a declared
 * efficiency, applied as a Bernoulli draw. Declared values follow published working points:
 *  - b-tagging: ATLAS DL1r 70% WP (ATL-PHYS-PUB-2017-013; Eur. Phys. J. C 79 (2019) 970): eff_b 0.70, c-jets 0.11
 *    (rejection ~9), tau 0.05, light 0.004 (rejection ~250); |eta| < 2.5, pT > 20 GeV.
 *  - tau-tagging: ATLAS RNN medium (ATL-PHYS-PUB-2019-033): eff 0.60 (1- and 3-prong averaged), q/g-jet fake 0.01.
 *  - boosted W/Z tagging of R = 1.0 jets: a mass window (65-105 GeV) on the reconstructed jet mass, then a D2-like
 *    substructure cut with eff 0.50 for contained W/Z, 0.05 for QCD jets (ATLAS JETM-2018-03 50% WP);
 *    top tagging: mass window 135-205 GeV, then eff 0.60 contained tops, 0.05 QCD.
 */
import { type Rng } from '@sigmap/contracts';
import { deltaR } from '../generator/vec';
import type { TruthInfo } from './truth';

/** A b-tagging working point: acceptance and the per-truth-label tagging probability. */
export interface BTagWorkingPoint {
  etaMax: number;
  ptMin: number;
  eff: Record<string, number>;
}

export const TAGGERS = {
  btag: { etaMax: 2.5, ptMin: 20, eff: { b: 0.7, c: 0.11, tau: 0.05, light: 0.004 } as Record<string, number> } as BTagWorkingPoint,
  tautag: { etaMax: 2.5, ptMin: 20, eff: { tau: 0.6, b: 0.01, c: 0.01, light: 0.01 } as Record<string, number> },
  vtag: { massMin: 65, massMax: 105, ptMin: 200, eff: { W: 0.5, Z: 0.5, top: 0.1, qcd: 0.05 } as Record<string, number> },
  toptag: { massMin: 135, massMax: 205, ptMin: 350, eff: { top: 0.6, W: 0.05, Z: 0.05, qcd: 0.05 } as Record<string, number> },
} as const;

const MATCH_DR = 0.3;

/** Jet flavour label: b if a b quark (pT > 5) is within 0.3, else c, else a visible hadronic tau, else light. */
export function jetLabel(eta: number, phi: number, truth: TruthInfo): string {
  const near = (xs: { eta: number; phi: number }[]) => xs.some((x) => deltaR(eta, phi, x.eta, x.phi) < MATCH_DR);
  if (near(truth.bQuarks)) return 'b';
  if (near(truth.cQuarks)) return 'c';
  if (near(truth.tauHad)) return 'tau';
  return 'light';
}

/** Large-R jet label: W/Z/top when the parent is within 0.75 and every decay quark within 1.0 of the jet axis. */
export function fatJetLabel(eta: number, phi: number, truth: TruthInfo): string {
  for (const b of truth.boosted) {
    if (deltaR(eta, phi, b.dir.eta, b.dir.phi) < 0.75 && b.quarks.every((q) => deltaR(eta, phi, q.eta, q.phi) < 1.0)) return b.kind;
  }
  return 'qcd';
}

/**
 * CMS CSVv2 medium working point (CMS-BTV-16-002, A. M. Sirunyan et al., JINST 13 (2018) P05011, Sec. 6 and the
 * working-point table: in simulated tt-bar jets with pT > 20 GeV the medium CSVv2 point has a light-flavour (udsg)
 * misidentification probability of 1%, a c-jet efficiency of about 12% and a b-jet efficiency of about 63%), within the
 * tracker acceptance |eta| < 2.4. The paper gives no hadronic-tau rate: tau-labelled jets count as light jets. Flat in pT:
 * the paper's pT dependence is not reproduced. For CMS analyses (a recast's `detector.btag`), instead of the ATLAS
 * working point of TAGGERS.btag.
 */
export const CMS_CSVV2_MEDIUM: BTagWorkingPoint = { etaMax: 2.4, ptMin: 20, eff: { b: 0.63, c: 0.12, tau: 0.01, light: 0.01 } };

/** One Bernoulli draw per jet (always drawn, so the random stream does not depend on the working point). */
export function bTag(label: string, pt: number, eta: number, rng: Rng, wp: BTagWorkingPoint = TAGGERS.btag): boolean {
  const u = rng.uniform();
  if (pt < wp.ptMin || Math.abs(eta) > wp.etaMax) return false;
  return u < wp.eff[label];
}

export function tauTag(label: string, pt: number, eta: number, rng: Rng): boolean {
  const u = rng.uniform();
  if (pt < TAGGERS.tautag.ptMin || Math.abs(eta) > TAGGERS.tautag.etaMax) return false;
  return u < TAGGERS.tautag.eff[label];
}

export function vTag(label: string, pt: number, mass: number, rng: Rng): boolean {
  const u = rng.uniform();
  const t = TAGGERS.vtag;
  if (pt < t.ptMin || mass < t.massMin || mass > t.massMax) return false;
  return u < t.eff[label];
}

export function topTag(label: string, pt: number, mass: number, rng: Rng): boolean {
  const u = rng.uniform();
  const t = TAGGERS.toptag;
  if (pt < t.ptMin || mass < t.massMin || mass > t.massMax) return false;
  return u < t.eff[label];
}
