/**
 * Training driver: full-simulation samples (cached) -> per-object table -> K-member ensembles of the IQN and/or the
 * flow -> validation against held-out full simulation -> versioned artefacts. Used by the CLI
 * (`sigmap surrogate train`) and by the Temporal activity (activities.ts) on the `surrogate-gpu` queue.
 */
import { createHash } from 'node:crypto';
import { getFamily, ownSearchesFor } from '@sigmap/physics';
import { type FullSample, fullSample, objectTable, tableDigest } from './data';
import { SURROGATE_UNSUPPORTED_SEARCHES } from './detector';
import { DEFAULT_BUDGET, type GeneratorKind, type ObjectModel, type TrainBudget, trainEnsemble } from './model';
import type { ObjectType } from './objects';
import { type ModelArtefact, type ModelMeta, findModel, loadMembers, loadSample, modelId, saveModel, saveSample, updateMeta } from './registry';
import type { SurrogateSet } from './ensemble';
import { ensureBackend } from './tf';
import { type ValidateRequest, type ValidationReport, chooseByValidation, validateSurrogate } from './validate';

interface SampleSpec {
  family: string;
  nPoints: number;
  /** Explicit points (else nPoints drawn at random over the family's box). */
  points?: Record<string, number>[];
  eventsPerPoint: number;
  seed: number;
}

/** Cached full-simulation sample (SIGMAP_HOME/samples), generated on first use. */
async function cachedFullSample(spec: SampleSpec, progress?: (done: number, total: number) => void): Promise<FullSample> {
  const pts = spec.points ? `-${createHash('sha256').update(JSON.stringify(spec.points)).digest('hex').slice(0, 12)}` : '';
  const key = `full-${spec.family}-p${spec.nPoints}${pts}-e${spec.eventsPerPoint}-s${spec.seed}`;
  const hit = loadSample(key);
  if (hit) return hit;
  const s = await fullSample({
    family: spec.family,
    nPoints: spec.nPoints,
    points: spec.points,
    eventsPerPoint: spec.eventsPerPoint,
    seed: spec.seed,
    progress,
  });
  saveSample(key, s);
  return s;
}

/** Own searches sensitive to a family (shared signature keys at the family's default point), surrogate-capable. */
export function searchesFor(familyId: string): string[] {
  return ownSearchesFor(getFamily(familyId))
    .filter((s) => !SURROGATE_UNSUPPORTED_SEARCHES.includes(s.id))
    .map((s) => s.id);
}

export interface TrainRequest {
  family: string;
  object: ObjectType;
  /** Full-simulation events for training (the validation samples have half as many each). */
  events: number;
  seed: number;
  kinds?: GeneratorKind[];
  members?: number;
  budget?: Partial<TrainBudget>;
  /** Where to write the artefacts (default SIGMAP_HOME/models). */
  outDir?: string;
  createdAt: string;
  /** Training points (e.g. the points of finished full-fidelity scans); default 8 random points of the family. */
  points?: Record<string, number>[];
  heartbeat?: (details: unknown) => void;
  log?: (line: string) => void;
}

export interface TrainOutcome {
  backend: string;
  models: { id: string; path: string; meta: ModelMeta }[];
  /** The id chosen by validation (validate.ts chooseByValidation). */
  selected: string;
}

/** The full-simulation sample a model is trained on (8 random points of the family unless points are given). */
export function trainingSampleSpec(req: Pick<TrainRequest, 'family' | 'events' | 'seed' | 'points'>): SampleSpec {
  const nPoints = req.points?.length ?? 8;
  return { family: req.family, nPoints, points: req.points, eventsPerPoint: Math.max(10, Math.round(req.events / nPoints)), seed: req.seed };
}

/** Events per point of every held-out sample (validation and closure): half the training events over 3 points. */
const heldOutPerPoint = (events: number) => Math.max(50, Math.round(events / 2 / 3));

function validationSamples(family: string, events: number, seed: number): [SampleSpec, SampleSpec] {
  const per = heldOutPerPoint(events);
  // Same 3 points (same point seed), independent events: the point draw uses `seed`, the events a forked stream.
  return [
    { family, nPoints: 3, eventsPerPoint: per, seed: seed + 101 },
    { family, nPoints: 3, eventsPerPoint: per, seed: seed + 202 },
  ];
}

/**
 * Closure samples: full events at 16 calibration points and at 12 test points, drawn at random over the family's box
 * with their own seeds (disjoint from the training and validation points), as many events per point as validation.
 */
function closureSamples(family: string, events: number, seed: number): [SampleSpec, SampleSpec] {
  const per = heldOutPerPoint(events);
  return [
    { family, nPoints: 16, eventsPerPoint: per, seed: seed + 303 },
    { family, nPoints: 12, eventsPerPoint: per, seed: seed + 404 },
  ];
}

/** The held-out full samples a validation reads (cached): A and its independent twin B, calibration and closure test events. */
async function heldOutSamples(
  family: string,
  events: number,
  seed: number,
  beat: (details: unknown) => void = () => undefined,
): Promise<Required<Pick<ValidateRequest, 'fullA' | 'fullB' | 'calibrationEvents' | 'closureEvents'>>> {
  const progress = (stage: string) => (done: number, total: number) => beat({ stage, done, total });
  const [va, vb] = validationSamples(family, events, seed);
  const A = await cachedFullSample(va, progress('full-sim validation A'));
  // B: the same points as A, independent events (another event seed).
  const B = await independentTwin(A, vb.seed, progress('full-sim validation B'));
  const [ca, ct] = closureSamples(family, events, seed);
  const cal = await cachedFullSample(ca, progress('full-sim calibration'));
  const closure = await cachedFullSample(ct, progress('full-sim closure'));
  return { fullA: A.events, fullB: B.events, calibrationEvents: cal.events, closureEvents: closure.events };
}

export async function trainObjectSurrogate(req: TrainRequest): Promise<TrainOutcome> {
  const backend = await ensureBackend();
  const log = req.log ?? (() => undefined);
  const beat = req.heartbeat ?? (() => undefined);
  const budget = { ...DEFAULT_BUDGET, ...req.budget };
  const train = await cachedFullSample(trainingSampleSpec(req), (d, t) => beat({ stage: 'full-sim train', done: d, total: t }));
  log(`full simulation: ${train.events.length} training events of ${req.family} (${train.engine})`);
  const heldOut = await heldOutSamples(req.family, req.events, req.seed, beat);
  const table = objectTable(train.events, req.object);
  const digest = tableDigest(table);
  log(
    `${req.object}: ${table.cond.length} truth objects, ${table.condM.length} reconstructed, ${table.fakes} unmatched reco (fakes); digest ${digest.slice(0, 12)}`,
  );
  const outcomes: TrainOutcome['models'] = [];
  const reports: { id: string; report: ValidationReport }[] = [];
  for (const kind of req.kinds ?? (['iqn', 'flow'] as GeneratorKind[])) {
    const t0 = performance.now();
    const members: ObjectModel[] = await trainEnsemble(table, kind, req.members ?? 3, req.seed, budget, (k, stage, step, loss) =>
      beat({ stage: `${kind} member ${k} ${stage}`, step, loss }),
    );
    const trainSeconds = (performance.now() - t0) / 1000;
    log(`${kind}: ${members.length} members trained in ${trainSeconds.toFixed(1)} s`);
    const K = members.length;
    const set: SurrogateSet = { [req.object]: members };
    const report = await validateSurrogate({ object: req.object, set, ...heldOut, searches: searchesFor(req.family), seed: req.seed + 17, backend });
    const id = modelId(req.object, kind, digest, req.seed);
    const meta: ModelMeta = {
      id,
      object: req.object,
      kind,
      families: [req.family],
      trainingEvents: train.events.length,
      requestedEvents: req.events,
      trainingObjects: table.cond.length,
      trainingDataDigest: digest,
      seed: req.seed,
      members: K,
      backend,
      budget,
      trainSeconds,
      createdAt: req.createdAt,
      metrics: report,
    };
    const artefact: ModelArtefact = { meta, members: members.map((m) => m.state()) };
    const path = saveModel(artefact, req.outDir);
    outcomes.push({ id, path, meta });
    reports.push({ id, report });
    for (const m of members) m.dispose();
  }
  const best = chooseByValidation(reports);
  return { backend, models: outcomes, selected: best.id };
}

/** A second full sample at the same points as `s` with independent events (seeded by `seed`). */
async function independentTwin(s: FullSample, seed: number, progress?: (d: number, t: number) => void): Promise<FullSample> {
  const key = createHash('sha256')
    .update(JSON.stringify({ p: s.points, n: s.events.length, seed }))
    .digest('hex')
    .slice(0, 16);
  const hit = loadSample(`twin-${s.family}-${key}`);
  if (hit) return hit;
  const per = Math.round(s.events.length / s.points.length);
  const t = await fullSample({ family: s.family, points: s.points, eventsPerPoint: per, seed, progress });
  saveSample(`twin-${s.family}-${key}`, t);
  return t;
}

/** Re-runs the validation of a stored model on its (cached or regenerated) held-out full samples; updates its metrics. */
export async function revalidate(ref: string, log: (l: string) => void = () => undefined): Promise<ModelMeta> {
  const backend = await ensureBackend();
  const { path, artefact } = findModel(ref);
  const m = artefact.meta;
  const family = m.families[0];
  const heldOut = await heldOutSamples(family, m.requestedEvents, m.seed);
  log(
    `validation samples: ${heldOut.fullA.length} + ${heldOut.fullB.length} full events of ${family}; closure: ${heldOut.calibrationEvents.length} calibration + ${heldOut.closureEvents.length} test events`,
  );
  const members = loadMembers(artefact);
  const report = await validateSurrogate({
    object: m.object,
    set: { [m.object]: members },
    ...heldOut,
    searches: searchesFor(family),
    seed: m.seed + 17,
    backend,
  });
  for (const x of members) x.dispose();
  return updateMeta(path, { metrics: report });
}
