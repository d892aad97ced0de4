import { describe, expect, it } from 'vitest';
import type { RecoEvent, RecoJet, RecoObject } from '@sigmap/physics';
import { aplanarity, getRecast, symmetricEigenvalues3 } from '@sigmap/physics/src/recasts';
import { atlasSusy201624Variables } from '@sigmap/physics/src/recasts/atlas-susy-2016-24';
import { cmsSus16033Variables } from '@sigmap/physics/src/recasts/cms-sus-16-033';

const obj = (pt: number, eta: number, phi: number, charge = 0, m = 0): RecoObject => {
  const px = pt * Math.cos(phi);
  const py = pt * Math.sin(phi);
  const pz = pt * Math.sinh(eta);
  return { p: { px, py, pz, E: Math.sqrt(px * px + py * py + pz * pz + m * m) }, pt, eta, phi, charge };
};
const jet = (pt: number, eta: number, phi: number, btag = false): RecoJet => ({ ...obj(pt, eta, phi), label: btag ? 'b' : 'light', btag, tautag: false, nTracks: 10 });
const event = (e: Partial<RecoEvent>, metPt: number, metPhi: number): RecoEvent => ({ electrons: [], muons: [], photons: [], jets: [], fatjets: [], met: { px: metPt * Math.cos(metPhi), py: metPt * Math.sin(metPhi), pt: metPt }, weight: 1, ...e });

describe('recast selections', () => {
  it('aplanarity: 3/2 of the smallest momentum-tensor eigenvalue', () => {
    expect(symmetricEigenvalues3([[2, 1, 0], [1, 2, 0], [0, 0, 5]]).sort()).toEqual([1, 3, 5].map((x) => expect.closeTo(x, 12)));
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
});
