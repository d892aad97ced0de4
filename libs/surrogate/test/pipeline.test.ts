import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@sigmap/contracts';
import { getOwnSearch } from '@sigmap/physics';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FullSample, fullSample, objectTable, tableDigest } from '../src/data';
import { surrogateDetector } from '../src/detector';
import { ObjectModel, trainEnsemble } from '../src/model';
import { contVector, matchObjects } from '../src/objects';
import { findModel, listModels, loadMembers, saveModel } from '../src/registry';
import { ensembleStats, productionSpread, simulateWithSurrogate } from '../src/simulate';
import { ensureBackend } from '../src/tf';
import { closureTest, permutationFloors, validateSurrogate } from '../src/validate';

const TINY = { generatorSteps: 150, headSteps: 100, hidden: [16, 16], flowLayers: 2 };

describe('surrogate pipeline on real full simulation (x0-e-e, small)', () => {
  let train: FullSample;
  let valA: FullSample;
  let valB: FullSample;
  let backend: string;
  beforeAll(async () => {
    backend = await ensureBackend();
    train = await fullSample({ family: 'x0-e-e', points: [{ mass: 1000 }, { mass: 2500 }], eventsPerPoint: 60, seed: 1 });
    valA = await fullSample({ family: 'x0-e-e', points: [{ mass: 1500 }], eventsPerPoint: 60, seed: 2 });
    valB = await fullSample({ family: 'x0-e-e', points: [{ mass: 1500 }], eventsPerPoint: 60, seed: 3 });
  });

  it('truth electrons match full-simulation electrons with a sub-percent-scale response', () => {
    const t = objectTable(train.events, 'electron');
    // Two electrons per X -> e e event inside the acceptance most of the time; ATLAS-like efficiency ~0.9.
    expect(t.cond.length).toBeGreaterThan(150);
    const eff = t.matched.reduce((a, b) => a + b, 0) / t.matched.length;
    expect(eff).toBeGreaterThan(0.75);
    expect(eff).toBeLessThan(1);
    const ratios = t.cont.map((c) => Math.exp(c[0])).sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)];
    // EM calorimeter calibration is 1 within a few percent; resolution at 0.5-1 TeV ~ 1%.
    expect(Math.abs(median - 1)).toBeLessThan(0.03);
    expect(t.cont.every((c) => Math.abs(c[1]) < 0.2 && Math.abs(c[2]) < 0.2)).toBe(true);
    // The digest is a function of the numbers.
    expect(tableDigest(t)).toBe(tableDigest(objectTable(train.events, 'electron')));
    expect(tableDigest(t)).not.toBe(tableDigest(objectTable(valA.events, 'electron')));
  });

  it('greedy Delta R matching pairs nearest objects and counts fakes', () => {
    const mk = (eta: number, phi: number, pt: number) => ({
      object: 'electron' as const,
      pt,
      eta,
      phi,
      m: 0,
      charge: -1,
      label: '',
      px: pt * Math.cos(phi),
      py: pt * Math.sin(phi),
    });
    const reco = (eta: number, phi: number, pt: number) => ({ p: { E: pt, px: pt * Math.cos(phi), py: pt * Math.sin(phi), pz: 0 }, pt, eta, phi, charge: -1 });
    const { pairs, fakes } = matchObjects([mk(0, 0, 100), mk(1, 1, 50)], [reco(1.05, 1, 49), reco(0.01, 0, 101), reco(-2, 2, 20)], 0.2);
    expect(pairs[0].reco?.pt).toBe(101);
    expect(pairs[1].reco?.pt).toBe(49);
    expect(fakes).toBe(1);
    expect(contVector('electron', pairs[0].truth, pairs[0].reco!)[0]).toBeCloseTo(Math.log(1.01), 10);
  });

  it('trains, saves, reloads and samples an ensemble; the surrogate detector returns RecoEvents with consistent MET', async () => {
    const table = objectTable(train.events, 'electron');
    const members = await trainEnsemble(table, 'iqn', 2, 5, TINY);
    const jets = await trainEnsemble(objectTable(train.events, 'jet'), 'flow', 2, 6, TINY);
    const dir = mkdtempSync(join(tmpdir(), 'sg-reg-'));
    const meta = {
      id: 'electron-iqn-test',
      object: 'electron' as const,
      kind: 'iqn' as const,
      families: ['x0-e-e'],
      trainingEvents: train.events.length,
      requestedEvents: 120,
      trainingObjects: table.cond.length,
      trainingDataDigest: tableDigest(table),
      seed: 5,
      members: 2,
      backend,
      budget: TINY,
      trainSeconds: 0,
      createdAt: '2026-01-01T00:00:00Z',
      metrics: null,
    };
    saveModel({ meta, members: members.map((m) => m.state()) }, dir);
    expect(listModels([dir]).map((m) => m.meta.id)).toEqual(['electron-iqn-test']);
    const again = loadMembers(findModel('electron-iqn-test', [dir]).artefact);
    const cond = [[Math.log(500), 0.3]];
    expect(again[0].gen.sample(cond, createRng(1))).toEqual(members[0].gen.sample(cond, createRng(1)));

    const truth = valA.events.map((e) => ({ truth: e.truth, metTruth: e.metTruth, unclustered: e.unclustered, weight: e.reco.weight }));
    const reco = surrogateDetector(truth, { electron: members[0], jet: jets[0] }, 9, ['electron', 'jet']);
    expect(reco).toHaveLength(valA.events.length);
    const nE = reco.reduce((a, r) => a + r.electrons.length, 0);
    const nFull = valA.events.reduce((a, e) => a + e.reco.electrons.length, 0);
    expect(Math.abs(nE - nFull)).toBeLessThan(0.2 * nFull);
    reco.forEach((r, i) => {
      // MET = -(sum of reco objects) - (unclustered visible truth momentum).
      let sx = r.met.px + truth[i].unclustered.px;
      for (const o of [...r.electrons, ...r.jets]) sx += o.p.px;
      expect(Math.abs(sx)).toBeLessThan(1e-6 * (1 + r.met.pt));
      expect(r.met.pt).toBeCloseTo(Math.hypot(r.met.px, r.met.py), 9);
      expect(r.electrons.every((e, k) => k === 0 || r.electrons[k - 1].pt >= e.pt)).toBe(true);
    });
    // Without a model for a present object type the detector refuses rather than dropping objects silently.
    expect(() => surrogateDetector(truth, { electron: members[0] }, 9)).toThrow(/no surrogate model for jet/);

    // Signal yields at surrogate fidelity: physics' shape, ensemble mean and spread per bin.
    const photons = await trainEnsemble(objectTable(train.events, 'electron'), 'iqn', 2, 8, TINY);
    const muons = photons;
    const s = await simulateWithSurrogate({
      family: 'x0-e-e',
      point: { mass: 1500 },
      search: 'own-dilepton-resonance-13tev',
      events: 150,
      seed: 4,
      models: { electron: members, jet: jets, photon: photons, muon: muons },
      backend,
    });
    const nb = getOwnSearch('own-dilepton-resonance-13tev').binEdges.length - 1;
    expect(s.yields).toHaveLength(nb);
    expect(s.memberYields).toHaveLength(2);
    expect(s.epistemic).toEqual(productionSpread(s.memberYields, s.memberCounts, s.occupancyVariance).spread);
    // the spread is the members' standard deviation, floored at one event's yield where the mean is positive
    const std = ensembleStats(s.memberYields).std;
    s.epistemic.forEach((e, b) => expect(e).toBeGreaterThanOrEqual(std[b]));
    expect(s.yields.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(s.backend).toContain(backend);
    for (const m of [...members, ...jets, ...photons, ...again]) m.dispose();
  });

  it('validation: W1 table with floors, classifier AUC with power, closure bins', async () => {
    const members = await trainEnsemble(objectTable(train.events, 'electron'), 'iqn', 2, 5, TINY);
    const r = await validateSurrogate({
      object: 'electron',
      set: { electron: members },
      fullA: valA.events,
      fullB: valB.events,
      searches: ['own-dilepton-resonance-13tev'],
      seed: 3,
      backend,
      classifierSteps: 150,
    });
    expect(r.w1.map((w) => w.feature)).toEqual(['pt', 'eta', 'phi', 'multiplicity', 'resp_pt_ratio', 'resp_d_eta', 'resp_d_phi']);
    // the floor is the permutation estimate of E[W1(full, full)] (seeded: reproducible), the single draw W1(B, A) beside it
    const floors = permutationFloors('electron', [...valA.events, ...valB.events], valA.events.length, 3 + 3);
    for (const w of r.w1) {
      expect(w.floor).toBeGreaterThan(0);
      expect(w.floor).toBe(floors[w.feature]);
      expect(w.floorAB).toBeGreaterThanOrEqual(0);
      expect(w.ratio).toBeCloseTo(w.w1 / w.floor, 10);
    }
    expect(r.auc).toBeGreaterThan(0.3);
    expect(r.auc).toBeLessThan(0.8);
    expect(r.closure!.bins.length).toBeGreaterThan(0);
    expect(r.closure!.withinCombined).toBeGreaterThanOrEqual(r.closure!.withinEnsemble);
    const c = closureTest(valB.events, 'electron', members, ['own-dilepton-resonance-13tev'], 1, 2);
    expect(c.bins.every((b) => b.full >= 0 && b.surrogate >= 0 && b.sigmaEns >= 0)).toBe(true);
    for (const m of members) m.dispose();
  });

  it('response variables that full simulation leaves exact (muon eta / phi) are reproduced exactly, not generated', async () => {
    const mu = await fullSample({ family: 'x0-mu-mu', points: [{ mass: 1000 }], eventsPerPoint: 60, seed: 4 });
    const t = objectTable(mu.events, 'muon');
    expect(t.cont.every((c) => c[1] === 0 && c[2] === 0)).toBe(true);
    expect(new Set(t.cont.map((c) => c[0])).size).toBeGreaterThan(10);
    const [m] = await trainEnsemble(t, 'flow', 1, 2, TINY);
    expect(m.fixed).toEqual([null, 0, 0]);
    const r = m.sample(t.cond.slice(0, 50), createRng(1));
    expect(r.cont.length).toBeGreaterThan(20);
    expect(r.cont.every((c) => c[1] === 0 && c[2] === 0 && Number.isFinite(c[0]))).toBe(true);
    expect(ObjectModel.fromState(JSON.parse(JSON.stringify(m.state()))).fixed).toEqual([null, 0, 0]);
    m.dispose();
  });

  it('ObjectModel state round-trips through JSON', async () => {
    const [m] = await trainEnsemble(objectTable(train.events, 'jet'), 'iqn', 1, 2, TINY);
    const back = ObjectModel.fromState(JSON.parse(JSON.stringify(m.state())));
    const cond = [[Math.log(300), 0.5, 0.1, 0, 0, 0, 1]];
    expect(back.sample(cond, createRng(3))).toEqual(m.sample(cond, createRng(3)));
    m.dispose();
    back.dispose();
  });
});
