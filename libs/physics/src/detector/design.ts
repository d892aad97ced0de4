/**
 * Design performance of the sigmap detector (an ATLAS-like general-purpose detector). The full simulation is built to
 * reproduce these numbers (calorimeter.test.ts fits them back); the fast simulation applies them directly.
 *
 *  - EM calorimeter (lead/LAr-like sampling, 3 layers, 0.025 x 0.025 cells): sigma/E = 10%/sqrt(E) (+) 0.7%
 *    (ATLAS LAr design, ATLAS TDR CERN/LHCC/96-41), plus cell noise ~ 0.25 GeV per cluster.
 *  - Jets (EM + hadronic calorimeter, compensated, 0.1 x 0.1 hadronic cells): sigma/E = 50%/sqrt(E) (+) 3% (ATLAS
 *    TDR CERN/LHCC/99-14 goal for |eta| < 3).
 *  - Inner tracker (|eta| < 2.5, pT > 0.5 GeV): sigma(pT)/pT = 0.05% pT/GeV (+) 1%, efficiency 0.95 (hadrons),
 *    0.97 (electrons), 0.99 (muons) (ATLAS ID performance, Eur. Phys. J. C 77 (2017) 673).
 *  - Muon system + tracker (|eta| < 2.7, pT > 5 GeV): combined sigma(pT)/pT = 2% (+) 0.01% pT/GeV, efficiency 0.96.
 */
export const DESIGN = {
  em: { a: 0.1, b: 0.007, noisePerClusterGeV: 0.25 },
  jet: { a: 0.5, b: 0.03, noisePerJetGeV: 1.5 },
  tracker: { etaMax: 2.5, ptMin: 0.5, a: 0.0005, b: 0.01, eff: { hadron: 0.95, e: 0.97, mu: 0.99 } },
  muon: { etaMax: 2.7, ptMin: 5, a: 0.0001, b: 0.02, eff: 0.96 },
  electron: { etaMax: 2.47, ptMin: 10, eff: 0.95 },
  photon: { etaMax: 2.37, ptMin: 10, eff: 0.9 },
  jets: { R: 0.4, ptMin: 20, etaMax: 4.5, fatR: 1.0, fatPtMin: 150 },
} as const;

/** sigma/E = a/sqrt(E) (+) b (+) c/E, added in quadrature. */
export function relResolution(E: number, a: number, b: number, c = 0): number {
  return Math.sqrt((a * a) / E + b * b + (c * c) / (E * E));
}
