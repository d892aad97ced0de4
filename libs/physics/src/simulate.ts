/**
 * "Simulate on demand": a model point -> signal yields in an own search's bins.
 * generate (family) -> SM decays -> fragmentation -> detector (fast or full) -> selection -> histogram, scaled by
 * sigma(point) x luminosity / N. Yield errors are the Monte Carlo statistical errors sqrt(sum w^2).
 */
import { InputError, type Rng, createRng } from '@sigmap/contracts';
import { fastDetector } from './detector/fast';
import { fullDetector } from './detector/full/reco';
import { JsShowerEngine, type ShowerEngine } from './detector/full/shower';
import type { RecoEvent } from './detector/types';
import { getFamily } from './families/registry';
import type { GenerationContext, ModelFamily, Point } from './families/types';
import { fragmentAll } from './generator/decay';
import type { EventRecord } from './generator/event';
import { binIndex, getOwnSearch } from './searches/defs';

export type DetectorFidelity = 'full' | 'fast';

export interface SimulateRequest {
  family: string;
  point: Partial<Point>;
  search: string;
  events: number;
  fidelity: DetectorFidelity;
  seed: number;
  /** Shower engine for `full` (default: the pure-JS engine). */
  showerEngine?: ShowerEngine;
  /** Events per detector batch (default 256). */
  batchSize?: number;
  /**
   * Awaited after each batch with the events done so far: lets a caller yield to its event loop (a Temporal worker
   * that heartbeats) or report progress. The result does not depend on it.
   */
  onBatch?: (done: number, total: number) => void | Promise<void>;
}

export interface SimulateResult {
  family: string;
  point: Point;
  search: string;
  fidelity: DetectorFidelity;
  events: number;
  seed: number;
  crossSectionPb: number;
  luminosityFb: number;
  observable: string;
  binEdges: number[];
  /** Expected signal events per bin at the search's luminosity. */
  yields: number[];
  yieldErrors: number[];
  /** Raw selected Monte Carlo events per bin. */
  counts: number[];
  /** Selection efficiency x acceptance (x generated BR weights), with its binomial error. */
  effAcc: number;
  effAccError: number;
  /** 'fast' or the shower engine's name. */
  backend: string;
}

export const DEFAULT_EVENTS = 2000;

/**
 * The generated, fragmented events of a point in batches: batch b of `batchSize` events comes from its own fork of the
 * seed's generator, so the same (seed, batchSize) gives the same events at every fidelity (full, fast, surrogate:
 * paired comparisons). `rng` is the batch's generator after its events, for the detector that follows.
 */
export function* generatedBatches(
  family: ModelFamily,
  point: Point,
  ctx: GenerationContext,
  events: number,
  seed: number,
  batchSize = 256,
): Generator<{ start: number; events: EventRecord[]; rng: Rng }> {
  const master = createRng(seed);
  for (let start = 0; start < events; start += batchSize) {
    const n = Math.min(batchSize, events - start);
    const rng = master.fork(start);
    const evs: EventRecord[] = [];
    for (let i = 0; i < n; i++) {
      const ev = family.generate(point, rng, ctx);
      fragmentAll(ev, rng);
      evs.push(ev);
    }
    yield { start, events: evs, rng };
  }
}

/** `events` generated, fragmented events of a family's point (generatedBatches' events, in one list). */
export function generateEvents(familyId: string, point: Partial<Point>, events: number, seed: number): EventRecord[] {
  const family = getFamily(familyId);
  const p = family.validate(point);
  return [...generatedBatches(family, p, family.prepare(p), events, seed)].flatMap((b) => b.events);
}

/** Running sums of one search's selection over the events seen so far (resumable: plain numbers only). */
export interface YieldTally {
  /** Events (generated or read) accounted for so far. */
  done: number;
  sw: number[];
  sw2: number[];
  counts: number[];
  selW: number;
  selW2: number;
}

const emptyTally = (bins: number): YieldTally => ({
  done: 0,
  sw: new Array<number>(bins).fill(0),
  sw2: new Array<number>(bins).fill(0),
  counts: new Array<number>(bins).fill(0),
  selW: 0,
  selW2: 0,
});

/** A batch of events from any generator: `start` is its first event's index; `rng` drives the detector (else derived from the seed). */
export interface EventBatch {
  start: number;
  events: EventRecord[];
  rng?: Rng;
}

export interface SimulateEventsRequest {
  search: string;
  fidelity: DetectorFidelity;
  seed: number;
  /** Events the yields are normalised to (all batches of the run, including those in a resumed tally). */
  events: number;
  crossSectionPb: number;
  /** Labels of the result: the family id (or the event source) and its point. */
  family: string;
  point: Point;
  showerEngine?: ShowerEngine;
  /** Sums of the batches already done (a resumed run); the batches given must be the ones after them. */
  tally?: YieldTally;
  /** Awaited after each batch with the events done so far and the tally (heartbeat details of a resumable run). */
  onBatch?: (done: number, total: number, tally: YieldTally) => void | Promise<void>;
}

/**
 * Detector + selection + histogram on events that come from anywhere (the built-in generator, Pythia, LHE or HepMC
 * files): yields = sigma x L x sum(w) / N per bin. A batch without its own `rng` gets createRng(seed).fork(-1 - start)
 * (a fresh parent each time: fork advances its parent), so its detector randomness depends only on (seed, start).
 */
export async function simulateEvents(batches: Iterable<EventBatch> | AsyncIterable<EventBatch>, req: SimulateEventsRequest): Promise<SimulateResult> {
  if (req.fidelity !== 'full' && req.fidelity !== 'fast') throw new InputError('fidelity', `must be 'full' or 'fast', got '${String(req.fidelity)}'`);
  if (!Number.isSafeInteger(req.seed)) throw new InputError('seed', `must be an integer, got ${req.seed}`);
  if (!(req.crossSectionPb >= 0 && Number.isFinite(req.crossSectionPb)))
    throw new InputError('crossSectionPb', `must be a finite number >= 0, got ${req.crossSectionPb}`);
  const search = getOwnSearch(req.search);
  const engine = req.showerEngine ?? new JsShowerEngine();
  const nb = search.binEdges.length - 1;
  const t = req.tally ? structuredClone(req.tally) : emptyTally(nb);
  if (t.sw.length !== nb) throw new InputError('tally', `has ${t.sw.length} bins, ${search.id} has ${nb}`);
  for await (const { start, events: evs, rng: given } of batches) {
    const rng = given ?? createRng(req.seed).fork(-1 - start);
    let reco: RecoEvent[];
    if (req.fidelity === 'fast') reco = evs.map((ev) => fastDetector(ev, rng));
    else reco = await fullDetector(evs, { engine, seed: rng.nextUint32() });
    for (const r of reco) {
      const x = search.select(r);
      if (x === null) continue;
      const b = binIndex(search.binEdges, x);
      if (b < 0) continue;
      t.sw[b] += r.weight;
      t.sw2[b] += r.weight * r.weight;
      t.counts[b]++;
      t.selW += r.weight;
      t.selW2 += r.weight * r.weight;
    }
    t.done = start + evs.length;
    await req.onBatch?.(t.done, req.events, t);
  }
  const N = req.events;
  const scale = (req.crossSectionPb * 1000 * search.luminosityFb) / N;
  const effAcc = t.selW / N;
  return {
    family: req.family,
    point: req.point,
    search: search.id,
    fidelity: req.fidelity,
    events: N,
    seed: req.seed,
    crossSectionPb: req.crossSectionPb,
    luminosityFb: search.luminosityFb,
    observable: search.observable.name,
    binEdges: [...search.binEdges],
    yields: t.sw.map((w) => w * scale),
    yieldErrors: t.sw2.map((w2) => Math.sqrt(w2) * scale),
    counts: t.counts,
    effAcc,
    // Binomial error for unit weights, sqrt(sum w^2)/N bounded by it otherwise.
    effAccError: Math.sqrt(Math.max(t.selW2 / N - effAcc * effAcc, 0) / N),
    backend: req.fidelity === 'fast' ? 'fast' : engine.name,
  };
}

/** The built-in generator (family.generate + independent fragmentation) into simulateEvents. */
export async function simulatePoint(req: SimulateRequest): Promise<SimulateResult> {
  if (!Number.isInteger(req.events) || req.events < 1) throw new InputError('events', `must be an integer >= 1, got ${req.events}`);
  if (req.fidelity !== 'full' && req.fidelity !== 'fast') throw new InputError('fidelity', `must be 'full' or 'fast', got '${String(req.fidelity)}'`);
  if (!Number.isSafeInteger(req.seed)) throw new InputError('seed', `must be an integer, got ${req.seed}`);
  const family = getFamily(req.family);
  getOwnSearch(req.search);
  const point = family.validate(req.point);
  const batches = generatedBatches(family, point, family.prepare(point), req.events, req.seed, req.batchSize ?? 256);
  const onBatch = req.onBatch;
  return simulateEvents(batches, {
    search: req.search,
    fidelity: req.fidelity,
    seed: req.seed,
    events: req.events,
    crossSectionPb: family.crossSectionPb(point),
    family: family.id,
    point,
    showerEngine: req.showerEngine,
    onBatch: onBatch ? (done, total) => onBatch(done, total) : undefined,
  });
}
