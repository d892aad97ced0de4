import { describe, expect, it } from 'vitest';
import type { RecoEvent, RecoJet, RecoObject } from '@sigmap/physics';
import { aplanarity, getRecast, mt2, symmetricEigenvalues3 } from '@sigmap/physics/src/recasts';
import { atlasSusy201624TwoLeptonVariables } from '@sigmap/physics/src/recasts/atlas-susy-2016-24-2l0j';
import { atlasSusy201822Preselection } from '@sigmap/physics/src/recasts/atlas-susy-2018-22';
import { atlasSusy201627Variables } from '@sigmap/physics/src/recasts/atlas-susy-2016-27';
import { atlasSusy201624Variables } from '@sigmap/physics/src/recasts/atlas-susy-2016-24';
import { cmsSus16033Variables } from '@sigmap/physics/src/recasts/cms-sus-16-033';

const obj = (pt: number, eta: number, phi: number, charge = 0, m = 0): RecoObject => {
  const px = pt * Math.cos(phi);
  const py = pt * Math.sin(phi);
  const pz = pt * Math.sinh(eta);
  return { p: { px, py, pz, E: Math.sqrt(px * px + py * py + pz * pz + m * m) }, pt, eta, phi, charge };
};
const jet = (pt: number, eta: number, phi: number, btag = false): RecoJet => ({
  ...obj(pt, eta, phi),
  label: btag ? 'b' : 'light',
  btag,
  tautag: false,
  nTracks: 10,
});
const event = (e: Partial<RecoEvent>, metPt: number, metPhi: number): RecoEvent => ({
  electrons: [],
  muons: [],
  photons: [],
  jets: [],
  fatjets: [],
  met: { px: metPt * Math.cos(metPhi), py: metPt * Math.sin(metPhi), pt: metPt },
  weight: 1,
  ...e,
});

describe('recast selections', () => {
  it('aplanarity: 3/2 of the smallest momentum-tensor eigenvalue', () => {
    expect(
      symmetricEigenvalues3([
        [2, 1, 0],
        [1, 2, 0],
        [0, 0, 5],
      ]).sort(),
    ).toEqual([1, 3, 5].map((x) => expect.closeTo(x, 12)));
    // Three orthogonal equal momenta: S = 1/3 identity, A = 1/2; jets in one plane: A = 0.
    const cube = [jet(100, 0, 0), jet(100, 0, Math.PI / 2), { ...jet(1, 0, 0), p: { px: 0, py: 0, pz: 100, E: 100 } }];
    expect(aplanarity(cube)).toBeCloseTo(0.5, 12);
    expect(aplanarity([jet(300, 0, 0), jet(200, 0, 2), jet(150, 0, 4)])).toBeCloseTo(0, 12);
  });

  it('ATLAS-SUSY-2016-24: a WZ -> 3l event with MET 250, mT > 160, no jets enters WZ-0Jc only', () => {
    // Z -> e+ e- at 91.19 GeV: two 60 GeV electrons with an opening angle of 2 arcsin(91.19 / 120) in phi, eta = 0.
    const half = Math.asin(91.19 / 120);
    const ev = event({ electrons: [obj(60, 0, half, 1, 0.000511), obj(60, 0, -half, -1, 0.000511)], muons: [obj(80, 0.3, Math.PI, 1, 0.1057)] }, 250, 0);
    const v = atlasSusy201624Variables(ev);
    expect(v.ok).toBe(true);
    // mT of the muon, MET antiparallel: sqrt(2 * 80 * 250 * (1 - cos pi)) = sqrt(80000).
    expect(v.mt).toBeCloseTo(Math.sqrt(80000), 6);
    const r = getRecast('ATLAS-SUSY-2016-24');
    expect(r.regions.filter((_, i) => r.passes(ev)[i]).map((x) => x.name)).toEqual(['WZ-0Jc']);
    // A b-tagged jet vetoes it; a light jet of 80 GeV moves it to the 1-jet regions (WZ-1Jc: mT > 160, pT(l3) > 35).
    expect(r.passes({ ...ev, jets: [jet(40, 0, 1, true)] }).some(Boolean)).toBe(false);
    expect(r.regions.filter((_, i) => r.passes({ ...ev, jets: [jet(80, 0, 1)] })[i]).map((x) => x.name)).toEqual(['WZ-1Jc']);
  });

  it('CMS-SUS-16-033: HT, MHT, Njet, Nb and the Delta phi cleaning', () => {
    const jets = [jet(800, 0, 0), jet(400, 0.5, 2.2), jet(300, -1, -2.2, true)];
    const v = cmsSus16033Variables(event({ jets }, 0, 0));
    const mx = -(800 + 400 * Math.cos(2.2) + 300 * Math.cos(-2.2));
    const my = -(400 * Math.sin(2.2) + 300 * Math.sin(-2.2));
    expect(v.ht).toBe(1500);
    expect(v.mht).toBeCloseTo(Math.hypot(mx, my), 9);
    expect([v.njet, v.nb]).toEqual([3, 1]);
    // MHT points opposite jet 1 (Delta phi ~ pi): passes; a lepton vetoes.
    expect(v.baseline).toBe(true);
    expect(cmsSus16033Variables(event({ jets, muons: [obj(20, 0, 1, 1)] }, 0, 0)).baseline).toBe(false);
    const r = getRecast('CMS-SUS-16-033');
    // HT = 1500 is not > 1500: SR2 (Njet >= 3, Nb = 0, HT > 1500) and every Nb = 0 region fail; SR7 needs MHT > 750.
    const passed = r.regions.filter((_, i) => r.passes(event({ jets }, 0, 0))[i]).map((x) => x.name);
    expect(passed).toEqual(Math.hypot(mx, my) > 750 ? ['SR7_Njet3_Nb1_HT750_MHT750'] : []);
  });

  it('mT2: zero when the missing momentum lies between the two massless visibles, the balanced closed form, a brute-force minimum', () => {
    const a = obj(100, 0.3, 0.2);
    const b = obj(60, -1, 2.0);
    // pTmiss = 0.7 pT(a) + 1.3 pT(b): q1, q2 parallel to a, b give mT = 0 for massless particles.
    expect(mt2(a, b, 0.7 * a.p.px + 1.3 * b.p.px, 0.7 * a.p.py + 1.3 * b.p.py)).toBeLessThan(1e-3);
    // No upstream momentum (pTmiss = -(pT(a) + pT(b))), massless: mT2^2 = 2 (|pT(a)| |pT(b)| + pT(a) . pT(b)) (Cho, Choi, Kim, Park, JHEP 02 (2008) 035).
    const at = 2 * (a.pt * b.pt + a.p.px * b.p.px + a.p.py * b.p.py);
    expect(mt2(a, b, -(a.p.px + b.p.px), -(a.p.py + b.p.py))).toBeCloseTo(Math.sqrt(at), 4);
    // A generic configuration against a brute-force scan of q1 on a 0.5 GeV grid (its minimum can only be higher).
    const [mx, my] = [130, -40];
    const m = mt2(a, b, mx, my);
    const mtSq = (p: RecoObject, qx: number, qy: number) => 2 * (p.pt * Math.hypot(qx, qy) - p.p.px * qx - p.p.py * qy);
    let brute = Infinity;
    for (let x = -300; x <= 300; x += 0.5) for (let y = -300; y <= 300; y += 0.5) brute = Math.min(brute, Math.max(mtSq(a, x, y), mtSq(b, mx - x, my - y)));
    expect(m).toBeGreaterThan(10);
    expect(m).toBeLessThanOrEqual(Math.sqrt(brute) + 1e-9);
    expect(Math.sqrt(brute) - m).toBeLessThan(0.5);
  });

  it('ATLAS-SUSY-2016-24-2l0j: an e+ e- pair with m_ll ~ 370 and mT2 ~ 180 enters both SF regions; flavour, sign and jets veto it', () => {
    // Two 200 GeV electrons at Delta eta 0.5, Delta phi 2.2; MET balances them (no upstream momentum).
    const pair = (pt: number) => [obj(pt, 0, 0, 1, 0.000511), obj(pt, 0.5, 2.2, -1, 0.000511)];
    const balanced = (ls: RecoObject[]): [number, number] => {
      const px = -ls.reduce((t, l) => t + l.p.px, 0);
      const py = -ls.reduce((t, l) => t + l.p.py, 0);
      return [Math.hypot(px, py), Math.atan2(py, px)];
    };
    const [e1, e2] = pair(200);
    const ev = event({ electrons: [e1, e2] }, ...balanced([e1, e2]));
    const v = atlasSusy201624TwoLeptonVariables(ev);
    expect(v.ok && v.sameFlavour).toBe(true);
    // Massless: m_ll^2 = 2 pT1 pT2 (cosh 0.5 - cos 2.2); mT2^2 = 2 pT1 pT2 (1 + cos 2.2) (balanced closed form).
    expect(v.mll).toBeCloseTo(Math.sqrt(80000 * (Math.cosh(0.5) - Math.cos(2.2))), 2);
    expect(v.mt2).toBeCloseTo(Math.sqrt(80000 * (1 + Math.cos(2.2))), 2);
    const r = getRecast('ATLAS-SUSY-2016-24-2l0j');
    const names = (e: RecoEvent) => r.regions.filter((_, i) => r.passes(e)[i]).map((x) => x.name);
    expect(names(ev)).toEqual(['SR2-SF-loose', 'SR2-SF-tight']);
    // e mu: different flavour; same sign; a 70 GeV light jet; a 25 GeV b jet; a third lepton: no region.
    const met = balanced([e1, e2]);
    expect(names(event({ electrons: [e1], muons: [{ ...e2, charge: -1 }] }, ...met))).toEqual([]);
    expect(names(event({ electrons: [e1, { ...e2, charge: 1 }] }, ...met))).toEqual([]);
    expect(names({ ...ev, jets: [jet(70, 0, 1)] })).toEqual([]);
    expect(names({ ...ev, jets: [jet(55, 0, 1)] })).toEqual(['SR2-SF-loose', 'SR2-SF-tight']);
    expect(names({ ...ev, jets: [jet(25, 0, 1, true)] })).toEqual([]);
    expect(names({ ...ev, muons: [obj(15, 0, 1, 1)] })).toEqual([]);
    // 150 GeV electrons: m_ll ~ 278 (loose: > 111, tight: > 300), mT2 ~ 136 (> 100, > 130): loose only.
    const soft = pair(150);
    expect(names(event({ electrons: soft }, ...balanced(soft)))).toEqual(['SR2-SF-loose']);
  });

  it('ATLAS-SUSY-2018-22: preselection, the 4-jet regions by meff and MET/sqrt(HT), the 5-jet region by pT(j1) > 600', () => {
    const r = getRecast('ATLAS-SUSY-2018-22');
    const names = (e: RecoEvent) => r.regions.filter((_, i) => r.passes(e)[i]).map((x) => x.name);
    // Four jets spread in 3D (aplanarity > 0.04), MET 700 opposite the first jet: HT = 1350, meff = 2050,
    // MET/sqrt(HT) = 19.05 > 16: SR4j-1000 only (meff < 2200; SR5j needs 5 jets).
    const jets = [jet(600, 0, Math.PI), jet(350, -1.5, 1.6), jet(250, 1.5, -1.6), jet(150, 1.9, 0.6)];
    const ev = event({ jets }, 700, 0);
    const pre = atlasSusy201822Preselection(ev)!;
    expect(pre.ht).toBe(1350);
    expect(pre.meff).toBe(2050);
    expect(aplanarity(jets)).toBeGreaterThan(0.04);
    expect(names(ev)).toEqual(['SR4j_1000']);
    // A 7 GeV electron or a 6.5 GeV muon vetoes; MET 290 fails the preselection.
    expect(names({ ...ev, electrons: [obj(8, 0, 2, -1)] })).toEqual([]);
    expect(names({ ...ev, muons: [obj(6.5, 0, 2, -1)] })).toEqual([]);
    expect(atlasSusy201822Preselection(event({ jets }, 290, 0))).toBeNull();
    // A fourth jet at |eta| 2.2 fails the 4-jet regions' |eta| < 2.0.
    const forward = [...jets.slice(0, 3), jet(150, 2.2, 0.6)];
    expect(aplanarity(forward)).toBeGreaterThan(0.04);
    expect(names(event({ jets: forward }, 700, 0))).toEqual([]);
    // A fifth jet (pT 60) and pT(j1) = 650: SR5j-1600 (meff 2160 > 1600) too; the fifth jet leaves SR4j-1000 as it is.
    const five = [jet(650, 0, Math.PI), ...jets.slice(1), jet(60, 0.2, -2.4)];
    expect(aplanarity(five)).toBeGreaterThan(0.04);
    expect(names(event({ jets: five }, 700, 0))).toEqual(['SR4j_1000', 'SR5j_1600']);
    // A third jet of pT 300 along MET (Delta phi 0.1 < 0.4 among j1..3): no region.
    expect(names(event({ jets: [jets[0], jets[1], jet(300, 0, 0.1), jets[3]] }, 700, 0))).toEqual([]);
  });
  it('ATLAS-SUSY-2016-27: two photons pT > 75, MET and HT (photons counted also as their jets), the Delta phi cuts', () => {
    const r = getRecast('ATLAS-SUSY-2016-27');
    const names = (e: RecoEvent) => r.regions.filter((_, i) => r.passes(e)[i]).map((x) => x.name);
    // Photons 600 and 500, jets 400 and 300, MET 400 along phi = 0 (photons and jets away from it).
    const photons = [obj(600, 0.2, 2.0), obj(500, -0.5, -2.0)];
    const jets = [jet(400, 1.0, 3.0), jet(300, -1.2, -1.2)];
    const ev = event({ photons, jets }, 400, 0);
    const v = atlasSusy201627Variables(ev);
    // HT = photons (1100) + jets (700) + the photons once more as their own jets (1100) = 2900.
    expect(v.ht).toBe(2900);
    expect(names(ev)).toEqual(['SRyy-SL-q', 'SRyy-SH-q']);
    // MET 200: SR^S_L only (SR^S_H needs 250).
    expect(names(event({ photons, jets }, 200, 0))).toEqual(['SRyy-SL-q']);
    // Softer jets (HT = 2 x 1100 + 2 x 100 = 2400 < 2750): SR^S_H only.
    const soft = [jet(100, 1.0, 3.0), jet(100, -1.2, -1.2)];
    expect(atlasSusy201627Variables(event({ photons, jets: soft }, 400, 0)).ht).toBe(2400);
    expect(names(event({ photons, jets: soft }, 400, 0))).toEqual(['SRyy-SH-q']);
    // A leading jet along MET (Delta phi 0.3 < 0.5) vetoes both; a 60 GeV jet there does not (only jets above 75 count).
    expect(names(event({ photons, jets: [jet(450, 0, 0.3), ...jets] }, 400, 0))).toEqual([]);
    expect(names(event({ photons, jets: [...jets, jet(60, 0, 0.3)] }, 400, 0))).toEqual(['SRyy-SL-q', 'SRyy-SH-q']);
    // A photon along MET fails SR^S_H's Delta phi(photon, MET) > 0.5 only.
    expect(names(event({ photons: [photons[0], obj(500, -0.5, 0.2)], jets }, 400, 0))).toEqual(['SRyy-SL-q']);
    // The second photon at 70 GeV, in the crack (|eta| 1.4) or within Delta R 0.4 of a jet: no region.
    expect(names(event({ photons: [photons[0], obj(70, -0.5, -2.0)], jets }, 400, 0))).toEqual([]);
    expect(names(event({ photons: [photons[0], obj(500, 1.4, -2.0)], jets }, 400, 0))).toEqual([]);
    expect(names(event({ photons: [photons[0], obj(500, -0.9, -1.2)], jets }, 400, 0))).toEqual([]);
    // Leptons are not vetoed; they add to HT.
    expect(atlasSusy201627Variables(event({ photons, jets: soft, muons: [obj(100, 0, 1, 1)] }, 400, 0)).ht).toBe(2500);
  });
});
