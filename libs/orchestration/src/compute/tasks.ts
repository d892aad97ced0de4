/**
 * The CPU-heavy parts of the activities, as tasks with plain (structured-cloneable) inputs and results: signal
 * yields of one search, a GP round (fit + batch proposal + contour), the final report's estimate, one CLs
 * computation, surrogate training. They run in a compute thread (./thread.ts, off the event loop that serves the
 * API and the Temporal workers) or in-process (./compute.ts, InlineCompute); the activities keep the store and
 * Temporal calls. No store, no Temporal here: a task gets its inputs and returns its result.
 */
import { CLS_LIMIT, buildLearner, contourOf, misclassifiedEstimate, proposeStep, trainingDigest, trainingSet } from '@sigmap/scan';
import { ApplicationFailure } from '@temporalio/activity';
import {
  type ContourLine,
  type EvaluatedPoint,
  type EventGenerator,
  type Fidelity,
  type ModelPoint,
  type ProposeBatchResult,
  type ScanSpec,
  type SurrogateTrainingInput,
} from '@sigmap/contracts';
import { FamilyRegistry, type FamilyAdapter, type PointLimit, type SearchYields } from '@sigmap/families';
import { type GeneratorProgress, simulateWithGenerator } from '@sigmap/generators';
import type { ShowerEngine } from '@sigmap/physics';
import { TfShowerEngine, decideFidelity, selectBackend, trainSurrogate as trainSurrogateModels } from '@sigmap/surrogate';

export const inputFailure = (field: string, problem: string) => ApplicationFailure.nonRetryable(`${field}: ${problem}`, 'InputError');

/** The family adapter, or a non-retryable InputError naming the known ones. */
export function familyOf(families: FamilyRegistry, id: string): FamilyAdapter {
  const f = families.get(id);
  if (!f) {
    const ids = families.ids();
    const known = ids.length > 12 ? `${ids.slice(0, 12).join(', ')} and ${ids.length - 12} more (sigmap families lists them)` : ids.join(', ');
    throw inputFailure('family', `unknown model family '${id}' (known: ${known})`);
  }
  return f;
}

export interface SimulateSearchTask {
  family: string;
  point: ModelPoint;
  search: string;
  fidelity: Fidelity;
  events: number;
  seed: number;
  generator: EventGenerator;
  /** Pythia: the progress of an earlier attempt's last heartbeat (resumes at its next batch, same events). */
  resume?: GeneratorProgress;
}

interface ProposeTask {
  spec: ScanSpec;
  evaluations: EvaluatedPoint[];
  pending: ModelPoint[];
  q: number;
  round: number;
}

/** The activity's result plus the learner's state for the GP snapshot (null before two points are evaluated). */
type ProposeOutcome = ProposeBatchResult & { state: unknown };

interface ReportTask {
  spec: ScanSpec;
  evaluations: EvaluatedPoint[];
}

/** The final report's contour and estimate, and its learner (fitted on every evaluated point) for the last GP snapshot. */
interface ReportOutcome {
  contour: ContourLine[];
  misclassified: number | null;
  state: unknown;
  trainingSize: number;
  gpDigest: string;
}

interface LookupLimitTask {
  family: string;
  point: ModelPoint;
  search: string;
  /** Details of the last heartbeat of an earlier attempt. */
  resumeFrom: unknown;
}

interface YieldsLimitTask {
  family: string;
  point: ModelPoint;
  search: string;
  fidelity: Fidelity;
  yields: SearchYields;
  /** Skip the limit itself (a stored evaluation exists): only the escalation decision. */
  escalationOnly?: boolean;
  escalation?: { k: number; band: number };
}

interface YieldsLimitOutcome {
  limit: PointLimit | null;
  escalate?: { needed: boolean; reason: string; clsDown: number; clsUp: number };
}

type TrainTask = SurrogateTrainingInput & { evaluations: EvaluatedPoint[] };

/** Every compute task: its input and its result. */
export interface ComputeTaskMap {
  simulateSearch: { input: SimulateSearchTask; result: SearchYields };
  propose: { input: ProposeTask; result: ProposeOutcome };
  report: { input: ReportTask; result: ReportOutcome };
  lookupLimit: { input: LookupLimitTask; result: PointLimit };
  limitFromYields: { input: YieldsLimitTask; result: YieldsLimitOutcome };
  trainSurrogate: { input: TrainTask; result: { modelKey: string; backend: string; skipped: { object: string }[] } };
}
export type ComputeKind = keyof ComputeTaskMap;

interface TaskContext {
  /** Aborted when the activity is cancelled (or its workflow is gone): the task stops at its next check. */
  signal: AbortSignal;
  /** Resumable progress details (the activity heartbeats the latest). */
  progress(details: unknown): void;
}

/** The tasks on one registry of families (one per compute thread, or the process's own for inline compute). */
export function createTaskRunner(families: FamilyRegistry) {
  let pythiaEngine: Promise<ShowerEngine> | null = null;
  /** The tfjs shower engine for Pythia events at full fidelity, made on first use. */
  const pythiaShower = () => (pythiaEngine ??= selectBackend().then((b) => new TfShowerEngine(b)));

  const tasks: { [K in ComputeKind]: (input: ComputeTaskMap[K]['input'], ctx: TaskContext) => Promise<ComputeTaskMap[K]['result']> } = {
    async simulateSearch(t, ctx) {
      const f = familyOf(families, t.family);
      if (!f.simulate) throw inputFailure('fidelity', `${f.id} is not simulated (it supports ${f.fidelities.join(', ')}), not '${t.fidelity}'`);
      const pythia = t.generator === 'pythia8' && (t.fidelity === 'full' || t.fidelity === 'fast');
      if (!pythia)
        return f.simulate(t.point, t.search, {
          fidelity: t.fidelity,
          events: t.events,
          seed: t.seed,
          signal: ctx.signal,
          onBatch: (done, total) => ctx.progress({ done, total }),
        });
      // Pythia batches report their progress: a retried attempt resumes at the next batch (same events)
      const r = await simulateWithGenerator({
        family: t.family,
        point: t.point,
        search: t.search,
        events: t.events,
        seed: t.seed,
        fidelity: t.fidelity as 'full' | 'fast',
        generator: 'pythia8',
        showerEngine: t.fidelity === 'full' ? await pythiaShower() : undefined,
        resume: t.resume,
        signal: ctx.signal,
        onBatch: (_d, _t, progress) => {
          ctx.signal.throwIfAborted();
          ctx.progress({ pythia: progress });
        },
      });
      return {
        search: t.search,
        fidelity: t.fidelity,
        events: r.events,
        seed: r.seed,
        crossSectionPb: r.crossSectionPb,
        effAcc: r.effAcc,
        observable: r.observable,
        binEdges: r.binEdges,
        yields: r.yields,
        yieldErrors: r.yieldErrors,
        backend: `${r.backend}, ${r.generator}`,
      };
    },

    async propose(t) {
      const pool = t.spec.mode === 'pool' ? familyOf(families, t.spec.family).pool(t.spec) : null;
      const step = proposeStep({ spec: t.spec, evaluations: t.evaluations, pending: t.pending, pool, q: t.q, round: t.round });
      const { learner } = step;
      return {
        points: step.points,
        misclassified: step.misclassified,
        trainingSize: step.rows.length,
        gpDigest: step.gpDigest,
        candidatesLeft: step.candidatesLeft,
        contour: contourOf(t.spec, learner),
        state: learner ? learner.toState() : null,
      };
    },

    /** The learner the final report uses: the stored training set, round 0 (as every report so far). */
    async report(t) {
      const f = familyOf(families, t.spec.family);
      const pool = t.spec.mode === 'pool' ? f.pool(t.spec) : null;
      const rows = trainingSet(t.spec, t.evaluations);
      const learner = rows.length >= 2 ? buildLearner(t.spec, rows, 0) : null;
      return {
        contour: contourOf(t.spec, learner),
        misclassified: misclassifiedEstimate(learner, t.spec, pool),
        state: learner ? learner.toState() : null,
        trainingSize: rows.length,
        gpDigest: trainingDigest(rows),
      };
    },

    async lookupLimit(t, ctx) {
      const f = familyOf(families, t.family);
      if (!f.lookupLimit) throw inputFailure('fidelity', `${f.id} has no lookup limits`);
      ctx.signal.throwIfAborted();
      return f.lookupLimit(t.point, t.search, {
        progress: (d) => {
          ctx.signal.throwIfAborted();
          ctx.progress(d);
        },
        resumeFrom: t.resumeFrom ?? null,
      });
    },

    async limitFromYields(t) {
      const f = familyOf(families, t.family);
      if (!f.limitFromYields) throw inputFailure('fidelity', `${f.id} is not simulated (it supports ${f.fidelities.join(', ')}), not '${t.fidelity}'`);
      const limit = t.escalationOnly ? null : f.limitFromYields(t.point, t.yields);
      return { limit, escalate: escalationOf(f, t) };
    },

    async trainSurrogate(t, ctx) {
      const r = await trainSurrogateModels({
        family: t.family,
        searches: t.searches,
        evaluations: t.evaluations,
        seed: t.seed,
        objects: t.objects,
        events: t.events,
        members: t.members,
        kinds: t.kinds,
        budget: t.budget,
        heartbeat: (d) => {
          ctx.signal.throwIfAborted();
          ctx.progress(d);
        },
      });
      return { modelKey: r.modelKey, backend: r.backend, skipped: r.skipped.map((x) => ({ object: x.object })) };
    },
  };

  return {
    run<K extends ComputeKind>(kind: K, input: ComputeTaskMap[K]['input'], ctx: TaskContext): Promise<ComputeTaskMap[K]['result']> {
      const task = tasks[kind] as (i: ComputeTaskMap[K]['input'], c: TaskContext) => Promise<ComputeTaskMap[K]['result']>;
      if (!task) return Promise.reject(new Error(`unknown compute task '${String(kind)}'`));
      return task(input, ctx);
    },
  };
}

export type TaskRunner = ReturnType<typeof createTaskRunner>;

/**
 * Multi-fidelity decision for a surrogate point (@sigmap/surrogate decideFidelity): CLs again with the signal
 * yields shifted by -k and +k ensemble spreads; escalate when the label flips or CLs is within `band` of 0.05.
 */
function escalationOf(f: FamilyAdapter, t: YieldsLimitTask): YieldsLimitOutcome['escalate'] {
  if (!t.escalation) return undefined;
  const y = t.yields;
  if (t.fidelity !== 'surrogate') throw inputFailure('escalation', `applies to surrogate points, not '${t.fidelity}'`);
  if (!y.epistemic) throw inputFailure('escalation', `the surrogate yields of '${t.search}' carry no ensemble spread`);
  const d = decideFidelity(y.yields, y.epistemic, (yields) => f.limitFromYields!(t.point, { ...y, yields }).clsObs, {
    alpha: CLS_LIMIT,
    k: t.escalation.k,
    band: t.escalation.band,
  });
  return { needed: d.fidelity === 'full', reason: d.reason, clsDown: d.clsDown, clsUp: d.clsUp };
}
