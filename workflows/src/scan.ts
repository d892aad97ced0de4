import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  executeChild,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  SCAN_LIMITS,
  TASK_QUEUES,
  advanceStopping,
  pointKey,
  pointSeed,
  stoppingMet,
  type ContourLine,
  type CoverageSummary,
  type CoverageWorkflowInput,
  type ModelPoint,
  type ScanCarry,
  type ScanProgress,
  type ScanReport,
  type ScanStatus,
  type ScanWorkflowInput,
  type SurrogateTrainingInput,
  type SurrogateTrainingResult,
} from '@sigmap/contracts';
import type { OrchestrationActivities, SimulationActivities, StatsActivities, SurrogateActivities } from './activities';
import { GP_HEARTBEAT_TIMEOUT_MS, gpTimeoutMs } from './timeouts';
import { cancelSignal, contourQuery, extendBudgetUpdate, pauseSignal, progressQuery, resumeSignal } from './messages';

const NON_RETRYABLE = ['InputError', 'NotAvailable'];

/**
 * Patch id: the cancel signal cancels the activities in flight (their simulations stop within seconds) instead of
 * waiting for the round in flight. Histories recorded before it (no marker) replay with the old behaviour.
 */
const CANCEL_STOPS_IN_FLIGHT = 'cancel-stops-in-flight';

/** Store-side bookkeeping: quick, on the orchestration queue. */
const orchestration = proxyActivities<OrchestrationActivities>({
  taskQueue: TASK_QUEUES.orchestration,
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
});

/** GP fit + batch proposal and the final report (CPU numerics), timed out by gpTimeoutMs (./timeouts). */
const gpActivities = (slowestMs: number | undefined) =>
  proxyActivities<Pick<StatsActivities, 'proposeBatch' | 'finalizeScan'>>({
    taskQueue: TASK_QUEUES.statsCpu,
    startToCloseTimeout: gpTimeoutMs(slowestMs),
    // the numerics run in a compute thread while the activity heartbeats every second
    heartbeatTimeout: GP_HEARTBEAT_TIMEOUT_MS,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
  });

/** One CLs computation per (point, search): heartbeats after each sub-likelihood, resumes from its details. */
const limits = proxyActivities<Pick<StatsActivities, 'computeLimit'>>({
  taskQueue: TASK_QUEUES.statsCpu,
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8, nonRetryableErrorTypes: NON_RETRYABLE },
});

const simulation = (taskQueue: string) =>
  proxyActivities<SimulationActivities>({
    taskQueue,
    startToCloseTimeout: '1 hour',
    // simulate heartbeats every second while its compute thread simulates (cancellation reaches it within seconds)
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
  });

const surrogate = proxyActivities<Pick<SurrogateActivities, 'trainSurrogate'>>({
  taskQueue: TASK_QUEUES.surrogateGpu,
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '5 minutes',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE },
});

/**
 * One scan (DESIGN.md "Flow of one scan"): fit GP -> propose a batch -> fan out simulate/limit activities ->
 * record -> stopping rule; continueAsNew every `spec.roundsPerRun` rounds carrying only counters and the GP
 * training-set digest (the numbers live in the store). By default rounds are synchronous (inFlightBatches = 1), so a
 * scan's evaluated points depend only on its spec and seed (not on timing), which makes runs reproducible across
 * worker failures. With inFlightBatches = k > 1, up to k batches run at once (GPU workers stay busy): each new batch
 * is proposed with the points in flight as pending points (kriging believer / fantasised observations in @sigmap/gp),
 * and the points chosen then depend on which batch returns first.
 * Messages: signals pause / resume / cancel, update extendBudget, queries progress / contour.
 */
export async function ScanWorkflow(input: ScanWorkflowInput): Promise<ScanReport> {
  const { scanId, spec } = input;
  const c: ScanCarry = input.carry ?? {
    round: 0,
    evaluated: 0,
    budget: spec.budget,
    paused: false,
    gpDigest: '',
    misclassified: null,
    startedAtMs: Date.now(),
  };
  let status: ScanStatus = c.paused ? 'paused' : 'running';
  let cancelled = false;
  let inFlight = 0;
  let contour: ContourLine[] = [];
  // runs one GP activity and records how long it took (workflow time: deterministic on replay)
  const timedGp = async <T>(call: (gp: ReturnType<typeof gpActivities>) => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const r = await call(gpActivities(c.gpMs));
    c.gpMs = Math.max(c.gpMs ?? 0, Date.now() - t0);
    return r;
  };

  const progress = (): ScanProgress => ({
    scanId,
    status,
    round: c.round,
    evaluated: c.evaluated,
    budget: c.budget,
    inFlight,
    misclassified: c.misclassified,
    target: spec.target,
    gpDigest: c.gpDigest,
    ...(spec.fidelity.escalate ? { escalated: c.escalated ?? 0 } : {}),
    startedAtMs: c.startedAtMs,
    updatedAtMs: Date.now(),
  });

  setHandler(pauseSignal, () => {
    c.paused = true;
  });
  setHandler(resumeSignal, () => {
    c.paused = false;
  });
  setHandler(cancelSignal, () => {
    cancelled = true;
  });
  setHandler(
    extendBudgetUpdate,
    (n: number) => {
      c.budget += n;
      return c.budget;
    },
    {
      validator: (n: number) => {
        if (!Number.isInteger(n) || n < 1) throw new Error(`extendBudget: expected an integer >= 1, got ${n}`);
        // the spec's own cap holds for extended budgets too (the API applies its cumulative extend limit before)
        if (c.budget + n > SCAN_LIMITS.budget)
          throw new Error(`extendBudget: the budget would be ${c.budget + n}, over the limit of ${SCAN_LIMITS.budget} points`);
      },
    },
  );
  setHandler(progressQuery, progress);
  setHandler(contourQuery, () => contour);

  const simulate = simulation(spec.fidelity.default === 'surrogate' ? TASK_QUEUES.surrogateGpu : TASK_QUEUES.simGpu).simulate;

  /** Multi-fidelity scans re-simulate the points whose surrogate label is uncertain on the sim-gpu queue. */
  const escalateTo = spec.fidelity.escalate;
  const escalation = escalateTo ? { k: spec.fidelity.k ?? 1, band: spec.fidelity.band ?? 0.01 } : undefined;
  const simulateEscalated = simulation(TASK_QUEUES.simGpu).simulate;

  async function evaluate(point: ModelPoint): Promise<void> {
    const key = pointKey(point);
    const seed = pointSeed(spec.seed, key);
    let yieldsKey: string | undefined;
    if (spec.fidelity.default !== 'lookup') {
      const sim = await simulate({
        scanId,
        family: spec.family,
        point,
        searches: spec.searches,
        fidelity: spec.fidelity.default,
        events: spec.fidelity.events,
        seed,
      });
      yieldsKey = sim.yieldsKey;
    }
    const results = await Promise.all(
      spec.searches.map((search) =>
        limits.computeLimit({
          scanId,
          family: spec.family,
          point,
          search,
          fidelity: spec.fidelity.default,
          seed,
          yieldsKey,
          ...(escalation ? { escalation } : {}),
        }),
      ),
    );
    if (escalateTo && results.some((r) => r.escalate?.needed)) {
      c.escalated = (c.escalated ?? 0) + 1;
      const sim = await simulateEscalated({
        scanId,
        family: spec.family,
        point,
        searches: spec.searches,
        fidelity: escalateTo,
        events: spec.fidelity.events,
        seed,
      });
      await Promise.all(
        spec.searches.map((search) =>
          limits.computeLimit({ scanId, family: spec.family, point, search, fidelity: escalateTo, seed, yieldsKey: sim.yieldsKey }),
        ),
      );
    }
  }

  // the stopping rule (@sigmap/contracts stopping.ts, also what @sigmap/scan's scanConverged and al-bench use)
  const converged = () => stoppingMet(spec, c.stopping, c.evaluated);

  /** Batches dispatched and not yet returned (at most spec.inFlightBatches; their points are the pending points). */
  const running = new Map<number, { points: ModelPoint[]; done: Promise<number> }>();
  const maxInFlight = spec.inFlightBatches ?? 1;
  const pendingPoints = () => [...running.values()].flatMap((b) => b.points);
  const pendingCount = () => pendingPoints().length;
  let batchSerial = 0;
  /** The evaluations in flight run in this scope: a cancel signal cancels them (CANCEL_STOPS_IN_FLIGHT). */
  const inFlightScope = new CancellationScope();
  let cancelWatch: Promise<number> | null = null;
  /** Resolves with -1 once the cancel signal has come (one condition per run, reused by every wait). */
  const cancelRequested = () => (cancelWatch ??= condition(() => cancelled).then(() => -1));

  try {
    if (!input.carry) {
      await orchestration.startScan({ scanId, spec });
      await orchestration.recordProgress(progress());
    }
    let roundsThisRun = 0;
    for (;;) {
      // stops, pauses and continueAsNew only between batches: with batches in flight, wait for one to return
      if (running.size === 0) {
        if (cancelled) {
          status = 'cancelled';
          break;
        }
        if (c.paused) {
          status = 'paused';
          await orchestration.recordProgress(progress());
          await condition(() => !c.paused || cancelled);
          status = 'running';
          continue;
        }
        if (c.evaluated >= c.budget) {
          status = 'budget-spent';
          break;
        }
        if (roundsThisRun >= spec.roundsPerRun || workflowInfo().continueAsNewSuggested) {
          await continueAsNew<typeof ScanWorkflow>({ scanId, spec, carry: c });
        }
      }
      // fill the pipeline: each new batch is proposed with the points still in flight as pending points
      let finished: ScanStatus | null = null;
      while (
        !cancelled &&
        !c.paused &&
        running.size < maxInFlight &&
        c.evaluated + pendingCount() < c.budget &&
        roundsThisRun + running.size < spec.roundsPerRun
      ) {
        const q = Math.min(spec.batchSize, c.budget - c.evaluated - pendingCount());
        const proposal = await timedGp((gp) => gp.proposeBatch({ scanId, spec, q, pending: pendingPoints(), round: c.round + running.size }));
        c.misclassified = proposal.misclassified;
        c.stopping = advanceStopping(c.stopping, proposal.misclassified, proposal.gpDigest, spec.target);
        c.gpDigest = proposal.gpDigest;
        contour = proposal.contour;
        if (converged()) {
          finished = 'converged';
          break;
        }
        if (proposal.points.length === 0) {
          finished = 'exhausted';
          break;
        }
        const id = batchSerial++;
        const points = proposal.points;
        inFlight += points.length;
        running.set(id, {
          points,
          done: inFlightScope.run(() =>
            Promise.all(
              points.map(async (p) => {
                await evaluate(p);
                inFlight--;
              }),
            ).then(() => id),
          ),
        });
      }
      if (running.size === 0) {
        status = finished ?? status;
        if (finished) break;
        continue;
      }
      // the first batch to return is recorded; the GP refits on it before the next proposal. A cancel signal meanwhile
      // cancels the evaluations in flight (their activities stop within seconds) and the scan ends 'cancelled'.
      let id = await Promise.race([...[...running.values()].map((b) => b.done), cancelRequested()]);
      if (id === -1) {
        if (patched(CANCEL_STOPS_IN_FLIGHT)) {
          for (const b of running.values()) b.done.catch(() => undefined);
          inFlightScope.cancel();
          running.clear();
          inFlight = 0;
          status = 'cancelled';
          break;
        }
        // recorded before the patch: the round in flight finishes first
        id = await Promise.race([...running.values()].map((b) => b.done));
      }
      c.evaluated += running.get(id)!.points.length;
      running.delete(id);
      c.round++;
      roundsThisRun++;
      await orchestration.recordProgress(progress());
    }
  } catch (e) {
    if (e instanceof ActivityFailure || e instanceof ApplicationFailure) {
      status = 'failed';
      await orchestration.recordProgress(progress());
    }
    throw e;
  }

  const report = await timedGp((gp) => gp.finalizeScan({ scanId, spec, status }));
  c.misclassified = report.misclassified;
  contour = report.contour;
  await orchestration.recordProgress(progress());
  await executeChild(CoverageWorkflow, { args: [{ scanIds: [scanId] }], workflowId: `${scanId}-coverage` });
  return report;
}

/** Re-aggregates the coverage map from the stored limits (all scans, or the given ones). */
export async function CoverageWorkflow(input: CoverageWorkflowInput): Promise<CoverageSummary> {
  return orchestration.aggregateCoverage(input);
}

/**
 * Hook for the generative-surrogate issue: trains a surrogate on the `full` evaluations of finished scans,
 * on the surrogate-gpu queue (the activity heartbeats; it reports 'hook only' until @sigmap/surrogate trains).
 */
export async function SurrogateTrainingWorkflow(input: SurrogateTrainingInput): Promise<SurrogateTrainingResult> {
  return surrogate.trainSurrogate(input);
}
