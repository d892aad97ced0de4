/**
 * `surrogate` fidelity: the same chain as physics' simulatePoint (generate -> SM decays -> fragmentation -> detector ->
 * search selection -> histogram scaled by sigma x L / N) with the detector replaced by each ensemble member of the
 * trained surrogates in turn, on the same generated events (the same events as physics' for the same seed). The yields
 * reported are the ensemble mean; the per-bin epistemic uncertainty is the ensemble spread of productionSpread (the standard deviation sigma_k = sqrt(sum_m (y_mk -
 * ybar_k)^2 / (M - 1)) combined with the detector-level variance of the members' event placements, floored at one
 * event's yield where the mean is positive), times the models' split-conformal calibration scale (validate.ts, 4.;
 * the largest over the object types in use), so that it covers the surrogate's real yield error at the calibrated
 * level.
 */
import { InputError, createRng } from '@sigmap/contracts';
import { type Point, type SimulateResult, binIndex, generatedBatches, getFamily, getOwnSearch } from '@sigmap/physics';
import { truthEvent } from './data';
import { SURROGATE_UNSUPPORTED_SEARCHES, type TruthEvent, surrogateDetector } from './detector';
import { type SurrogateSet, memberCount, membersAt, occupancyVariance, productionSpread } from './ensemble';
import { OBJECT_TYPES } from './objects';
import { defaultModelFor, findModel, loadMembers } from './registry';
import { ensureBackend } from './tf';

export interface SurrogateSimulateRequest {
  family: string;
  point: Partial<Point>;
  search: string;
  events: number;
  seed: number;
  /** Per-object ensembles; default: the selected (else newest) model of each type in the registry. */
  models?: SurrogateSet;
  /** tfjs backend in use (reported); default: ensureBackend(). */
  backend?: string;
  /** Events per generation batch (default 256, physics' simulatePoint batch: same seed, same events). */
  batchSize?: number;
  /** Most events per network pass (default 2048; at least batchSize). */
  detectorBatch?: number;
  /** Factor on the ensemble spread; default: the calibration scale of the default set, or 1 with explicit models. */
  epistemicScale?: number;
  /** Awaited after each network pass with the events done so far (as physics' SimulateRequest.onBatch). */
  onBatch?: (done: number, total: number) => void | Promise<void>;
}

export interface SurrogateSimulateResult extends Omit<SimulateResult, 'fidelity' | 'backend'> {
  fidelity: 'surrogate';
  backend: string;
  /** Yields of each ensemble member. */
  memberYields: number[][];
  /** Selected events per bin of each ensemble member. */
  memberCounts: number[][];
  /** Detector-level variance of the yields per bin from the members' event placements (occupancyVariance). */
  occupancyVariance: number[];
  /** The epistemic uncertainty per bin: productionSpread's spread times epistemicScale. */
  epistemic: number[];
  /** The calibration factor applied to the ensemble spread. */
  epistemicScale: number;
  /** Model ids used, per object type. */
  models: Record<string, string>;
}

export interface DefaultSet {
  set: SurrogateSet;
  ids: Record<string, string>;
  /** Largest split-conformal scale among the set's models (1 when none is calibrated). */
  epistemicScale: number;
}

let defaultSet: DefaultSet | null = null;

/** The default surrogate set: per object type, the registry's selected (else newest) model. Loaded once. */
export function loadDefaultSet(): DefaultSet {
  if (defaultSet) return defaultSet;
  const set: SurrogateSet = {};
  const ids: Record<string, string> = {};
  let epistemicScale = 1;
  const missing: string[] = [];
  for (const o of OBJECT_TYPES) {
    const d = defaultModelFor(o);
    if (!d) {
      missing.push(o);
      continue;
    }
    const { artefact } = findModel(d.path);
    set[o] = loadMembers(artefact);
    ids[o] = d.meta.id;
    epistemicScale = Math.max(epistemicScale, artefact.meta.metrics?.closure?.calibration?.scale ?? 1);
  }
  if (missing.length)
    throw new InputError(
      'fidelity',
      `surrogate fidelity needs a trained model for every object type; missing: ${missing.join(', ')} (sigmap surrogate train --object ...)`,
    );
  defaultSet = { set, ids, epistemicScale };
  return defaultSet;
}

/**
 * Signal yields of a model point at `surrogate` fidelity (same fields as physics' simulatePoint, plus the ensemble's
 * per-member yields and per-bin epistemic uncertainty).
 */
export async function simulateWithSurrogate(req: SurrogateSimulateRequest, modelIds: Record<string, string> = {}): Promise<SurrogateSimulateResult> {
  const backend = req.backend ?? (await ensureBackend());
  let models = req.models;
  let epistemicScale = req.epistemicScale ?? 1;
  if (!models) {
    const d = loadDefaultSet();
    models = d.set;
    modelIds = { ...d.ids, ...modelIds };
    epistemicScale = req.epistemicScale ?? d.epistemicScale;
  }
  if (!(epistemicScale >= 1 && Number.isFinite(epistemicScale))) throw new InputError('epistemicScale', `must be a finite number >= 1, got ${epistemicScale}`);
  if (!Number.isInteger(req.events) || req.events < 1) throw new InputError('events', `must be an integer >= 1, got ${req.events}`);
  if (!Number.isSafeInteger(req.seed)) throw new InputError('seed', `must be an integer, got ${req.seed}`);
  for (const f of ['batchSize', 'detectorBatch'] as const) {
    const v = req[f];
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new InputError(f, `must be an integer >= 1, got ${v}`);
  }
  if (SURROGATE_UNSUPPORTED_SEARCHES.includes(req.search))
    throw new InputError('search', `${req.search} selects large-R jets, which the surrogate does not model: use --fidelity full`);
  const family = getFamily(req.family);
  const search = getOwnSearch(req.search);
  const point = family.validate(req.point);
  const xsec = family.crossSectionPb(point);
  const ctx = family.prepare(point);
  const K = memberCount(models);
  const nb = search.binEdges.length - 1;
  const sw = Array.from({ length: K }, () => new Float64Array(nb));
  const sw2 = Array.from({ length: K }, () => new Float64Array(nb));
  const counts = Array.from({ length: K }, () => new Array<number>(nb).fill(0));
  const selW = new Float64Array(K);
  const selW2 = new Float64Array(K);
  const detVar = new Array<number>(nb).fill(0);
  // Events come in physics' generation batches (generatedBatches: the same seed gives the same events at every
  // fidelity, for paired comparisons); the networks then run on up to detectorBatch events at once, since tfjs' cost
  // per call, not per row, dominates at a few hundred rows.
  const batchSize = req.batchSize ?? 256;
  const detectorBatch = Math.max(batchSize, req.detectorBatch ?? 2048);
  const detectorRng = createRng(req.seed).fork(-1);
  let truth: TruthEvent[] = [];
  const runDetector = () => {
    const n = truth.length;
    const binsOf: Int32Array[] = [];
    for (let k = 0; k < K; k++) {
      const reco = surrogateDetector(truth, membersAt(models, k), detectorRng.nextUint32());
      const bk = new Int32Array(n).fill(-1);
      binsOf.push(bk);
      for (const [i, r] of reco.entries()) {
        const x = search.select(r);
        if (x === null) continue;
        const b = binIndex(search.binEdges, x);
        if (b < 0) continue;
        bk[i] = b;
        sw[k][b] += r.weight;
        sw2[k][b] += r.weight * r.weight;
        counts[k][b]++;
        selW[k] += r.weight;
        selW2[k] += r.weight * r.weight;
      }
    }
    occupancyVariance(
      binsOf,
      truth.map((t) => t.weight),
      nb,
    ).forEach((v, b) => (detVar[b] += v));
    truth = [];
  };
  for (const { start, events } of generatedBatches(family, point, ctx, req.events, req.seed, batchSize)) {
    for (const ev of events) truth.push({ ...truthEvent(ev), weight: ev.weight });
    const done = start + events.length;
    if (truth.length + batchSize > detectorBatch || done === req.events) {
      runDetector();
      await req.onBatch?.(done, req.events);
    }
  }
  const N = req.events;
  const scale = (xsec * 1000 * search.luminosityFb) / N;
  const memberYields = sw.map((s) => Array.from(s, (w) => w * scale));
  const occupancy = detVar.map((v) => v * scale * scale);
  const { mean, spread } = productionSpread(memberYields, counts, occupancy);
  const effAcc = selW.reduce((a, b) => a + b, 0) / K / N;
  const w2 = selW2.reduce((a, b) => a + b, 0) / K;
  return {
    family: family.id,
    point,
    search: search.id,
    fidelity: 'surrogate',
    events: N,
    seed: req.seed,
    crossSectionPb: xsec,
    luminosityFb: search.luminosityFb,
    observable: search.observable.name,
    binEdges: [...search.binEdges],
    yields: mean,
    yieldErrors: Array.from({ length: nb }, (_, b) => Math.sqrt(sw2.reduce((a, s) => a + s[b], 0) / K) * scale),
    counts: Array.from({ length: nb }, (_, b) => Math.round(counts.reduce((a, c) => a + c[b], 0) / K)),
    effAcc,
    effAccError: Math.sqrt(Math.max(w2 / N - effAcc * effAcc, 0) / N),
    backend: `surrogate (${backend})`,
    memberYields,
    memberCounts: counts,
    occupancyVariance: occupancy,
    epistemic: spread.map((x) => x * epistemicScale),
    epistemicScale,
    models: modelIds,
  };
}

export { type SurrogateSet, ensembleStats, occupancyVariance, productionSpread } from './ensemble';
