/**
 * ATLAS-SUSY-2016-27 (arXiv:1802.03158, Phys. Rev. D 97 (2018) 092006): photonic signatures of gauge-mediated
 * supersymmetry, 36.1 fb-1 at 13 TeV. Recast here: the two diphoton regions for strong production, SRyy-SL and SRyy-SH
 * (the paper's SR^S_L and SR^S_H), for which ATLAS published gluino-bino (T5gg) acceptance x efficiency maps
 * (SModelS ATLAS-SUSY-2016-27-eff, dataIds SRyy-SL-q / SRyy-SH-q, source ATLAS). The wino regions (SRyy-WL/WH) and the
 * single-photon regions are not recast.
 */
import type { RecoEvent, RecoObject } from '../detector/types';
import { deltaR } from '../generator/vec';
import { byPt, metPhi, minDeltaPhi, scalarSum } from './kinematics';
import { ATLAS_A14 } from './tunes';
import type { Recast, RecastRegion } from './types';

const TABLE =
  'arXiv:1802.03158, diphoton signal-region table (SR^S_L, SR^S_H), as reimplemented in CheckMATE atlas_1802_03158 and GAMBIT ColliderBit Analysis_ATLAS_13TeV_PhotonGGM_36invfb (both: >= 2 photons pT > 75; MET > 150 / 250; HT > 2750 / 2000; Delta phi(jet, MET) > 0.5; SR^S_H also Delta phi(photon, MET) > 0.5); SModelS ATLAS-SUSY-2016-27-eff/<folder>/dataInfo.txt';

const ATLAS_SUSY_2016_27_BASELINE = {
  photonPtMin: 25,
  photonEtaMax: 2.37,
  /** The calorimeter barrel-endcap transition, excluded for photons and electrons. */
  crack: [1.37, 1.52],
  electronPtMin: 25,
  electronEtaMax: 2.47,
  muonPtMin: 25,
  muonEtaMax: 2.7,
  jetPtMin: 30,
  jetEtaMax: 2.8,
  /** Jets removed within this Delta R of an electron (their own deposit); photons and leptons removed within `lepJetDr` of a remaining jet. */
  jetLepDr: 0.2,
  lepJetDr: 0.4,
  /** Delta phi(jet, MET) is taken over the (up to) two leading jets above this pT. */
  dphiJetPtMin: 75,
  dphiJets: 2,
  source:
    "arXiv:1802.03158 object definitions (photons pT > 25, |eta| < 2.37 outside 1.37-1.52, tight and isolated; electrons pT > 25, |eta| < 2.47 outside the crack; muons pT > 25, |eta| < 2.7; jets anti-kt R = 0.4, pT > 30, |eta| < 2.8; overlap removal: jets within Delta R 0.2 of an electron or photon, then leptons and photons within 0.4 of a jet, as in both reimplementations); no lepton veto in the diphoton regions; HT = scalar pT sum of photons, leptons and jets, the jets taken before the photon-jet overlap removal (GAMBIT Analysis_ATLAS_13TeV_PhotonGGM_36invfb, after ATLAS's code snippet on HEPData ins1654357: a photon enters HT also as the jet of its own deposit); Delta phi(jet, MET) over the two leading jets with pT > 75",
} as const;

/** metMin, htMin, dphiJet: min Delta phi(MET, leading jets); dphiPhoton: min Delta phi(MET, two leading photons) (0: none). */
const region = (name: string, metMin: number, htMin: number, dphiJet: number, dphiPhoton: number): RecastRegion => ({
  name,
  cuts: { photons: 2, photonPtMin: 75, metMin, htMin, dphiJet, dphiPhoton },
  source: TABLE,
});

const REGIONS: RecastRegion[] = [region('SRyy-SL-q', 150, 2750, 0.5, 0), region('SRyy-SH-q', 250, 2000, 0.5, 0.5)];

/** sin^2 theta_W (MS-bar at m_Z) and m_Z: PDG 2022 (R. L. Workman et al., PTEP 2022 083C01), electroweak review and Z listing. */
const SIN2W = 0.23122;
const MZ = 91.1876;

/**
 * BR(chi1^0 -> gamma G~) of a pure-bino NLSP with a light gravitino: the goldstino-coupling widths are
 * Gamma(gamma G~) ~ cos^2 theta_W and Gamma(Z G~) ~ sin^2 theta_W (1 - m_Z^2 / m^2)^4, with the same m^5 / F^2 factor
 * (S. Ambrosanio, G. L. Kane, G. D. Kribs, S. P. Martin, S. Mrenna, Phys. Rev. D 54 (1996) 5395; S. P. Martin, "A
 * Supersymmetry Primer", arXiv:hep-ph/9709356, decays to the goldstino / gravitino). Below m_Z only the photon is open.
 */
export function binoPhotonBranching(mChi: number): number {
  if (mChi <= MZ) return 1;
  const z = SIN2W * (1 - (MZ / mChi) ** 2) ** 4;
  return (1 - SIN2W) / (1 - SIN2W + z);
}

const outsideCrack = (o: RecoObject) => Math.abs(o.eta) < ATLAS_SUSY_2016_27_BASELINE.crack[0] || Math.abs(o.eta) > ATLAS_SUSY_2016_27_BASELINE.crack[1];
const near = (o: RecoObject, xs: readonly RecoObject[], dr: number) => xs.some((x) => deltaR(o.eta, o.phi, x.eta, x.phi) < dr);

/** The analysis's objects after overlap removal, and its event variables. */
export function atlasSusy201627Variables(ev: RecoEvent): { photons: RecoObject[]; met: number; ht: number; dphiJet: number; dphiPhoton: number } {
  const B = ATLAS_SUSY_2016_27_BASELINE;
  const photons0 = ev.photons.filter((g) => g.pt > B.photonPtMin && Math.abs(g.eta) < B.photonEtaMax && outsideCrack(g));
  const electrons0 = ev.electrons.filter((e) => e.pt > B.electronPtMin && Math.abs(e.eta) < B.electronEtaMax && outsideCrack(e));
  const muons0 = ev.muons.filter((m) => m.pt > B.muonPtMin && Math.abs(m.eta) < B.muonEtaMax);
  const jets0 = ev.jets.filter((j) => j.pt > B.jetPtMin && Math.abs(j.eta) < B.jetEtaMax);
  // sigmap's detector builds no jet from an identified photon (its constituents are taken out of the clustering), so the
  // jets before the photon-jet overlap removal are the detector's jets plus one jet per photon, at the photon's pT.
  const photonJets = photons0.filter((g) => g.pt > B.jetPtMin && Math.abs(g.eta) < B.jetEtaMax);
  const jetsNoPhotonOr = jets0.filter((j) => !near(j, electrons0, B.jetLepDr));
  const jets = jetsNoPhotonOr.filter((j) => !near(j, photons0, B.jetLepDr));
  const photons = byPt(photons0.filter((g) => !near(g, jets, B.lepJetDr)));
  const leptons = [...electrons0, ...muons0].filter((l) => !near(l, jets, B.lepJetDr));
  const phi = metPhi(ev);
  const leading = byPt(jets)
    .slice(0, B.dphiJets)
    .filter((j) => j.pt > B.dphiJetPtMin);
  return {
    photons,
    met: ev.met.pt,
    ht: scalarSum(photons) + scalarSum(leptons) + scalarSum(jetsNoPhotonOr) + scalarSum(photonJets),
    dphiJet: minDeltaPhi(leading, phi),
    dphiPhoton: minDeltaPhi(photons.slice(0, 2), phi),
  };
}

export const ATLAS_SUSY_2016_27: Recast = {
  id: 'ATLAS-SUSY-2016-27',
  experiment: 'ATLAS',
  title: 'Photonic signatures of gauge-mediated supersymmetry (36.1 fb-1; the diphoton regions for strong production)',
  arXiv: '1802.03158',
  databasePath: '13TeV/ATLAS/ATLAS-SUSY-2016-27-eff',
  upperLimitPath: '13TeV/ATLAS/ATLAS-SUSY-2016-27',
  txName: 'T5gg',
  family: 'T5gg',
  signatures: ['complex:gluino'],
  pointFromMasses: (m) => ({ m_gluino: m[0], m_chi: m[1] }),
  preselection: '>= 2 photons pT > 75 (|eta| < 2.37 outside 1.37-1.52); jets pT > 30, |eta| < 2.8; overlap removal; no lepton veto; HT with the photon-jets',
  selectionSource: `${ATLAS_SUSY_2016_27_BASELINE.source}; region cuts: ${TABLE}`,
  limitations:
    "photon identification and isolation are sigmap's detector's (efficiency 0.9, a truth isolation cone), not the analysis's tight / FixedCutTight points; a photon's own jet enters HT at the photon's pT (the jet calibration of an electromagnetic deposit is not modelled); the Delta phi(jet, MET) jets: the two leading with pT > 75 (CheckMATE takes every jet above 75, GAMBIT the two leading above 30); no trigger emulation, jet cleaning or pile-up; the gluino decays to u, d, s, c quarks as in T1; the published model's chi1^0 -> Z G~ events are not simulated (they enter through the BR(gamma G~)^2 factor of publishedModel: Z -> e e faking photons and a higgsino admixture of the bino are neglected)",
  // ATLAS's 36 fb-1 SUSY signal samples: MG5_aMC@NLO showered by Pythia 8 with the A14 tune and NNPDF2.3LO.
  generatorTune: {
    pythiaSettings: [...ATLAS_A14.pythiaSettings],
    source: `arXiv:1802.03158, simulated samples (signal: Pythia 8 with the A14 tune, as ATLAS's other 36 fb-1 SUSY signal samples; the sample section was not re-read offline); ${ATLAS_A14.tune}`,
  },
  // ATLAS's gluino-bino grid is a GGM model with a bino-like NLSP (arXiv:1802.03158; the same model as the 2015 search,
  // arXiv:1606.09150: "a generalized model of gauge-mediated supersymmetry breaking with a bino-like next-to-lightest
  // supersymmetric particle"), which also decays to Z G~. A diphoton event needs both NLSPs to give photons (Z -> e e
  // faking two photons is neglected), so the maps are BR(gamma G~)^2 x the T5gg efficiency.
  publishedModel: {
    fraction: (p) => binoPhotonBranching(p.m_chi) ** 2,
    description:
      "ATLAS's GGM gluino-bino model: chi1^0 -> gamma G~ or Z G~ with the pure-bino branching fractions; only the BR(gamma G~)^2 fraction of its events has two NLSP photons (the T5gg events the family makes)",
    source:
      'arXiv:1802.03158 and arXiv:1606.09150 (GGM with a bino-like NLSP); pure-bino goldstino widths: Ambrosanio et al., Phys. Rev. D 54 (1996) 5395, S. P. Martin, arXiv:hep-ph/9709356; sin^2 theta_W = 0.23122, m_Z = 91.1876 GeV (PDG 2022). Found after a first run (3 points x 100 events, sim / pub ~1.6); checked on the m_chi row at m_gluino = 2000 (400 events): sim / pub 1.1-1.2 at m_chi = 10, 50 (Z G~ closed) and 1.5-1.9 at m_chi >= 200, where 1 / BR^2 = 1.25-1.69 (reports/recast/README.md)',
  },
  regions: REGIONS,
  passes(ev) {
    const v = atlasSusy201627Variables(ev);
    return REGIONS.map(({ cuts: c }) => {
      if (v.photons.length < c.photons || v.photons[1].pt < c.photonPtMin) return false;
      if (v.met < c.metMin || v.ht < c.htMin || v.dphiJet < c.dphiJet) return false;
      return c.dphiPhoton === 0 || v.dphiPhoton > c.dphiPhoton;
    });
  },
};
