/**
 * ATLAS-SUSY-2016-24 (arXiv:1803.02762, Eur. Phys. J. C 78 (2018) 995), the two-lepton + zero-jet channel: the two
 * inclusive same-flavour regions SR2-SF-loose and SR2-SF-tight, which the SModelS result ATLAS-SUSY-2016-24-eff holds
 * with the experiment's slepton-pair efficiency maps (TSelSel, TSmuSmu). A recast of part of the analysis: the
 * three-lepton WZ regions are the recast ATLAS-SUSY-2016-24.
 */
import type { RecoEvent } from '../detector/types';
import { add, mass } from '../generator/vec';
import { atlasSusy201624Leptons } from './atlas-susy-2016-24';
import { mt2 } from './kinematics';
import { ATLAS_A14 } from './tunes';
import type { Recast, RecastRegion } from './types';

const TABLE =
  'arXiv:1803.02762, two-lepton + 0-jet signal-region table (inclusive SR2-SF-loose / SR2-SF-tight), as reimplemented in CheckMATE atlas_1803_02762; SModelS ATLAS-SUSY-2016-24-eff/<dataId>/dataInfo.txt';

/** The 2l+0j preselection; the lepton definitions are the analysis's (ATLAS_SUSY_2016_24_BASELINE, atlasSusy201624Leptons). */
const ATLAS_SUSY_2016_24_2L0J_BASELINE = {
  leptonPtMin: [25, 20],
  mllMin: 40,
  bJetPtMin: 20,
  lightJetPtMin: 60,
  jetEtaMax: 2.4,
  source:
    'arXiv:1803.02762 object definitions (signal e |eta| < 2.47, mu |eta| < 2.4, baseline leptons pT > 10; jets |eta| < 2.4) and the 2l+0j preselection (exactly two opposite-sign signal leptons pT > 25, 20; m_ll > 40; no b-tagged jet pT > 20, no non-b-tagged jet pT > 60)',
} as const;

/** Same-flavour regions: m_ll and mT2 (invisible mass 0) lower bounds. */
const region = (name: string, mllMin: number, mt2Min: number): RecastRegion => ({ name, cuts: { sameFlavour: 1, mllMin, mt2Min }, source: TABLE });

const REGIONS: RecastRegion[] = [region('SR2-SF-loose', 111, 100), region('SR2-SF-tight', 300, 130)];

/** The 2l+0j preselection and its variables (ok false: the event fails the preselection). */
export function atlasSusy201624TwoLeptonVariables(ev: RecoEvent): { ok: boolean; sameFlavour: boolean; mll: number; mt2: number } {
  const B = ATLAS_SUSY_2016_24_2L0J_BASELINE;
  const fail = { ok: false, sameFlavour: false, mll: 0, mt2: 0 };
  const { baseline, leps } = atlasSusy201624Leptons(ev);
  if (baseline !== 2 || leps.length !== 2 || leps[0].pt < B.leptonPtMin[0] || leps[1].pt < B.leptonPtMin[1] || leps[0].charge * leps[1].charge >= 0)
    return fail;
  const central = ev.jets.filter((j) => Math.abs(j.eta) < B.jetEtaMax);
  if (central.some((j) => j.btag && j.pt > B.bJetPtMin) || central.some((j) => !j.btag && j.pt > B.lightJetPtMin)) return fail;
  const mll = mass(add(leps[0].p, leps[1].p));
  if (mll < B.mllMin) return fail;
  return { ok: true, sameFlavour: leps[0].flavour === leps[1].flavour, mll, mt2: mt2(leps[0], leps[1], ev.met.px, ev.met.py, 0) };
}

export const ATLAS_SUSY_2016_24_2L0J: Recast = {
  id: 'ATLAS-SUSY-2016-24-2l0j',
  analysis: 'ATLAS-SUSY-2016-24',
  experiment: 'ATLAS',
  title: 'Sleptons in final states with two same-flavour leptons, no jets and missing transverse momentum (36.1 fb-1; SR2-SF-loose / tight)',
  arXiv: '1803.02762',
  databasePath: '13TeV/ATLAS/ATLAS-SUSY-2016-24-eff',
  upperLimitPath: '13TeV/ATLAS/ATLAS-SUSY-2016-24',
  // ATLAS published one slepton efficiency map per region (for its e~ + mu~ model); SModelS files it under both
  // TSelSel and TSmuSmu with the same numbers (test/recast checks that): the validation compares with TSelSel.
  txName: 'TSelSel',
  upperLimitTxName: {
    txName: 'TSlepSlep',
    crossSectionFactor: 1.5,
    source: 'SModelS ATLAS-SUSY-2016-24/data/TSlepSlep.txt, constraint 1.5*(e+ e- + mu+ mu-): the limit is on 1.5 x the e~ + mu~ cross section',
  },
  family: 'TSlepSlep',
  signatures: ['complex:slepton'],
  pointFromMasses: (m) => ({ m_slep: m[0], m_lsp: m[1] }),
  preselection:
    'exactly two baseline leptons (pT > 10), both signal leptons (e |eta| < 2.47, mu |eta| < 2.4), opposite sign, pT > 25, 20; m_ll > 40; no b-tagged jet pT > 20 and no other jet pT > 60 within |eta| < 2.4; same flavour',
  selectionSource: `${ATLAS_SUSY_2016_24_2L0J_BASELINE.source}; region cuts: ${TABLE}`,
  limitations:
    "no trigger emulation; lepton identification and isolation efficiencies are those of the sigmap detector, not the analysis working points; baseline leptons are the detector's isolated leptons (no looser baseline definition)",
  generatorTune: {
    pythiaSettings: [...ATLAS_A14.pythiaSettings],
    source: `arXiv:1803.02762, simulated samples (signal: Pythia 8 with the A14 tune); ${ATLAS_A14.tune}`,
  },
  regions: REGIONS,
  passes(ev) {
    const v = atlasSusy201624TwoLeptonVariables(ev);
    return REGIONS.map(({ cuts: c }) => v.ok && v.sameFlavour === (c.sameFlavour === 1) && v.mll > c.mllMin && v.mt2 > c.mt2Min);
  },
};
