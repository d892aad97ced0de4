/**
 * CMS-SUS-16-033 (arXiv:1704.07781, Phys. Rev. D 96 (2017) 032003): squarks and gluinos in multijet + MHT events,
 * 35.9 fb-1 at 13 TeV. The 12 aggregate search regions of the paper, which are the signal regions of the
 * SModelS result CMS-SUS-16-033-eff (dataIds encode the cuts: SR<k>_Njet<n>_Nb<b>_HT<h>_MHT<m>).
 */
import { CMS_CSVV2_MEDIUM } from '../detector/tagging';
import type { RecoEvent } from '../detector/types';
import { minDeltaPhi, scalarSum } from './kinematics';
import { CMS_CUETP8M1 } from './tunes';
import type { Recast, RecastRegion } from './types';

const TABLE =
  'arXiv:1704.07781, the table of the 12 aggregate search regions (table number not checked offline); SModelS CMS-SUS-16-033-eff/<dataId>/dataInfo.txt';

/** Nb0 means exactly zero b jets; Nb>=1 otherwise (the paper's aggregate regions). */
const region = (name: string, njetMin: number, nb: number, htMin: number, mhtMin: number): RecastRegion => ({
  name,
  cuts: { njetMin, nbMin: nb, nbMax: nb === 0 ? 0 : Infinity, htMin, mhtMin },
  source: TABLE,
});

/** Baseline of arXiv:1704.07781 Sec. 4 (object definitions, Sec. 3). */
const CMS_SUS_16_033_BASELINE = {
  jetPtMin: 30,
  htJetEtaMax: 2.4,
  mhtJetEtaMax: 5.0,
  leptonPtMin: 10,
  electronEtaMax: 2.5,
  muonEtaMax: 2.4,
  njetMin: 2,
  htMin: 300,
  mhtMin: 300,
  dphi12Min: 0.5,
  dphi34Min: 0.3,
  source:
    'arXiv:1704.07781 Sec. 3 (jets pT > 30, |eta| < 2.4 for Njet/HT, < 5 for MHT; e/mu veto pT > 10) and Sec. 4 (Njet >= 2, HT > 300, MHT > 300, Delta phi(MHT, j1,2) > 0.5, Delta phi(MHT, j3,4) > 0.3)',
} as const;

const REGIONS: RecastRegion[] = [
  region('SR1_Njet2_Nb0_HT500_MHT500', 2, 0, 500, 500),
  region('SR2_Njet3_Nb0_HT1500_MHT750', 3, 0, 1500, 750),
  region('SR3_Njet5_Nb0_HT500_MHT_500', 5, 0, 500, 500),
  region('SR4_Njet5_Nb0_HT1500_MHT750', 5, 0, 1500, 750),
  region('SR5_Njet9_Nb0_HT1500_MHT750', 9, 0, 1500, 750),
  region('SR6_Njet2_Nb2_HT500_MHT500', 2, 2, 500, 500),
  region('SR7_Njet3_Nb1_HT750_MHT750', 3, 1, 750, 750),
  region('SR8_Njet5_Nb3_HT500_MHT500', 5, 3, 500, 500),
  region('SR9_NJet5_Nb2_HT1500_MHT750', 5, 2, 1500, 750),
  region('SR10_Njet9_Nb3_HT750_MHT750', 9, 3, 750, 750),
  region('SR11_Njet7_Nb1_HT300_MHT300', 7, 1, 300, 300),
  region('SR12_Njet5_Nb1_HT750_MHT750', 5, 1, 750, 750),
];

export function cmsSus16033Variables(ev: RecoEvent): { njet: number; nb: number; ht: number; mht: number; baseline: boolean } {
  const B = CMS_SUS_16_033_BASELINE;
  const mhtJets = ev.jets.filter((j) => j.pt > B.jetPtMin && Math.abs(j.eta) < B.mhtJetEtaMax);
  const htJets = mhtJets.filter((j) => Math.abs(j.eta) < B.htJetEtaMax).sort((a, b) => b.pt - a.pt);
  const mx = -mhtJets.reduce((s, j) => s + j.p.px, 0);
  const my = -mhtJets.reduce((s, j) => s + j.p.py, 0);
  const mht = Math.hypot(mx, my);
  const ht = scalarSum(htJets);
  const leptons =
    ev.electrons.some((e) => e.pt > B.leptonPtMin && Math.abs(e.eta) < B.electronEtaMax) ||
    ev.muons.some((m) => m.pt > B.leptonPtMin && Math.abs(m.eta) < B.muonEtaMax);
  const phi = Math.atan2(my, mx);
  const dphiOk = minDeltaPhi(htJets.slice(0, 2), phi) > B.dphi12Min && minDeltaPhi(htJets.slice(2, 4), phi) > B.dphi34Min;
  const baseline = !leptons && htJets.length >= B.njetMin && ht > B.htMin && mht > B.mhtMin && dphiOk;
  return { njet: htJets.length, nb: htJets.filter((j) => j.btag).length, ht, mht, baseline };
}

export const CMS_SUS_16_033: Recast = {
  id: 'CMS-SUS-16-033',
  experiment: 'CMS',
  title: 'Squarks and gluinos in multijet + missing transverse momentum events (35.9 fb-1, aggregate regions)',
  arXiv: '1704.07781',
  databasePath: '13TeV/CMS/CMS-SUS-16-033-eff',
  upperLimitPath: '13TeV/CMS/CMS-SUS-16-033',
  txName: 'T1',
  family: 'T1',
  signatures: ['complex:sbottom', 'complex:gluino'],
  pointFromMasses: (m) => ({ m_gluino: m[0], m_lsp: m[1] }),
  preselection:
    'no e/mu (pT > 10); jets pT > 30: Njet, Nb, HT from |eta| < 2.4, MHT from |eta| < 5; Njet >= 2, HT > 300, MHT > 300; Delta phi(MHT, j1,j2) > 0.5, Delta phi(MHT, j3,j4) > 0.3',
  selectionSource: `${CMS_SUS_16_033_BASELINE.source}; region cuts as in ${TABLE} and as encoded in the dataIds`,
  limitations:
    'no isolated-track veto; the CSVv2 medium working point is applied flat in pT (b 63%, c 12%, light 1%), without its pT and eta dependence; no MHT/HT cleaning or event filters',
  // The signal samples: MadGraph5_aMC@NLO at LO with up to two extra partons, showered by Pythia 8.205 with the
  // CUETP8M1 tune (the paper's section on simulated samples); b jets: CSVv2 at its medium working point (Sec. 3).
  generatorTune: {
    pythiaSettings: [...CMS_CUETP8M1.pythiaSettings],
    source: `arXiv:1704.07781, simulated samples (signal: Pythia 8 with the CUETP8M1 tune); ${CMS_CUETP8M1.tune}`,
  },
  detector: {
    btag: CMS_CSVV2_MEDIUM,
    source:
      'arXiv:1704.07781 Sec. 3 (b jets: CSVv2, medium working point); rates: CMS-BTV-16-002, JINST 13 (2018) P05011 (CSVv2 medium: b 63%, c 12%, udsg 1%)',
  },
  regions: REGIONS,
  passes(ev) {
    const v = cmsSus16033Variables(ev);
    return REGIONS.map(({ cuts: c }) => v.baseline && v.njet >= c.njetMin && v.nb >= c.nbMin && v.nb <= c.nbMax && v.ht > c.htMin && v.mht > c.mhtMin);
  },
};
