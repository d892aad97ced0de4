/**
 * ATLAS-SUSY-2016-24 (arXiv:1803.02762, Eur. Phys. J. C 78 (2018) 995): electroweakinos and sleptons in final states
 * with two or three leptons, 36.1 fb-1 at 13 TeV. Recast here: the six three-lepton WZ regions (SR3l-WZ-0Ja..1Jc of
 * the paper's three-lepton signal-region table), the SModelS dataIds WZ-0Ja..WZ-1Jc, which target TChiWZ.
 */
import type { RecoEvent, RecoObject } from '../detector/types';
import { add, mass } from '../generator/vec';
import { byPt, metPhi, transverseMass } from './kinematics';
import { ATLAS_A14 } from './tunes';
import type { Recast, RecastRegion } from './types';

const TABLE =
  'arXiv:1803.02762, three-lepton WZ signal-region table (SR3l-WZ), as reimplemented in CheckMATE atlas_1803_02762; SModelS ATLAS-SUSY-2016-24-eff/<dataId>/dataInfo.txt';

const ATLAS_SUSY_2016_24_BASELINE = {
  baselineLeptonPtMin: 10,
  electronEtaMax: 2.47,
  muonEtaMax: 2.4,
  leptonPtMin: [25, 25, 20],
  jetPtMin: 20,
  jetEtaMax: 2.4,
  mSfosMin: 81.2,
  mSfosMax: 101.2,
  source:
    'arXiv:1803.02762 Sec. 4 (signal e |eta| < 2.47, mu |eta| < 2.4; jets pT > 20, |eta| < 2.4; b-jet veto) and the SR3l table (exactly 3 leptons pT > 25, 25, 20; SFOS pair chosen to minimise mT of the third lepton, 81.2 < m_SFOS < 101.2)',
} as const;

/** jets0: 1 for no jets, 0 for >= 1 jet; MET and mT windows; pt3lMax: pT of the 3-lepton system; ptj1Min; ptl3Min. */
const region = (
  name: string,
  jets0: 0 | 1,
  metMin: number,
  metMax: number,
  mtMin: number,
  mtMax: number,
  pt3lMax = Infinity,
  ptj1Min = 0,
  ptl3Min = 0,
): RecastRegion => ({
  name,
  cuts: { jets0, metMin, metMax, mtMin, mtMax, pt3lMax, ptj1Min, ptl3Min },
  source: TABLE,
});

const REGIONS: RecastRegion[] = [
  region('WZ-0Ja', 1, 60, 120, 110, Infinity),
  region('WZ-0Jb', 1, 120, 170, 110, Infinity),
  region('WZ-0Jc', 1, 170, Infinity, 110, Infinity),
  region('WZ-1Ja', 0, 120, 200, 110, Infinity, 120, 70),
  region('WZ-1Jb', 0, 200, Infinity, 110, 160),
  region('WZ-1Jc', 0, 200, Infinity, 160, Infinity, Infinity, 0, 35),
];

/**
 * PDG 2022 (R. L. Workman et al., PTEP 2022 083C01), W and Z listings: BR(W -> e nu, mu nu, tau nu) = 10.71%, 10.63%,
 * 11.38%; BR(Z -> ee, mumu, tautau) = 3.3632%, 3.3662%, 3.3696%. A three-lepton event of chi1+- chi2 -> W Z chi1 chi1
 * needs W -> l nu and Z -> ll (l = e, mu, or tau decaying leptonically); W -> qq', Z -> qq or nu nu leave at most one
 * prompt lepton, so they cannot enter a region (up to non-prompt leptons from heavy-flavour decays, which the
 * isolation removes).
 */
const BR_W_LNU = 0.1071 + 0.1063 + 0.1138;
const BR_Z_LL = 0.033632 + 0.033662 + 0.033696;

type Lepton = RecoObject & { flavour: 'e' | 'mu' };

/**
 * The analysis's leptons (both channels share the object definitions): the number of baseline leptons (pT > 10) and
 * the signal leptons (pT > 10 within the e / mu |eta| acceptance), by decreasing pT, with their flavour.
 */
export function atlasSusy201624Leptons(ev: RecoEvent): { baseline: number; leps: Lepton[] } {
  const B = ATLAS_SUSY_2016_24_BASELINE;
  const baseline = ev.electrons.filter((e) => e.pt > B.baselineLeptonPtMin).length + ev.muons.filter((m) => m.pt > B.baselineLeptonPtMin).length;
  const leps: Lepton[] = byPt([
    ...ev.electrons.filter((e) => e.pt > B.baselineLeptonPtMin && Math.abs(e.eta) < B.electronEtaMax).map((e) => ({ ...e, flavour: 'e' as const })),
    ...ev.muons.filter((m) => m.pt > B.baselineLeptonPtMin && Math.abs(m.eta) < B.muonEtaMax).map((m) => ({ ...m, flavour: 'mu' as const })),
  ]);
  return { baseline, leps };
}

export function atlasSusy201624Variables(ev: RecoEvent): { ok: boolean; met: number; mt: number; njet: number; ptj1: number; pt3l: number; ptl3: number } {
  const B = ATLAS_SUSY_2016_24_BASELINE;
  const fail = { ok: false, met: 0, mt: 0, njet: 0, ptj1: 0, pt3l: 0, ptl3: 0 };
  const { baseline, leps } = atlasSusy201624Leptons(ev);
  if (baseline !== 3 || leps.length !== 3 || leps.some((l, i) => l.pt < B.leptonPtMin[i])) return fail;
  const jets = byPt(ev.jets.filter((j) => j.pt > B.jetPtMin && Math.abs(j.eta) < B.jetEtaMax));
  if (jets.some((j) => j.btag)) return fail;
  const met = ev.met.pt;
  const phi = metPhi(ev);
  let mt = Infinity;
  let mll = -1;
  for (let a = 0; a < 3; a++)
    for (let b = a + 1; b < 3; b++) {
      if (leps[a].flavour !== leps[b].flavour || leps[a].charge * leps[b].charge >= 0) continue;
      const t = transverseMass(leps[3 - a - b], met, phi);
      if (t < mt) {
        mt = t;
        mll = mass(add(leps[a].p, leps[b].p));
      }
    }
  if (mll < B.mSfosMin || mll > B.mSfosMax) return fail;
  const sys = add(add(leps[0].p, leps[1].p), leps[2].p);
  return { ok: true, met, mt, njet: jets.length, ptj1: jets[0]?.pt ?? 0, pt3l: Math.hypot(sys.px, sys.py), ptl3: leps[2].pt };
}

export const ATLAS_SUSY_2016_24: Recast = {
  id: 'ATLAS-SUSY-2016-24',
  experiment: 'ATLAS',
  title: 'Electroweakinos in three-lepton WZ final states (36.1 fb-1; the SR3l-WZ regions)',
  arXiv: '1803.02762',
  databasePath: '13TeV/ATLAS/ATLAS-SUSY-2016-24-eff',
  upperLimitPath: '13TeV/ATLAS/ATLAS-SUSY-2016-24',
  txName: 'TChiWZ',
  family: 'TChiWZ',
  signatures: ['complex:electroweakino'],
  pointFromMasses: (m) => ({ m_chi: m[0], m_lsp: m[1] }),
  preselection:
    'exactly 3 leptons (e |eta| < 2.47, mu |eta| < 2.4) pT > 25, 25, 20; b-jet veto (jets pT > 20, |eta| < 2.4); SFOS pair minimising mT of the third lepton with 81.2 < m_SFOS < 101.2',
  selectionSource: `${ATLAS_SUSY_2016_24_BASELINE.source}; region cuts: ${TABLE}`,
  limitations:
    'no trigger emulation; lepton identification/isolation efficiencies are those of the sigmap detector, not the analysis working points; the two-lepton regions of the paper are not recast',
  regions: REGIONS,
  // 0Ja/b/c are MET bins of the 0-jet events; 1Ja (MET 120-200), 1Jb (MET > 200, mT 110-160) and 1Jc (MET > 200,
  // mT > 160) split the >= 1-jet events: no event enters two regions. The paper's WZ exclusion fits them together.
  disjointRegions: { source: 'arXiv:1803.02762, three-lepton WZ signal-region table (orthogonal 0-jet and 1-jet bins) and the simultaneous fit of its Sec. 8' },
  // The signal samples: MG5_aMC@NLO (LO, up to two extra partons) showered by Pythia 8 with the A14 tune and
  // NNPDF2.3LO (the paper's section on simulated samples).
  generatorTune: {
    pythiaSettings: [...ATLAS_A14.pythiaSettings],
    source: `arXiv:1803.02762, simulated samples (signal: Pythia 8 with the A14 tune); ${ATLAS_A14.tune}`,
  },
  forcedDecays: {
    pythiaSettings: ['24:onMode = off', '24:onIfAny = 11 13 15', '23:onMode = off', '23:onIfAny = 11 13 15'],
    branchingFraction: BR_W_LNU * BR_Z_LL,
    source: 'PDG 2022 W and Z branching fractions (PTEP 2022 083C01); Pythia 8.3 manual, "Particle Data Scheme" (onMode / onIfAny)',
  },
  passes(ev) {
    const v = atlasSusy201624Variables(ev);
    return REGIONS.map(({ cuts: c }) => {
      if (!v.ok || (c.jets0 === 1 ? v.njet !== 0 : v.njet === 0)) return false;
      return v.met > c.metMin && v.met < c.metMax && v.mt > c.mtMin && v.mt < c.mtMax && v.pt3l < c.pt3lMax && v.ptj1 >= c.ptj1Min && v.ptl3 > c.ptl3Min;
    });
  },
};
