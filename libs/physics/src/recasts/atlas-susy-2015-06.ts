/**
 * ATLAS-SUSY-2015-06 (arXiv:1605.03814, Eur. Phys. J. C 76 (2016) 392): squarks and gluinos in final states with
 * 2-6 jets and missing transverse momentum, 3.2 fb-1 at 13 TeV; the seven signal regions of the paper's Table 2 as
 * the SModelS result ATLAS-SUSY-2015-06-eff names them.
 */
import type { RecoEvent } from '../detector/types';
import { aplanarity, byPt, metPhi, minDeltaPhi, scalarSum } from './kinematics';
import { ATLAS_A14 } from './tunes';
import type { Recast, RecastRegion } from './types';

const TABLE =
  'arXiv:1605.03814 Table 2 (signal-region definitions), as reimplemented in CheckMATE atlas_1605_03814; SModelS ATLAS-SUSY-2015-06-eff/<dataId>/dataInfo.txt';

const ATLAS_SUSY_2015_06_BASELINE = {
  leptonPtMin: 10,
  electronEtaMax: 2.47,
  muonEtaMax: 2.5,
  jetPtMin: 50,
  jetEtaMax: 2.8,
  metMin: 200,
  jet1PtMin: 200,
  /** Jets 3 and 4 of the 4-, 5- and 6-jet regions. */
  jet34PtMin: 100,
  source:
    'arXiv:1605.03814 Sec. 4-5 (e pT > 10 |eta| < 2.47, mu pT > 10 |eta| < 2.5 veto; jets pT > 50, |eta| < 2.8) and Table 2 (MET > 200, pT(j1) > 200, pT(j3,j4) > 100 for >= 4 jets)',
} as const;

/** njet: required jets; pt1, pt2: pT(j1), pT(j2); dphi / dphiRest: min Delta phi(j1..3, MET), min Delta phi(j>3, MET); metHt: MET/sqrt(HT) (GeV^1/2); apl: aplanarity; metMeff: MET/meff(Nj); meff: meff(incl). */
const region = (
  name: string,
  njet: number,
  pt2: number,
  dphi: number,
  dphiRest: number,
  metHt: number,
  apl: number,
  metMeff: number,
  meff: number,
  pt1 = 200,
): RecastRegion => ({
  name,
  cuts: { njet, pt1, pt2, dphi, dphiRest, metHt, apl, metMeff, meff },
  source: TABLE,
});

const REGIONS: RecastRegion[] = [
  region('SR2jl', 2, 200, 0.8, 0, 15, 0, 0, 1200),
  region('SR2jm', 2, 50, 0.4, 0, 15, 0, 0, 1600, 300),
  region('SR2jt', 2, 200, 0.8, 0, 20, 0, 0, 2000),
  region('SR4jt', 4, 100, 0.4, 0.2, 0, 0.04, 0.2, 2200),
  region('SR5j', 5, 100, 0.4, 0.2, 0, 0.04, 0.25, 1600),
  region('SR6jm', 6, 100, 0.4, 0.2, 0, 0.04, 0.25, 1600),
  region('SR6jt', 6, 100, 0.4, 0.2, 0, 0.04, 0.2, 2000),
];

function passesRegion(ev: RecoEvent, c: Record<string, number>): boolean {
  const B = ATLAS_SUSY_2015_06_BASELINE;
  if (ev.electrons.some((e) => e.pt > B.leptonPtMin && Math.abs(e.eta) < B.electronEtaMax)) return false;
  if (ev.muons.some((m) => m.pt > B.leptonPtMin && Math.abs(m.eta) < B.muonEtaMax)) return false;
  const met = ev.met.pt;
  const jets = byPt(ev.jets.filter((j) => j.pt > B.jetPtMin && Math.abs(j.eta) < B.jetEtaMax));
  if (met < B.metMin || jets.length < Math.max(2, c.njet) || jets[0].pt < Math.max(c.pt1, B.jet1PtMin)) return false;
  const phi = metPhi(ev);
  if (minDeltaPhi(jets.slice(0, 3), phi) < c.dphi) return false;
  if (c.njet > 3 && minDeltaPhi(jets.slice(3), phi) < c.dphiRest) return false;
  if (jets[1].pt < c.pt2) return false;
  for (let i = 2; i < Math.min(c.njet, 4); i++) if (jets[i].pt < B.jet34PtMin) return false;
  const ht = scalarSum(jets);
  if (c.metHt > 0 && met / Math.sqrt(ht) < c.metHt) return false;
  if (c.apl > 0 && aplanarity(jets) < c.apl) return false;
  if (c.metMeff > 0 && met / (met + scalarSum(jets.slice(0, c.njet))) < c.metMeff) return false;
  return met + ht >= c.meff;
}

export const ATLAS_SUSY_2015_06: Recast = {
  id: 'ATLAS-SUSY-2015-06',
  experiment: 'ATLAS',
  title: 'Squarks and gluinos in final states with 2-6 jets and missing transverse momentum (3.2 fb-1)',
  arXiv: '1605.03814',
  databasePath: '13TeV/ATLAS/ATLAS-SUSY-2015-06-eff',
  txName: 'T1',
  family: 'T1',
  signatures: ['complex:gluino'],
  pointFromMasses: (m) => ({ m_gluino: m[0], m_lsp: m[1] }),
  preselection: 'no e/mu (pT > 10); jets pT > 50, |eta| < 2.8; MET > 200; pT(j1) > 200',
  selectionSource: `${ATLAS_SUSY_2015_06_BASELINE.source}; region cuts: ${TABLE}`,
  limitations:
    'the per-region jet |eta| limits of Table 2 and the photon/jet cleaning are not applied (as in CheckMATE); the aplanarity uses all jets pT > 50 GeV; no trigger emulation',
  // The signal samples: MG5_aMC@NLO with up to two extra partons, showered by Pythia 8.186 with the A14 tune and
  // NNPDF2.3LO (the paper's section on simulated samples).
  generatorTune: {
    pythiaSettings: [...ATLAS_A14.pythiaSettings],
    source: `arXiv:1605.03814, simulated samples (signal: Pythia 8 with the A14 tune); ${ATLAS_A14.tune}`,
  },
  regions: REGIONS,
  passes: (ev) => REGIONS.map((r) => passesRegion(ev, r.cuts)),
};
