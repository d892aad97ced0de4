/**
 * ATLAS-SUSY-2018-22 (arXiv:2010.14293, JHEP 02 (2021) 143): squarks and gluinos in final states with jets and missing
 * transverse momentum, 139 fb-1 at 13 TeV. Recast here: the four single-bin effective-mass regions for which ATLAS
 * published gluino (T1) acceptance x efficiency maps (SModelS ATLAS-SUSY-2018-22-eff, source ATLAS): SR4j-1000,
 * SR4j-2200, SR4j-3400 and SR5j-1600. The BDT regions (a trained classifier) are not recast.
 */
import type { RecoEvent } from '../detector/types';
import { aplanarity, byPt, metPhi, minDeltaPhi, scalarSum } from './kinematics';
import { ATLAS_A14 } from './tunes';
import type { Recast, RecastRegion } from './types';

const TABLE =
  'arXiv:2010.14293, single-bin meff signal-region table (SR4j-1000 / 2200 / 3400, SR5j-1600), as reimplemented in CheckMATE atlas_conf_2019_040 (ATLAS-CONF-2019-040, the same analysis); SModelS ATLAS-SUSY-2018-22-eff/<dataId>/dataInfo.txt';

const ATLAS_SUSY_2018_22_BASELINE = {
  electronPtMin: 7,
  electronEtaMax: 2.47,
  muonPtMin: 6,
  muonEtaMax: 2.7,
  jetPtMin: 50,
  jetEtaMax: 2.8,
  metMin: 300,
  njetMin: 2,
  jet1PtMin: 200,
  meffMin: 800,
  source:
    'arXiv:2010.14293 object definitions (baseline e pT > 7, |eta| < 2.47; mu pT > 6, |eta| < 2.7; signal jets pT > 50, |eta| < 2.8) and preselection (lepton veto, MET > 300, >= 2 jets, pT(j1) > 200, meff(incl) > 800)',
} as const;

/**
 * njet: required jets (at least); pt1 / ptLast: pT of the leading and of the njet-th jet; etaMax: |eta| of the first
 * njet jets; dphi / dphiRest: min Delta phi(MET, j1..3) and (MET, j>3); apl: aplanarity; metHt: MET / sqrt(HT)
 * (GeV^1/2, HT of all signal jets); meff: meff(incl).
 */
const region = (
  name: string,
  njet: number,
  pt1: number,
  ptLast: number,
  etaMax: number,
  dphi: number,
  dphiRest: number,
  apl: number,
  metHt: number,
  meff: number,
): RecastRegion => ({
  name,
  cuts: { njet, pt1, ptLast, etaMax, dphi, dphiRest, apl, metHt, meff },
  source: TABLE,
});

const REGIONS: RecastRegion[] = [
  region('SR4j_1000', 4, 200, 100, 2.0, 0.4, 0.4, 0.04, 16, 1000),
  region('SR4j_2200', 4, 200, 100, 2.0, 0.4, 0.4, 0.04, 16, 2200),
  region('SR4j_3400', 4, 200, 100, 2.0, 0.4, 0.4, 0.04, 10, 3400),
  region('SR5j_1600', 5, 600, 50, 2.8, 0.4, 0.2, 0, 16, 1600),
];

/** Preselected signal jets (by decreasing pT) and MET, or null when the event fails the preselection. */
export function atlasSusy201822Preselection(ev: RecoEvent): { jets: RecoEvent['jets']; met: number; phi: number; ht: number; meff: number } | null {
  const B = ATLAS_SUSY_2018_22_BASELINE;
  if (ev.electrons.some((e) => e.pt > B.electronPtMin && Math.abs(e.eta) < B.electronEtaMax)) return null;
  if (ev.muons.some((m) => m.pt > B.muonPtMin && Math.abs(m.eta) < B.muonEtaMax)) return null;
  const jets = byPt(ev.jets.filter((j) => j.pt > B.jetPtMin && Math.abs(j.eta) < B.jetEtaMax));
  const met = ev.met.pt;
  const ht = scalarSum(jets);
  if (met < B.metMin || jets.length < B.njetMin || jets[0].pt < B.jet1PtMin || met + ht < B.meffMin) return null;
  return { jets, met, phi: metPhi(ev), ht, meff: met + ht };
}

function passesRegion(p: NonNullable<ReturnType<typeof atlasSusy201822Preselection>>, c: Record<string, number>): boolean {
  const { jets, met, phi } = p;
  if (jets.length < c.njet) return false;
  if (minDeltaPhi(jets.slice(0, 3), phi) < c.dphi || minDeltaPhi(jets.slice(3), phi) < c.dphiRest) return false;
  if (jets[0].pt < c.pt1 || jets[c.njet - 1].pt < c.ptLast) return false;
  if (jets.slice(0, c.njet).some((j) => Math.abs(j.eta) > c.etaMax)) return false;
  if (c.apl > 0 && aplanarity(jets) < c.apl) return false;
  if (met / Math.sqrt(p.ht) < c.metHt) return false;
  return p.meff >= c.meff;
}

export const ATLAS_SUSY_2018_22: Recast = {
  id: 'ATLAS-SUSY-2018-22',
  experiment: 'ATLAS',
  title: 'Squarks and gluinos in final states with jets and missing transverse momentum (139 fb-1; the meff regions with published gluino maps)',
  arXiv: '2010.14293',
  databasePath: '13TeV/ATLAS/ATLAS-SUSY-2018-22-eff',
  upperLimitPath: '13TeV/ATLAS/ATLAS-SUSY-2018-22',
  txName: 'T1',
  family: 'T1',
  signatures: ['complex:gluino'],
  pointFromMasses: (m) => ({ m_gluino: m[0], m_lsp: m[1] }),
  preselection: 'no e (pT > 7) or mu (pT > 6); jets pT > 50, |eta| < 2.8; MET > 300; >= 2 jets, pT(j1) > 200; meff(incl) > 800',
  selectionSource: `${ATLAS_SUSY_2018_22_BASELINE.source}; region cuts: ${TABLE}`,
  limitations:
    "no trigger emulation, jet cleaning or pile-up; baseline leptons are the detector's isolated leptons; the BDT regions and the multi-bin regions are not recast (no published gluino maps for the multi-bin, a classifier for the BDT ones)",
  // The signal samples: MG5_aMC@NLO with up to two extra partons, showered by Pythia 8 with the A14 tune and
  // NNPDF2.3LO (the paper's section on simulated samples).
  generatorTune: {
    pythiaSettings: [...ATLAS_A14.pythiaSettings],
    source: `arXiv:2010.14293, simulated samples (signal: Pythia 8 with the A14 tune); ${ATLAS_A14.tune}`,
  },
  regions: REGIONS,
  passes(ev) {
    const p = atlasSusy201822Preselection(ev);
    return REGIONS.map((r) => p !== null && passesRegion(p, r.cuts));
  },
};
