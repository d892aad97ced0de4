/**
 * sigmap's own searches: one per signature class with published LHC searches, each mimicking a real analysis
 * (selection, observable, binning) with a smooth background model. Cells the LHC has not searched get no search.
 * Their backgrounds are not published numbers, so every one is a demonstration (see SearchProvenance); the searches on
 * published signal-region counts are the recasts (../recasts).
 */
import { InputError } from '@sigmap/contracts';
import type { RecoEvent, RecoObject } from '../detector/types';
import { deltaPhi, mass, add } from '../generator/vec';
import type { ModelFamily } from '../families/types';
import type { OwnSearch, SearchProvenance } from './types';

const DEMONSTRATION: SearchProvenance = {
  demonstration: true,
  reason: 'background is a sigmap-made smooth function shaped after the inspiring analysis, not its published background; limits are not quotable',
};

const pairMass = (a: RecoObject, b: RecoObject) => mass(add(a.p, b.p));
const rapidityOf = (o: RecoObject) => 0.5 * Math.log((o.p.E + o.p.pz) / Math.max(o.p.E - o.p.pz, 1e-9));
const leptons = (ev: RecoEvent) => [...ev.electrons, ...ev.muons].sort((a, b) => b.pt - a.pt);

const dilepton: OwnSearch = {
  id: 'own-dilepton-resonance-13tev',
  provenance: DEMONSTRATION,
  title: 'High-mass dilepton (ee, mumu) resonance search',
  signatures: ['e-e', 'mu-mu'],
  luminosityFb: 139,
  channel: 'SR_mll',
  selection: 'two same-flavour opposite-charge leptons, ee: ET > 30 GeV |eta| < 2.47; mumu: pT > 30 GeV |eta| < 2.5; highest-pT pair',
  observable: { name: 'm_ll', unit: 'GeV' },
  binEdges: [225, 300, 400, 500, 600, 750, 900, 1100, 1300, 1600, 2000, 2500, 3000, 4000, 6000],
  background: {
    description: 'Drell-Yan + top + diboson, smooth falling function',
    events: 140000,
    p1: 12,
    p2: 4.2,
    p3: 0.2,
    normUncertainty: 0.1,
    shapeUncertainty: 0.05,
  },
  inspiration: {
    experiment: 'ATLAS',
    analysis: 'EXOT-2018-08, dilepton resonances with 139 fb-1',
    arXiv: '1903.06248',
    hepdata: 'ins1725190',
    note: 'single combined ee+mumu channel, no electron/muon split',
  },
  select(ev) {
    const best = [ev.electrons, ev.muons]
      .map((ls) => ls.filter((l) => l.pt > 30 && Math.abs(l.eta) < 2.5))
      .filter((ls) => ls.length >= 2 && ls[0].charge !== ls[1].charge)
      .map((ls) => pairMass(ls[0], ls[1]));
    return best.length ? Math.max(...best) : null;
  },
};

const diphoton: OwnSearch = {
  id: 'own-diphoton-resonance-13tev',
  provenance: DEMONSTRATION,
  title: 'High-mass diphoton resonance search (spin-0 selection)',
  signatures: ['gamma-gamma'],
  luminosityFb: 139,
  channel: 'SR_myy',
  selection: 'two photons |eta| < 2.37, ET1 > 0.4 m_yy, ET2 > 0.3 m_yy',
  observable: { name: 'm_yy', unit: 'GeV' },
  binEdges: [160, 250, 350, 500, 700, 1000, 1400, 2000, 2800, 4000, 6000],
  background: {
    description: 'prompt diphoton + gamma-jet fakes, smooth falling function',
    events: 60000,
    p1: 10,
    p2: 3.8,
    p3: 0.15,
    normUncertainty: 0.1,
    shapeUncertainty: 0.05,
  },
  inspiration: {
    experiment: 'ATLAS',
    analysis: 'HIGG-2018-27 / EXOT diphoton resonances with 139 fb-1',
    arXiv: '2102.13405',
    hepdata: 'ins1849059',
    note: 'spin-0 (scalar) selection only',
  },
  select(ev) {
    const g = ev.photons.filter((p) => Math.abs(p.eta) < 2.37);
    if (g.length < 2) return null;
    const m = pairMass(g[0], g[1]);
    return g[0].pt > 0.4 * m && g[1].pt > 0.3 * m ? m : null;
  },
};

const dijet: OwnSearch = {
  id: 'own-dijet-resonance-13tev',
  provenance: DEMONSTRATION,
  title: 'Dijet resonance search',
  signatures: ['j-j', 'b-j', 'b-b'],
  luminosityFb: 137,
  channel: 'SR_mjj',
  selection: 'two leading jets pT > 100 GeV |eta| < 2.5, |Delta eta| < 1.3',
  observable: { name: 'm_jj', unit: 'GeV' },
  binEdges: [1600, 1900, 2200, 2600, 3000, 3500, 4000, 4700, 5500, 6500, 8000],
  background: {
    description: 'QCD dijets, the 4-parameter dijet function',
    events: 8.0e6,
    p1: 10,
    p2: 5.0,
    p3: 0.2,
    normUncertainty: 0.05,
    shapeUncertainty: 0.02,
  },
  inspiration: {
    experiment: 'CMS',
    analysis: 'EXO-19-012, dijet resonances with 137 fb-1',
    arXiv: '1911.03947',
    hepdata: 'ins1764471',
    note: 'no wide-jet recombination',
  },
  select(ev) {
    const j = ev.jets.filter((x) => Math.abs(x.eta) < 2.5);
    if (j.length < 2 || j[1].pt < 100 || Math.abs(j[0].eta - j[1].eta) > 1.3) return null;
    return pairMass(j[0], j[1]);
  },
};

const leptonMet: OwnSearch = {
  id: 'own-lepton-met-13tev',
  provenance: DEMONSTRATION,
  title: "Lepton + missing transverse momentum (W' -> l nu) search",
  signatures: ['complex:lepton-met'],
  luminosityFb: 139,
  channel: 'SR_mT',
  selection: 'exactly one lepton pT > 65 GeV (e) / 55 GeV (mu), MET > 65 / 55 GeV; observable transverse mass',
  observable: { name: 'm_T', unit: 'GeV' },
  binEdges: [130, 200, 300, 450, 650, 900, 1250, 1700, 2300, 3100, 4200, 7000],
  background: {
    description: 'W -> l nu tail + top + diboson, smooth falling function',
    events: 1.2e6,
    p1: 12,
    p2: 4.5,
    p3: 0.2,
    normUncertainty: 0.1,
    shapeUncertainty: 0.05,
  },
  inspiration: {
    experiment: 'ATLAS',
    analysis: "EXOT-2018-30, W' -> l nu with 139 fb-1",
    arXiv: '1906.05609',
    hepdata: 'ins1739784',
    note: 'e and mu combined',
  },
  select(ev) {
    const ls = leptons(ev).filter((l) => l.pt > 25);
    if (ls.length !== 1) return null;
    const l = ls[0];
    const cut = ev.electrons.includes(l) ? 65 : 55;
    if (l.pt < cut || ev.met.pt < cut) return null;
    return Math.sqrt(Math.max(0, 2 * l.pt * ev.met.pt * (1 - Math.cos(deltaPhi(l.phi, Math.atan2(ev.met.py, ev.met.px))))));
  },
};

const photonJet: OwnSearch = {
  id: 'own-photon-jet-resonance-13tev',
  provenance: DEMONSTRATION,
  title: 'Photon + jet resonance (excited quark) search',
  signatures: ['gamma-j', 'b-gamma'],
  luminosityFb: 139,
  channel: 'SR_myj',
  selection: 'leading photon ET > 250 GeV |eta| < 1.37, leading jet pT > 200 GeV, |Delta eta(y, j)| < 1.6',
  observable: { name: 'm_yj', unit: 'GeV' },
  binEdges: [1000, 1250, 1500, 1800, 2200, 2700, 3300, 4000, 5000, 6500, 8000],
  background: {
    description: 'prompt photon + jet, smooth falling function',
    events: 40000,
    p1: 10,
    p2: 4.5,
    p3: 0.2,
    normUncertainty: 0.1,
    shapeUncertainty: 0.05,
  },
  inspiration: {
    experiment: 'ATLAS',
    analysis: 'EXOT-2016-31, photon + jet resonances (37 fb-1), scaled to 139 fb-1',
    arXiv: '1709.10440',
    hepdata: 'ins1627878',
    note: 'no b-tag category',
  },
  select(ev) {
    const g = ev.photons.find((p) => Math.abs(p.eta) < 1.37 && p.pt > 250);
    if (!g) return null;
    const j = ev.jets.find((x) => x.pt > 200 && Math.abs(x.eta) < 2.8);
    if (!j || Math.abs(g.eta - j.eta) > 1.6) return null;
    return pairMass(g, j);
  },
};

const dibosonJJ: OwnSearch = {
  id: 'own-diboson-jj-resonance-13tev',
  provenance: DEMONSTRATION,
  title: 'Diboson (WW/WZ/ZZ) resonance search in the fully hadronic channel',
  signatures: ['W-W', 'W-Z', 'Z-Z', 'j-W', 'j-Z'],
  luminosityFb: 139,
  channel: 'SR_mJJ',
  selection: 'two large-R jets pT > 200 GeV |eta| < 2.0, |Delta y| < 1.3, both W/Z-tagged (mass window + substructure)',
  observable: { name: 'm_JJ', unit: 'GeV' },
  binEdges: [1300, 1500, 1750, 2000, 2400, 2800, 3300, 4000, 5000, 6000],
  background: {
    description: 'QCD dijets passing the boson tags, smooth falling function',
    events: 4000,
    p1: 12,
    p2: 4.0,
    p3: 0.3,
    normUncertainty: 0.15,
    shapeUncertainty: 0.1,
  },
  inspiration: {
    experiment: 'ATLAS',
    analysis: 'EXOT-2018-48, diboson resonances to fully hadronic final states with 139 fb-1',
    arXiv: '1906.08589',
    note: 'WW, WZ, ZZ signal regions merged; no HEPData INSPIRE id verified',
  },
  select(ev) {
    const J = ev.fatjets;
    if (J.length < 2 || J[1].pt < 200) return null;
    if (Math.abs(rapidityOf(J[0]) - rapidityOf(J[1])) > 1.3 || !J[0].vtag || !J[1].vtag) return null;
    return pairMass(J[0], J[1]);
  },
};

const bjetsMet: OwnSearch = {
  id: 'own-bjets-met-13tev',
  provenance: DEMONSTRATION,
  title: 'b-jets + missing transverse momentum (sbottom/stop/gluino) search',
  signatures: ['complex:sbottom', 'complex:stop', 'complex:gluino'],
  luminosityFb: 139,
  channel: 'SR_meff',
  selection:
    'no leptons, >= 2 b-tagged jets pT > 30 GeV, >= 2 jets pT > 50 GeV, MET > 250 GeV, min Delta phi(jet 1-4, MET) > 0.4; observable m_eff = MET + sum jet pT',
  observable: { name: 'm_eff', unit: 'GeV' },
  binEdges: [800, 1000, 1200, 1400, 1700, 2000, 2500, 3200, 5000],
  background: {
    description: 'ttbar, Z(nunu)+b, W+b, smooth falling function',
    events: 1500,
    p1: 8,
    p2: 5.5,
    p3: 0.2,
    normUncertainty: 0.2,
    shapeUncertainty: 0.1,
  },
  inspiration: {
    experiment: 'ATLAS',
    analysis: 'SUSY-2018-31, sbottom multi-b + MET with 139 fb-1',
    arXiv: '1908.03122',
    hepdata: 'ins1748602',
    note: 'one inclusive meff-binned region instead of the SRA/SRB/SRC structure',
  },
  select(ev) {
    if (ev.electrons.length || ev.muons.length || ev.met.pt < 250) return null;
    const j = ev.jets.filter((x) => x.pt > 30 && Math.abs(x.eta) < 2.8);
    if (j.filter((x) => x.btag).length < 2 || j.filter((x) => x.pt > 50).length < 2) return null;
    const mphi = Math.atan2(ev.met.py, ev.met.px);
    if (j.slice(0, 4).some((x) => Math.abs(deltaPhi(x.phi, mphi)) < 0.4)) return null;
    return ev.met.pt + j.reduce((s, x) => s + x.pt, 0);
  },
};

const threeLepton: OwnSearch = {
  id: 'own-3l-met-13tev',
  provenance: DEMONSTRATION,
  title: 'Three leptons + MET (chargino-neutralino via WZ) search',
  signatures: ['complex:electroweakino'],
  luminosityFb: 139,
  channel: 'SR_met',
  selection: 'exactly 3 leptons pT > 25/20/10 GeV, a same-flavour opposite-sign pair with |m_ll - m_Z| < 15 GeV, no b-jet; observable MET',
  observable: { name: 'MET', unit: 'GeV' },
  binEdges: [100, 150, 200, 250, 350, 500, 800],
  background: { description: 'SM WZ + ZZ + ttZ, smooth falling function', events: 700, p1: 6, p2: 4.5, p3: 0.3, normUncertainty: 0.15, shapeUncertainty: 0.1 },
  inspiration: {
    experiment: 'ATLAS',
    analysis: 'SUSY-2019-09, electroweakinos in three-lepton final states with 139 fb-1',
    arXiv: '2106.01676',
    note: 'on-shell WZ regions merged into one MET-binned region; no HEPData INSPIRE id verified',
  },
  select(ev) {
    const ls = leptons(ev);
    if (ls.length !== 3 || ls[0].pt < 25 || ls[1].pt < 20 || ls[2].pt < 10) return null;
    if (ev.jets.some((j) => j.btag)) return null;
    let ok = false;
    for (const fl of [ev.electrons, ev.muons]) {
      for (let a = 0; a < fl.length; a++)
        for (let b = a + 1; b < fl.length; b++) if (fl[a].charge !== fl[b].charge && Math.abs(pairMass(fl[a], fl[b]) - 91.19) < 15) ok = true;
    }
    return ok ? ev.met.pt : null;
  },
};

const OWN: OwnSearch[] = [dilepton, diphoton, dijet, leptonMet, photonJet, dibosonJJ, bjetsMet, threeLepton];

export function listOwnSearches(): OwnSearch[] {
  return [...OWN];
}

export function getOwnSearch(id: string): OwnSearch {
  const s = OWN.find((x) => x.id === id);
  if (!s) throw new InputError('search', `unknown own search '${id}' (known: ${OWN.map((x) => x.id).join(', ')})`);
  return s;
}

/**
 * The own searches sensitive to a family: those sharing a coverage cell with the family's signatures at its default
 * point (none for a family whose spin assignment is forbidden).
 */
export function ownSearchesFor(family: ModelFamily): OwnSearch[] {
  if (!family.allowed) return [];
  const keys = new Set(family.signatures(family.validate({})).map((s) => s.key));
  return OWN.filter((s) => s.signatures.some((k) => keys.has(k)));
}

/** Index of the bin holding x (edges ascending, last bin closed), -1 outside. */
export function binIndex(edges: readonly number[], x: number): number {
  if (!(x >= edges[0]) || x > edges[edges.length - 1]) return -1;
  let lo = 0;
  let hi = edges.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}
