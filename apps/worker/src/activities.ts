import { Context, ApplicationFailure } from '@temporalio/activity';
import {
  createRng,
  isInputError,
  pointKey,
  scannedParameters,
  type ContourLine,
  type CoverageSummary,
  type CoverageWorkflowInput,
  type EvaluatedPoint,
  type Fidelity,
  type FinalizeScanInput,
  type LimitInput,
  type LimitResult,
  type ModelPoint,
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
import { createActiveLearner, type ActiveLearner, type LearnerConfig } from '@sigmap/gp';
import type { Store } from '@sigmap/store';
import { TfShowerEngine, decideFidelity, selectBackend, trainSurrogate as trainSurrogateModels } from '@sigmap/surrogate';
import { type GeneratorProgress, simulateWithGenerator } from '@sigmap/generators';
import type { ShowerEngine } from '@sigmap/physics';
import { marchingSquares } from '@sigmap/workflows';
import { FamilyRegistry, type FamilyAdapter, type PointLimit, type SearchYields } from './families';

export interface ScanActivityDeps {
  store: Store;
  families: FamilyRegistry;
  /** Optional log sink (the CLI keeps quiet; the worker logs). */
  log?: (line: string) => void;
}

/** CLs below this excludes a point at 95% CL. */
export const CLS_LIMIT = 0.05;
/** CLs values are floored here before the GP's log transform (deep inside the excluded region CLs reaches 1e-20). */
export const CLS_FLOOR = 1e-8;

export function fromUnit(spec: ScanSpec, u: number[]): ModelPoint {
  const scanned = scannedParameters(spec);
  const out: ModelPoint = {};
  for (const [n, p] of Object.entries(spec.parameters)) {
    if (p.fixed !== undefined) {
      out[n] = p.fixed;
      continue;
    }
    const t = u[scanned.indexOf(n)];
    const v = p.scale === 'log' ? Math.exp(Math.log(p.min) + t * (Math.log(p.max) - Math.log(p.min))) : p.min + t * (p.max - p.min);
    out[n] = Number(v.toPrecision(6));
  }
  return out;
}

export interface TrainingRow {
  key: string;
  point: ModelPoint;
  /** CLs_obs per search, in spec.searches order. */
  cls: number[];
}

/** Which evaluation of a (point, search) the GP learns when a multi-fidelity scan has several: the most faithful. */
export const FIDELITY_RANK: Record<Fidelity, number> = { lookup: 3, full: 3, fast: 2, surrogate: 1 };

/**
 * One row per point evaluated for every search, sorted by point key (fits do not depend on completion order). Where a
 * point was evaluated at several fidelities (escalated surrogate points), the most faithful evaluation counts.
 */
export function trainingSet(spec: ScanSpec, evals: EvaluatedPoint[]): TrainingRow[] {
  const byKey = new Map<string, { point: ModelPoint; cls: Map<string, { cls: number; rank: number }> }>();
  for (const e of evals) {
    const cur = byKey.get(e.key) ?? { point: e.point, cls: new Map<string, { cls: number; rank: number }>() };
    const rank = FIDELITY_RANK[e.fidelity];
    const had = cur.cls.get(e.search);
    if (!had || rank > had.rank) cur.cls.set(e.search, { cls: e.clsObs, rank });
    byKey.set(e.key, cur);
  }
  return [...byKey.entries()]
    .filter(([, v]) => spec.searches.every((s) => v.cls.has(s)))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, v]) => ({ key, point: v.point, cls: spec.searches.map((s) => v.cls.get(s)!.cls) }));
}

/** Order-independent digest of a training set (FNV-1a over sorted "key=cls,..." lines). */
export function trainingDigest(rows: TrainingRow[]): string {
  const text = rows
    .map((r) => `${r.key}=${r.cls.map((c) => c.toPrecision(12)).join(',')}`)
    .sort()
    .join(';');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `${rows.length}:${h.toString(16).padStart(8, '0')}`;
}

/**
 * The @sigmap/gp active learner for a scan, rebuilt from the stored evaluations: one objective per search
 * (CLs_obs, threshold 0.05, log transform); a point is excluded when any search excludes it.
 */
export function buildLearner(spec: ScanSpec, rows: TrainingRow[], round: number): ActiveLearner {
  const names = scannedParameters(spec);
  const config: LearnerConfig = {
    axes: names.map((n) => ({ name: n, lower: spec.parameters[n].min, upper: spec.parameters[n].max, scale: spec.parameters[n].scale })),
    objectives: spec.searches.map((s) => ({ name: s, threshold: CLS_LIMIT, transform: 'log' as const })),
    // a fresh learner per round (rebuilt from the store): the round enters its seed, so continuous-mode
    // candidate draws differ between rounds yet are reproducible
    seed: spec.seed * 100_003 + round,
  };
  const learner = createActiveLearner(config);
  if (rows.length)
    learner.observe(
      rows.map((r) => names.map((n) => r.point[n])),
      rows.map((r) => r.cls.map((c) => Math.max(c, CLS_FLOOR))),
    );
  return learner;
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

  async function learnerFor(scanId: string, spec: ScanSpec, round: number) {
    const f = family(spec.family);
    const pool = spec.mode === 'pool' ? f.pool(spec) : null;
    const rows = trainingSet(spec, await store.listEvaluations(scanId));
    const learner = rows.length >= 2 ? buildLearner(spec, rows, round) : null;
    return { learner, rows, pool };
  }

  const scannedOf = (spec: ScanSpec, p: ModelPoint) => scannedParameters(spec).map((n) => p[n]);

  /** Expected misclassified fraction over the pool (pool mode) or a seeded uniform sample of the box. */
  function misclassified(learner: ActiveLearner | null, spec: ScanSpec, pool: ModelPoint[] | null): number | null {
    if (!learner) return null;
    return learner.estimateMisclassifiedFraction(pool ? pool.map((p) => scannedOf(spec, p)) : undefined).fraction;
  }

  /** Zero level of min_o (posterior mean_o - threshold_o) (excluded by any search) on a 41x41 grid, marching squares. */
  function contourOf(spec: ScanSpec, learner: ActiveLearner | null): ContourLine[] {
    if (!learner) return [];
    const dim = scannedParameters(spec).length;
    const m = dim === 2 ? 41 : 401;
    const axis = Array.from({ length: m }, (_, i) => i / (m - 1));
    const grid = dim === 2 ? axis.flatMap((x) => axis.map((y) => [x, y])) : axis.map((x) => [x]);
    if (dim > 2) return [];
    const phys = grid.map((u) => scannedOf(spec, fromUnit(spec, u)));
    const preds = learner.predict(phys);
    const level = phys.map((_, a) => Math.min(...preds.map((p) => p.mean[a] - p.threshold)));
    if (dim === 2) {
      const values = axis.map((_, i) => axis.map((__, j) => level[i * m + j]));
      return marchingSquares(axis, axis, values, 0).map((line) => ({ points: line.map((u) => scannedOf(spec, fromUnit(spec, u))) }));
    }
    const pts: number[][] = [];
    for (let i = 0; i + 1 < m; i++)
      if (level[i] < 0 !== level[i + 1] < 0) pts.push(scannedOf(spec, fromUnit(spec, [axis[i] + (-level[i] / (level[i + 1] - level[i])) * (axis[i + 1] - axis[i])])));
    return pts.map((p) => ({ points: [p] }));
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

    async proposeBatch(input: ProposeBatchInput): Promise<ProposeBatchResult> {
      const { spec } = input;
      const { learner, rows, pool } = await learnerFor(input.scanId, spec, input.round);
      // a batch still counted as in flight may have part of its points evaluated already: those are observations,
      // not pending points (counting them twice would shrink the initial design and fantasise known values)
      const observed = new Set(rows.map((r) => r.key));
      const inFlight = input.pending.filter((p) => !observed.has(pointKey(p)));
      const taken = new Set([...observed, ...inFlight.map(pointKey)]);
      const candidates = pool ? pool.filter((p) => !taken.has(pointKey(p))) : null;
      const gpDigest = trainingDigest(rows);
      let points: ModelPoint[];
      if (!learner || rows.length + inFlight.length < spec.initialPoints) {
        // Space-filling start, seeded: a random draw from the pool / uniform in the unit box.
        const rng = createRng(spec.seed).fork(7919 + input.round);
        const want = Math.min(input.q, Math.max(1, spec.initialPoints - rows.length - inFlight.length));
        if (candidates) {
          const idx = candidates.map((_, i) => i);
          for (let i = idx.length - 1; i > 0; i--) {
            const j = Math.floor(rng.uniform() * (i + 1));
            [idx[i], idx[j]] = [idx[j], idx[i]];
          }
          points = idx.slice(0, want).map((i) => candidates[i]);
        } else {
          const dim = scannedParameters(spec).length;
          points = Array.from({ length: want }, () => fromUnit(spec, Array.from({ length: dim }, () => rng.uniform())));
        }
      } else {
        const pending = inFlight.map((p) => scannedOf(spec, p));
        if (candidates) {
          const r = learner.proposeBatch(input.q, pending, { candidates: candidates.map((p) => scannedOf(spec, p)) });
          points = r.indices.map((i) => candidates[i]);
        } else {
          const r = learner.proposeBatch(input.q, pending);
          const names = scannedParameters(spec);
          points = r.points.map((x) => {
            const pt: ModelPoint = {};
            for (const [n, pr] of Object.entries(spec.parameters)) pt[n] = pr.fixed ?? Number(x[names.indexOf(n)].toPrecision(6));
            return pt;
          });
        }
      }
      const mis = misclassified(learner, spec, pool);
      await store.putGpSnapshot({ scanId: input.scanId, round: input.round, digest: gpDigest, trainingSize: rows.length, misclassified: mis, state: learner ? learner.toState() : null });
      return { points, misclassified: mis, trainingSize: rows.length, gpDigest, candidatesLeft: candidates ? candidates.length - points.length : -1, contour: contourOf(spec, learner) };
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
        limit = await store.getLimit(input.search, key, 'lookup');
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
          await store.putLimit(input.search, key, 'lookup', limit);
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
      const { learner, pool } = await learnerFor(input.scanId, input.spec, 0);
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
        misclassified: misclassified(learner, input.spec, pool),
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
