import { Context, ApplicationFailure } from '@temporalio/activity';
import {
  isInputError,
  pointKey,
  scannedParameters,
  type CoverageSummary,
  type CoverageWorkflowInput,
  type EvaluatedPoint,
  type FinalizeScanInput,
  type LimitInput,
  type LimitResult,
  type ProposeBatchInput,
  type ProposeBatchResult,
  type ScanProgress,
  type ScanReport,
  type ScanSpec,
  type SimulateInput,
  type SimulateResult,
  type StartScanInput,
  type SurrogateTrainingInput,
  type SurrogateTrainingResult,
} from '@sigmap/contracts';
import { buildLearner, CLS_LIMIT, contourOf, misclassifiedEstimate, proposeStep, trainingSet } from '@sigmap/scan';
import type { Store } from '@sigmap/store';
import { TfShowerEngine, decideFidelity, selectBackend, trainSurrogate as trainSurrogateModels } from '@sigmap/surrogate';
import { type GeneratorProgress, simulateWithGenerator } from '@sigmap/generators';
import type { ShowerEngine } from '@sigmap/physics';
import { FamilyRegistry, type FamilyAdapter, type PointLimit, type SearchYields } from '@sigmap/families';

export interface ScanActivityDeps {
  store: Store;
  families: FamilyRegistry;
  /** Optional log sink (the CLI keeps quiet; the worker logs). */
  log?: (line: string) => void;
}

function nonRetryable(e: unknown): never {
  if (isInputError(e)) throw ApplicationFailure.nonRetryable(e.message, 'InputError');
  throw e;
}

/** The GP-side activities and the store-side activities of a scan, wired to real dependencies. */
export function createScanActivities(deps: ScanActivityDeps) {
  const { store, families } = deps;
  const family = (id: string): FamilyAdapter => {
    const f = families.get(id);
    if (!f) {
      const ids = families.ids();
      const known = ids.length > 12 ? `${ids.slice(0, 12).join(', ')} and ${ids.length - 12} more (sigmap families lists them)` : ids.join(', ');
      throw ApplicationFailure.nonRetryable(`family: unknown model family '${id}' (known: ${known})`, 'InputError');
    }
    return f;
  };

  /** The learner the final report uses: the training set from the store, round 0 (as every report so far). */
  async function reportLearner(scanId: string, spec: ScanSpec) {
    const f = family(spec.family);
    const pool = spec.mode === 'pool' ? f.pool(spec) : null;
    const rows = trainingSet(spec, await store.listEvaluations(scanId));
    const learner = rows.length >= 2 ? buildLearner(spec, rows, 0) : null;
    return { learner, pool };
  }

  let pythiaEngine: Promise<ShowerEngine> | null = null;
  /** The tfjs shower engine for Pythia events at full fidelity, made on first use. */
  const pythiaShower = () => (pythiaEngine ??= selectBackend().then((b) => new TfShowerEngine(b)));

  const inputError = (field: string, problem: string) => ApplicationFailure.nonRetryable(`${field}: ${problem}`, 'InputError');

  /** The yields `simulate` stored for one search of a simulated point (key input.yieldsKey). */
  async function storedYieldsOf(f: FamilyAdapter, input: LimitInput): Promise<SearchYields> {
    if (!f.limitFromYields) throw inputError('fidelity', `${f.id} is not simulated (it supports ${f.fidelities.join(', ')}), not '${input.fidelity}'`);
    if (!input.yieldsKey) throw inputError('yieldsKey', `is required for fidelity '${input.fidelity}' (the key simulate returned)`);
    const stored = (await store.getYields(input.yieldsKey)) as Record<string, SearchYields> | null;
    if (!stored) throw inputError('yieldsKey', `no stored yields under '${input.yieldsKey}'`);
    const y = stored[input.search];
    if (!y) throw inputError('search', `the yields under '${input.yieldsKey}' have no search '${input.search}' (they have: ${Object.keys(stored).join(', ')})`);
    return y;
  }

  /**
   * Multi-fidelity decision for a surrogate point (@sigmap/surrogate decideFidelity): CLs again with the signal
   * yields shifted by -k and +k ensemble spreads; escalate when the label flips or CLs is within `band` of 0.05.
   */
  function escalationOf(f: FamilyAdapter, input: LimitInput, y: SearchYields): LimitResult['escalate'] {
    if (!input.escalation) return undefined;
    if (input.fidelity !== 'surrogate') throw inputError('escalation', `applies to surrogate points, not '${input.fidelity}'`);
    if (!y.epistemic) throw inputError('escalation', `the surrogate yields of '${input.search}' carry no ensemble spread`);
    const d = decideFidelity(y.yields, y.epistemic, (yields) => f.limitFromYields!(input.point, { ...y, yields }).clsObs, { alpha: CLS_LIMIT, k: input.escalation.k, band: input.escalation.band });
    return { needed: d.fidelity === 'full', reason: d.reason, clsDown: d.clsDown, clsUp: d.clsUp };
  }

  return {
    async startScan(input: StartScanInput): Promise<{ poolSize: number | null; family: string }> {
      try {
        const f = family(input.spec.family);
        f.checkSpec(input.spec);
        for (const s of input.spec.searches) if (!f.searches.includes(s)) throw ApplicationFailure.nonRetryable(`searches: ${f.id} has no search '${s}' (known: ${f.searches.join(', ')})`, 'InputError');
        const pool = input.spec.mode === 'pool' ? f.pool(input.spec) : null;
        if (pool && pool.length === 0) throw ApplicationFailure.nonRetryable('parameters: no published grid point of the family lies in the given ranges', 'InputError');
        await store.createScan(input.scanId, input.spec);
        return { poolSize: pool ? pool.length : null, family: f.describe() };
      } catch (e) {
        return nonRetryable(e);
      }
    },

    /** One round of the @sigmap/scan loop (proposeStep) on the stored evaluations; the GP state is snapshotted. */
    async proposeBatch(input: ProposeBatchInput): Promise<ProposeBatchResult> {
      const { spec } = input;
      const pool = spec.mode === 'pool' ? family(spec.family).pool(spec) : null;
      const evaluations = await store.listEvaluations(input.scanId);
      const step = proposeStep({ spec, evaluations, pending: input.pending, pool, q: input.q, round: input.round });
      const { learner, misclassified } = step;
      await store.putGpSnapshot({ scanId: input.scanId, round: input.round, digest: step.gpDigest, trainingSize: step.rows.length, misclassified, state: learner ? learner.toState() : null });
      return { points: step.points, misclassified, trainingSize: step.rows.length, gpDigest: step.gpDigest, candidatesLeft: step.candidatesLeft, contour: contourOf(spec, learner) };
    },

    /**
     * Signal yields of one point in every search of the scan (full / fast: physics simulatePoint; surrogate: the
     * detector surrogate with its epistemic spread), stored once per (scan, point, fidelity, seed). Heartbeats carry
     * the yields of the finished searches, so a retried attempt resumes after them.
     */
    async simulate(input: SimulateInput): Promise<SimulateResult> {
      const f = family(input.family);
      if (!f.simulate) throw ApplicationFailure.nonRetryable(`fidelity: ${f.id} is not simulated (it supports ${f.fidelities.join(', ')}), not '${input.fidelity}'`, 'InputError');
      const key = pointKey(input.point);
      const ctx = Context.current();
      const beat = ctx.info.heartbeatDetails as { yields?: Record<string, SearchYields>; partial?: { search: string; progress: GeneratorProgress } } | undefined;
      const yields: Record<string, SearchYields> = { ...(beat?.yields ?? {}) };
      const resumed = Object.keys(yields).length;
      // the scan spec names the generator (workflows started before the field existed pass none)
      const generator = input.generator ?? (await store.getScan(input.scanId))?.spec.generator ?? 'builtin';
      const pythia = generator === 'pythia8' && (input.fidelity === 'full' || input.fidelity === 'fast');
      const details: { yields: Record<string, SearchYields>; partial?: { search: string; progress: GeneratorProgress } } = { yields, partial: beat?.partial };
      ctx.heartbeat(details);
      // a full-fidelity search can take minutes: keep the heartbeat going between finished searches
      const ticker = setInterval(() => ctx.heartbeat(details), 5000);
      try {
        for (const search of input.searches) {
          if (yields[search]) continue;
          if (pythia) {
            // Pythia batches heartbeat their progress: a retried attempt resumes at the next batch (same events)
            const resume = details.partial?.search === search ? details.partial.progress : undefined;
            const r = await simulateWithGenerator({
              family: input.family,
              point: input.point,
              search,
              events: input.events,
              seed: input.seed,
              fidelity: input.fidelity as 'full' | 'fast',
              generator: 'pythia8',
              showerEngine: input.fidelity === 'full' ? await pythiaShower() : undefined,
              resume,
              signal: ctx.cancellationSignal,
              onBatch: (_d, _t, progress) => {
                details.partial = { search, progress };
                ctx.heartbeat(details);
              },
            });
            yields[search] = { search, fidelity: input.fidelity, events: r.events, seed: r.seed, crossSectionPb: r.crossSectionPb, effAcc: r.effAcc, observable: r.observable, binEdges: r.binEdges, yields: r.yields, yieldErrors: r.yieldErrors, backend: `${r.backend}, ${r.generator}` };
            details.partial = undefined;
          } else yields[search] = await f.simulate(input.point, search, { fidelity: input.fidelity, events: input.events, seed: input.seed });
          ctx.heartbeat(details);
        }
      } catch (e) {
        return nonRetryable(e);
      } finally {
        clearInterval(ticker);
      }
      const backend = [...new Set(input.searches.map((s) => yields[s].backend))].join(', ');
      deps.log?.(`simulate ${f.id} ${key} (${input.fidelity}, ${generator}, ${input.events} events, backend ${backend}): ${input.searches.length} searches${resumed ? `, ${resumed} resumed from the last heartbeat` : ''}`);
      const stored = Object.fromEntries(input.searches.map((s) => [s, yields[s]]));
      return { yieldsKey: await store.putYields(input.scanId, key, input.fidelity, input.seed, stored), events: input.events, backend };
    },

    async computeLimit(input: LimitInput): Promise<LimitResult> {
      const key = pointKey(input.point);
      const prior = await store.getEvaluation(input.scanId, key, input.search, input.fidelity, input.seed);
      if (prior) {
        const f = family(input.family);
        const escalate = input.escalation ? escalationOf(f, input, await storedYieldsOf(f, input)) : undefined;
        return { pointKey: key, search: input.search, clsObs: prior.clsObs, clsExp: prior.clsExp, region: prior.region, excluded: prior.excluded, cached: true, escalate };
      }
      const f = family(input.family);
      let limit: PointLimit | null = null;
      let escalate: LimitResult['escalate'];
      if (input.fidelity === 'lookup') {
        const cached = f.limitScope ? `${input.search}@${f.limitScope()}` : input.search;
        limit = await store.getLimit(cached, key, 'lookup');
        if (!limit) {
          if (!f.lookupLimit) throw ApplicationFailure.nonRetryable(`fidelity: ${f.id} has no lookup limits`, 'InputError');
          const ctx = Context.current();
          // heartbeat on every finished sub-likelihood (resumable details) and every 2 s in between, so a long
          // sub-step (a pyhf fit in a child process) does not look like a dead worker
          let details: unknown = ctx.info.heartbeatDetails ?? { started: true };
          ctx.heartbeat(details);
          const ticker = setInterval(() => ctx.heartbeat(details), 2000);
          try {
            limit = await f.lookupLimit(input.point, input.search, {
              progress: (d) => {
                details = d;
                ctx.heartbeat(d);
              },
              resumeFrom: ctx.info.heartbeatDetails ?? null,
            });
          } catch (e) {
            return nonRetryable(e);
          } finally {
            clearInterval(ticker);
          }
          await store.putLimit(cached, key, 'lookup', limit);
        }
      } else {
        const y = await storedYieldsOf(f, input);
        Context.current().heartbeat({ search: input.search });
        try {
          limit = f.limitFromYields!(input.point, y);
        } catch (e) {
          return nonRetryable(e);
        }
        escalate = escalationOf(f, input, y);
      }
      const e: EvaluatedPoint = { point: input.point, key, search: input.search, fidelity: input.fidelity, seed: input.seed, clsObs: limit.clsObs, clsExp: limit.clsExp, region: limit.region, excluded: limit.clsObs < CLS_LIMIT };
      await store.putEvaluation(input.scanId, e);
      return { pointKey: key, search: input.search, clsObs: e.clsObs, clsExp: e.clsExp, region: e.region, excluded: e.excluded, cached: false, escalate };
    },

    async recordProgress(p: ScanProgress): Promise<void> {
      await store.putProgress(p);
    },

    async finalizeScan(input: FinalizeScanInput): Promise<ScanReport> {
      const { learner, pool } = await reportLearner(input.scanId, input.spec);
      await store.setScanStatus(input.scanId, input.status);
      const evals = await store.listEvaluations(input.scanId);
      const events = await store.listEvents(input.scanId);
      return {
        scanId: input.scanId,
        spec: input.spec,
        status: input.status,
        parameters: scannedParameters(input.spec),
        evaluations: evals.map((e) => ({ point: e.point, key: e.key, search: e.search, fidelity: e.fidelity, seed: e.seed, clsObs: e.clsObs, clsExp: e.clsExp, region: e.region, excluded: e.excluded })),
        contour: contourOf(input.spec, learner),
        misclassified: misclassifiedEstimate(learner, input.spec, pool),
        rounds: events.filter((e) => e.kind === 'progress').reduce((m, e) => Math.max(m, e.round), 0),
      };
    },

    async aggregateCoverage(input: CoverageWorkflowInput): Promise<CoverageSummary> {
      return store.coverageSummary(input.scanIds);
    },

    /** SurrogateTrainingWorkflow's activity (surrogate-gpu queue): @sigmap/surrogate training, validation, versioning. */
    async trainSurrogate(input: SurrogateTrainingInput): Promise<SurrogateTrainingResult> {
      const evals = (await Promise.all(input.scanIds.map((s) => store.listEvaluations(s)))).flat().filter((e) => e.fidelity === 'full');
      const ctx = Context.current();
      try {
        const r = await trainSurrogateModels({
          family: input.family,
          searches: input.searches,
          evaluations: evals,
          seed: input.seed,
          objects: input.objects,
          events: input.events,
          members: input.members,
          kinds: input.kinds,
          budget: input.budget,
          heartbeat: (d) => ctx.heartbeat(d),
        });
        const skipped = r.skipped.length ? `; skipped ${r.skipped.map((x) => x.object).join(', ')} (too few objects)` : '';
        return { modelKey: r.modelKey, trainedOn: evals.length, note: `trained on the ${r.backend} backend; selected ${r.modelKey}${skipped}` };
      } catch (e) {
        return nonRetryable(e);
      }
    },
  };
}

export type ScanActivities = ReturnType<typeof createScanActivities>;
