/**
 * The `surrogate` detector: truth objects of each generated event (objects.ts) go through the trained per-object
 * models (efficiency, response, flags) and come out as physics' RecoEvent, so physics' search selections apply
 * unchanged. MET is rebuilt the way the full detector's is (minus the vector sum of everything reconstructed):
 *   MET = -(sum of reco objects) - (visible truth momentum not in any truth object)
 * i.e. the truth MET plus the objects' response imbalance. Large-R jets are not modelled (fatjets stay empty): searches
 * that select on them (own-diboson-jj-resonance-13tev) are refused at surrogate fidelity.
 */
import { createRng } from '@sigmap/contracts';
import { type RecoEvent, type RecoJet, type RecoObject, fromPtEtaPhiM } from '@sigmap/physics';
import type { SampledEvent } from './data';
import type { ObjectModel } from './model';
import { OBJECT_TYPES, type ObjectType, condVector, recoKinematics } from './objects';

export type TruthEvent = Omit<SampledEvent, 'reco' | 'point'> & { weight: number };

export type ObjectModels = Partial<Record<ObjectType, ObjectModel>>;

export const SURROGATE_UNSUPPORTED_SEARCHES = ['own-diboson-jj-resonance-13tev'];

/** Reco events for a batch of truth events from one set of per-object models (one ensemble member). */
export function surrogateDetector(events: readonly TruthEvent[], models: ObjectModels, seed: number, only: readonly ObjectType[] = OBJECT_TYPES): RecoEvent[] {
  const rng = createRng(seed);
  const out: RecoEvent[] = events.map((e) => ({
    electrons: [],
    muons: [],
    photons: [],
    jets: [],
    fatjets: [],
    met: { px: 0, py: 0, pt: 0 },
    weight: e.weight,
  }));
  const sumX = new Float64Array(events.length);
  const sumY = new Float64Array(events.length);
  for (const object of only) {
    const model = models[object];
    const owners: number[] = [];
    const truths = events.flatMap((e, i) => e.truth[object].map((t) => (owners.push(i), t)));
    if (truths.length === 0) continue;
    if (!model) throw new Error(`no surrogate model for ${object} objects`);
    const r = model.sample(truths.map(condVector), rng.fork(OBJECT_TYPES.indexOf(object)));
    let m = 0;
    truths.forEach((t, i) => {
      if (!r.found[i]) return;
      const k = recoKinematics(object, t, r.cont[m]);
      const flags = r.flags[m];
      m++;
      const p = fromPtEtaPhiM(k.pt, k.eta, k.phi, k.m);
      const base: RecoObject = { p, pt: k.pt, eta: k.eta, phi: k.phi, charge: t.charge };
      const ev = out[owners[i]];
      sumX[owners[i]] += p.px;
      sumY[owners[i]] += p.py;
      if (object === 'jet') {
        const j: RecoJet = { ...base, label: t.label, btag: flags[0] === 1, tautag: flags[1] === 1, nTracks: 0 };
        ev.jets.push(j);
      } else (object === 'electron' ? ev.electrons : object === 'muon' ? ev.muons : ev.photons).push(base);
    });
  }
  events.forEach((e, i) => {
    const px = -sumX[i] - e.unclustered.px;
    const py = -sumY[i] - e.unclustered.py;
    const ev = out[i];
    ev.met = { px, py, pt: Math.hypot(px, py) };
    for (const list of [ev.electrons, ev.muons, ev.photons, ev.jets]) list.sort((a, b) => b.pt - a.pt);
  });
  return out;
}
