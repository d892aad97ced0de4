/**
 * Training and validation samples from `full` simulation: physics' generator (family.generate + fragmentAll) feeds
 * physics' full detector (fullDetector, calorimeter showers through a ShowerEngine); truth objects are built from the
 * same generated events (objects.ts) and matched to the reconstructed ones. The sample keeps, per event, the truth
 * objects, the truth MET inputs and the full RecoEvent, so it serves three purposes: (truth, reco) pairs for training,
 * held-out reco distributions for the W1 / classifier tests, and full-simulation search yields for closure.
 */
import { createHash } from 'node:crypto';
import { type Rng, createRng } from '@sigmap/contracts';
import {
  type EventRecord,
  type ModelFamily,
  type Point,
  type RecoEvent,
  type ShowerEngine,
  JsShowerEngine,
  fragmentAll,
  fullDetector,
  getFamily,
} from '@sigmap/physics';
import { OBJECT_SPECS, type ObjectType, type TruthObject, condVector, contVector, flagVector, matchObjects, recoObjectsOf, truthObjects } from './objects';

export interface SampledEvent {
  truth: Record<ObjectType, TruthObject[]>;
  /** Truth missing transverse momentum (invisible particles: neutrinos, LSPs). */
  metTruth: { px: number; py: number };
  /** Visible truth momentum not carried by any truth object (soft particles below the object thresholds). */
  unclustered: { px: number; py: number };
  reco: RecoEvent;
  /** Which generated point (index into `points`). */
  point: number;
}

export interface FullSample {
  family: string;
  points: Point[];
  events: SampledEvent[];
  seed: number;
  engine: string;
}

/** A point drawn uniformly in the family's box (log-uniform for log-scale parameters); kinematic rejects redrawn. */
function randomPoint(family: ModelFamily, rng: Rng): Point {
  for (let attempt = 0; attempt < 200; attempt++) {
    const raw: Point = {};
    for (const p of family.params) {
      const u = rng.uniform();
      raw[p.name] = p.scale === 'log' ? Math.exp(Math.log(p.min) + u * (Math.log(p.max) - Math.log(p.min))) : p.min + u * (p.max - p.min);
    }
    try {
      return family.validate(raw);
    } catch {
      /* outside the kinematic constraints: draw again */
    }
  }
  return family.validate({});
}

/** Truth-level event content the surrogate needs (objects, invisible and unclustered momentum). */
export function truthEvent(ev: EventRecord): Omit<SampledEvent, 'reco' | 'point'> {
  const truth = truthObjects(ev);
  let ix = 0;
  let iy = 0;
  let vx = 0;
  let vy = 0;
  for (const p of ev.particles) {
    if (!p.final || p.kind === '_system') continue;
    if (p.kind === 'nu' || p.kind === 'lsp') {
      ix += p.p.px;
      iy += p.p.py;
    } else {
      vx += p.p.px;
      vy += p.p.py;
    }
  }
  for (const list of Object.values(truth)) {
    for (const o of list) {
      vx -= o.px;
      vy -= o.py;
    }
  }
  return { truth, metTruth: { px: -ix, py: -iy }, unclustered: { px: vx, py: vy } };
}

interface FullSampleRequest {
  family: string;
  /** Explicit points, or `nPoints` drawn at random over the family's box. */
  points?: Partial<Point>[];
  nPoints?: number;
  eventsPerPoint: number;
  seed: number;
  engine?: ShowerEngine;
  batchSize?: number;
  progress?: (done: number, total: number) => void;
}

/** Generates events and runs the `full` detector on them (the expensive step: seconds per hundred events here). */
export async function fullSample(req: FullSampleRequest): Promise<FullSample> {
  const family = getFamily(req.family);
  const rng = createRng(req.seed);
  const points = req.points ? req.points.map((p) => family.validate(p)) : Array.from({ length: req.nPoints ?? 1 }, () => randomPoint(family, rng.fork(0x7007)));
  const engine = req.engine ?? new JsShowerEngine();
  const batch = req.batchSize ?? 128;
  const events: SampledEvent[] = [];
  const total = points.length * req.eventsPerPoint;
  for (let ip = 0; ip < points.length; ip++) {
    const point = points[ip];
    const ctx = family.prepare(point);
    const prng = createRng(req.seed).fork(1000 + ip);
    for (let start = 0; start < req.eventsPerPoint; start += batch) {
      const n = Math.min(batch, req.eventsPerPoint - start);
      const evs: EventRecord[] = [];
      for (let i = 0; i < n; i++) {
        const ev = family.generate(point, prng, ctx);
        fragmentAll(ev, prng);
        evs.push(ev);
      }
      const reco = await fullDetector(evs, { engine, seed: prng.nextUint32() });
      evs.forEach((ev, i) => events.push({ ...truthEvent(ev), reco: reco[i], point: ip }));
      req.progress?.(events.length, total);
    }
  }
  return { family: family.id, points, events, seed: req.seed, engine: engine.name };
}

/** (truth, reco) rows of one object type. */
export interface ObjectTable {
  object: ObjectType;
  /** Every truth object's condition vector and whether it was reconstructed. */
  cond: number[][];
  matched: number[];
  /** For the matched ones: condition, continuous response and flags. */
  condM: number[][];
  cont: number[][];
  flags: number[][];
  /** Reco objects with no truth match (not modelled; reported). */
  fakes: number;
  recoTotal: number;
}

export function objectTable(events: readonly SampledEvent[], object: ObjectType): ObjectTable {
  const spec = OBJECT_SPECS[object];
  const t: ObjectTable = { object, cond: [], matched: [], condM: [], cont: [], flags: [], fakes: 0, recoTotal: 0 };
  for (const e of events) {
    const reco = recoObjectsOf(e.reco, object);
    t.recoTotal += reco.length;
    const { pairs, fakes } = matchObjects(e.truth[object], reco, spec.matchDr);
    t.fakes += fakes;
    for (const p of pairs) {
      const c = condVector(p.truth);
      t.cond.push(c);
      t.matched.push(p.reco ? 1 : 0);
      if (p.reco) {
        t.condM.push(c);
        t.cont.push(contVector(object, p.truth, p.reco));
        t.flags.push(flagVector(object, p.reco));
      }
    }
  }
  return t;
}

/** sha256 of a table's numbers (the training-data digest recorded with every model). */
export function tableDigest(t: ObjectTable): string {
  const h = createHash('sha256');
  h.update(t.object);
  const put = (rows: number[][]) => {
    for (const r of rows) h.update(Float64Array.from(r));
  };
  put(t.cond);
  h.update(Float64Array.from(t.matched));
  put(t.cont);
  put(t.flags);
  return h.digest('hex');
}
