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
export function* generatedBatches(family: ModelFamily, point: Point, ctx: GenerationContext, events: number, seed: number, batchSize = 256): Generator<{ start: number; events: EventRecord[]; rng: Rng }> {
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

export async function simulatePoint(req: SimulateRequest): Promise<SimulateResult> {
  if (!Number.isInteger(req.events) || req.events < 1) throw new InputError('events', `must be an integer >= 1, got ${req.events}`);
  if (req.fidelity !== 'full' && req.fidelity !== 'fast') throw new InputError('fidelity', `must be 'full' or 'fast', got '${String(req.fidelity)}'`);
  if (!Number.isSafeInteger(req.seed)) throw new InputError('seed', `must be an integer, got ${req.seed}`);
  const family = getFamily(req.family);
  const search = getOwnSearch(req.search);
  const point = family.validate(req.point);
  const xsec = family.crossSectionPb(point);
  const ctx = family.prepare(point);
  const engine = req.showerEngine ?? new JsShowerEngine();
  const batchSize = req.batchSize ?? 256;
  const nb = search.binEdges.length - 1;
  const sw = new Float64Array(nb);
  const sw2 = new Float64Array(nb);
  const counts = new Array<number>(nb).fill(0);
  let selW = 0;
  let selW2 = 0;
  for (const { start, events: evs, rng } of generatedBatches(family, point, ctx, req.events, req.seed, batchSize)) {
    const n = evs.length;
    let reco: RecoEvent[];
    if (req.fidelity === 'fast') reco = evs.map((ev) => fastDetector(ev, rng));
    else reco = await fullDetector(evs, { engine, seed: rng.nextUint32() });
    for (const r of reco) {
      const x = search.select(r);
      if (x === null) continue;
      const b = binIndex(search.binEdges, x);
      if (b < 0) continue;
      sw[b] += r.weight;
      sw2[b] += r.weight * r.weight;
      counts[b]++;
      selW += r.weight;
      selW2 += r.weight * r.weight;
    }
    await req.onBatch?.(start + n, req.events);
  }
  const N = req.events;
  const scale = (xsec * 1000 * search.luminosityFb) / N;
  const effAcc = selW / N;
  return {
    family: family.id,
    point,
    search: search.id,
    fidelity: req.fidelity,
    events: N,
    seed: req.seed,
    crossSectionPb: xsec,
    luminosityFb: search.luminosityFb,
    observable: search.observable.name,
    binEdges: [...search.binEdges],
    yields: Array.from(sw, (w) => w * scale),
    yieldErrors: Array.from(sw2, (w2) => Math.sqrt(w2) * scale),
    counts,
    effAcc,
    // Binomial error for unit weights, sqrt(sum w^2)/N bounded by it otherwise.
    effAccError: Math.sqrt(Math.max(selW2 / N - effAcc * effAcc, 0) / N),
    backend: req.fidelity === 'fast' ? 'fast' : engine.name,
  };
}
