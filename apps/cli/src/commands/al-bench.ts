import { readFileSync } from 'node:fs';
import { createRng, InputError, pointKey, type EvaluatedPoint, type ModelPoint, type ScanSpec } from '@sigmap/contracts';
import type { ActiveLearner, LearnerConfig } from '@sigmap/gp';
import {
  advanceStopping,
  buildLearner,
  misclassificationProbabilities,
  misclassifiedCountDraws,
  misclassifiedEstimate,
  proposeStep,
  scanConverged,
  trainingSet,
  type LoopOptions,
  type StoppingProgress,
} from '@sigmap/scan';
import { integerOption, numberOption, parseCli } from '../args';
import type { CliCommand } from '../command';
import { formatTable, writeJsonFile } from '../output';

export interface Pool {
  params: string[];
  target: string;
  /** Parameter columns dropped because they hold one value only. */
  constant: string[];
  /** Rows dropped because the target cell is empty (e.g. a point missing from one region). */
  missing: number;
  X: number[][];
  values: number[];
}

/**
 * Reads a pool CSV: a header row, then numeric rows. Parameter columns: --params when given; otherwise every
 * column left of the leftmost value column, the value columns being --target and any named in --values.
 * Parameter columns holding a single value are dropped (they carry no information and have no scale).
 */
export function readPool(text: string, target: string, params?: string[], values: string[] = [], source = 'pool', where: [string, number][] = []): Pool {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  if (lines.length < 2) throw new InputError(source, 'needs a header row and at least one data row');
  const header = lines[0].split(',').map((h) => h.trim());
  const col = (name: string, what: string) => {
    const j = header.indexOf(name);
    if (j < 0) throw new InputError(what, `column '${name}' not in ${source} (columns: ${header.join(', ')})`);
    return j;
  };
  const tj = col(target, '--target');
  const valueCols = [tj, ...values.map((v) => col(v, '--values'))];
  const pj = params ? params.map((p) => col(p, '--params')) : header.map((_, j) => j).filter((j) => j < Math.min(...valueCols));
  if (pj.length === 0) throw new InputError('--params', `no parameter columns left of '${header[Math.min(...valueCols)]}'`);
  if (pj.includes(tj)) throw new InputError('--params', `the target '${target}' cannot be a parameter`);
  const rows = lines.slice(1).map((l, i) => {
    const cells = l.split(',');
    if (cells.length !== header.length) throw new InputError(`${source}:${i + 2}`, `expected ${header.length} cells, got ${cells.length}`);
    return cells.map((c, j) => {
      const x = Number(c);
      if (c.trim() === '' || !Number.isFinite(x)) {
        if (pj.includes(j) || (j === tj && c.trim() !== '')) throw new InputError(`${source}:${i + 2}`, `column '${header[j]}' is not a finite number: '${c}'`);
        return NaN;
      }
      return x;
    });
  });
  for (const [name] of where) col(name, '--where');
  const matching = rows.filter((r) => where.every(([name, v]) => r[header.indexOf(name)] === v));
  const selected = matching.filter((r) => Number.isFinite(r[tj]));
  const missing = matching.length - selected.length;
  if (selected.length === 0) throw new InputError('--where', `no row of ${source} matches ${where.map(([n, v]) => `${n}=${v}`).join(',')}`);
  rows.length = 0;
  rows.push(...selected);
  const keep = pj.filter((j) => new Set(rows.map((r) => r[j])).size > 1);
  const constant = pj.filter((j) => !keep.includes(j)).map((j) => header[j]);
  if (keep.length === 0) throw new InputError('--params', 'every parameter column is constant');
  return { params: keep.map((j) => header[j]), target, constant, missing, X: rows.map((r) => keep.map((j) => r[j])), values: rows.map((r) => r[tj]) };
}

export interface AlBenchOptions {
  threshold: number;
  logTarget: boolean;
  floor: number;
  batch: number;
  budget: number;
  seeds: number;
  strategies: string[];
  initial: number;
  levels: number[];
  acquisition: LearnerConfig['acquisition'];
  /** The scan box per parameter ([min, max]); default: the pool's range. */
  bounds?: Record<string, [number, number]>;
  /** Stop a run once every accuracy level has been reached. */
  stopWhenReached: boolean;
  /** Count evaluated points by their revealed label instead of the model's prediction. */
  knownLabels: boolean;
  /** Batches still running when the next batch is proposed (0 = synchronous rounds). */
  inFlight: number;
  /** al only: stop when the learner's expected misclassified fraction falls below this (the stopping rule). */
  targetFraction?: number;
  /** al only: the stopping estimate's calibration (default: the scan's, 'level-cv'). */
  estimateCalibration?: LearnerConfig['estimateCalibration'];
  /**
   * 'al': the laws of the misclassified count at the final round, for `sigmap bench al`: the per-point probabilities
   * (StrategyRun.lastProbabilities) and this many draws from the joint posterior (StrategyRun.lastCountDraws).
   */
  countDraws?: number;
}

interface StrategyResult {
  evals_to_accuracy: Record<string, number | null>;
  curve: [number, number][];
  per_seed: {
    seed: number;
    evals_to_accuracy: Record<string, number | null>;
    final: [number, number];
    stopped_by_rule?: StopRecord | null;
    /** al: the evaluated point keys, in proposal order. */ evaluated?: string[];
  }[];
  /** Expected misclassified fraction the al learner reported when it first reached each level (al only). */
  estimate_at_levels?: Record<string, number | null>;
}

export interface AlBenchResult {
  pool_size: number;
  params: string[];
  target: string;
  threshold: number;
  batch: number;
  budget: number;
  seeds: number;
  initial: number;
  in_flight: number;
  labels: 'model' | 'known';
  strategies: Record<string, StrategyResult>;
}

/** Greedy maximin ordering in the unit-scaled parameter space, from a start index (a refining "grid"). */
function farthestPointOrder(X: number[][], start: number): number[] {
  const d = X[0].length;
  const lo = Array.from({ length: d }, (_, j) => Math.min(...X.map((r) => r[j])));
  const hi = Array.from({ length: d }, (_, j) => Math.max(...X.map((r) => r[j])));
  const U = X.map((r) => r.map((v, j) => (v - lo[j]) / (hi[j] - lo[j] || 1)));
  const dist = new Float64Array(X.length).fill(Infinity);
  const order: number[] = [];
  const used = new Uint8Array(X.length);
  let cur = start;
  for (let k = 0; k < X.length; k++) {
    order.push(cur);
    used[cur] = 1;
    let best = -1;
    let arg = -1;
    for (let i = 0; i < X.length; i++) {
      if (used[i]) continue;
      let s = 0;
      for (let j = 0; j < d; j++) s += (U[i][j] - U[cur][j]) ** 2;
      if (s < dist[i]) dist[i] = s;
      if (dist[i] > best) {
        best = dist[i];
        arg = i;
      }
    }
    if (arg < 0) break;
    cur = arg;
  }
  return order;
}

/**
 * The pool as a scan: a pool-mode ScanSpec over the pool's parameters (box = `bounds` when given, else the pool's
 * range), one objective (the target column), and the pool's points as the candidates. The 'al' strategy drives the
 * @sigmap/scan loop on it exactly as the ScanWorkflow's activities do; the baselines use the same learner.
 */
function poolScan(pool: Pool, o: AlBenchOptions, seed: number): { spec: ScanSpec; points: ModelPoint[]; options: LoopOptions } {
  const parameters: ScanSpec['parameters'] = {};
  pool.params.forEach((p, j) => {
    const b = o.bounds?.[p];
    parameters[p] = { min: b ? b[0] : Math.min(...pool.X.map((r) => r[j])), max: b ? b[1] : Math.max(...pool.X.map((r) => r[j])), scale: 'linear' };
  });
  const spec: ScanSpec = {
    name: 'al-bench',
    family: 'al-bench-pool',
    parameters,
    searches: [pool.target],
    fidelity: { default: 'lookup', events: 0 },
    mode: 'pool',
    batchSize: o.batch,
    budget: o.budget,
    target: o.targetFraction ?? 0,
    initialPoints: o.initial,
    roundsPerRun: Number.MAX_SAFE_INTEGER,
    inFlightBatches: o.inFlight + 1,
    seed,
  };
  const points = pool.X.map((r) => Object.fromEntries(pool.params.map((p, j) => [p, r[j]])) as ModelPoint);
  const options: LoopOptions = {
    objectives: [{ name: pool.target, threshold: o.threshold, transform: o.logTarget ? 'log' : 'identity', floor: o.floor }],
    acquisition: o.acquisition,
    ...(o.estimateCalibration ? { estimateCalibration: o.estimateCalibration } : {}),
  };
  return { spec, points, options };
}

/** What a stopped run reports: evaluations, the stopping estimate and the true accuracy / misclassified fraction then. */
interface StopRecord {
  evals: number;
  estimate: number;
  accuracy: number;
  /** True misclassified fraction of the pool (1 - accuracy with model labels) at the stop. */
  true_fraction: number;
}

/**
 * One run of one strategy on one seed: the accuracy after each batch returns (from the learner the next proposal
 * is made with). 'al' is the scan loop (@sigmap/scan proposeStep: seeded initial design in batches, then level-set
 * batches with the in-flight points pending, the stopping rule of the ScanWorkflow); 'random' and 'grid' reveal the
 * pool in their own order and are measured with the same learner.
 */
export function runStrategy(pool: Pool, o: AlBenchOptions, strategy: string, seed: number): StrategyRun {
  const N = pool.X.length;
  const truth = pool.values.map((v) => v < o.threshold);
  const { spec, points, options } = poolScan(pool, o, seed);
  const indexOf = new Map(points.map((p, i) => [pointKey(p), i]));
  const evals: EvaluatedPoint[] = [];
  const evaluated: string[] = [];
  const curve: [number, number][] = [];
  const estimates: (number | null)[] = [];
  const trueFractions: number[] = [];
  let stopped: StopRecord | null = null;
  const reveal = (batch: ModelPoint[]) => {
    for (const p of batch) {
      const key = pointKey(p);
      const v = pool.values[indexOf.get(key)!];
      evaluated.push(key);
      evals.push({ point: p, key, search: pool.target, fidelity: 'lookup', seed, clsObs: v, clsExp: [v, v, v, v, v], region: null, excluded: v < o.threshold });
    }
  };
  let measuredAt = -1;
  let acc = 0;
  /** Accuracy of the learner fitted to the evaluations so far (model labels, or revealed labels with --known-labels). */
  let lastLearner: ActiveLearner | null = null;
  const measure = (learner: ActiveLearner | null, estimate: number | null) => {
    if (!learner || evals.length === measuredAt) return;
    measuredAt = evals.length;
    lastLearner = learner;
    const labels = learner.classify(pool.X);
    const revealed = new Set(evaluated.map((k) => indexOf.get(k)!));
    let ok = 0;
    let okModel = 0;
    for (let i = 0; i < N; i++) {
      if ((o.knownLabels && revealed.has(i) ? truth[i] : labels[i][0]) === truth[i]) ok++;
      if (labels[i][0] === truth[i]) okModel++;
    }
    acc = ok / N;
    curve.push([evals.length, acc]);
    estimates.push(estimate);
    trueFractions.push(1 - okModel / N);
  };
  const top = Math.max(...o.levels);
  const budget = Math.min(o.budget, N);
  if (strategy === 'al') {
    // the ScanWorkflow's loop: batches in flight (FIFO), each new one proposed with the others' points pending
    const running: ModelPoint[][] = [];
    let returned = 0;
    const pendingCount = () => running.reduce((s, b) => s + b.length, 0);
    let progress: StoppingProgress | undefined;
    for (;;) {
      if (running.length === 0 && evals.length >= budget) break;
      let finished = false;
      while (running.length < o.inFlight + 1 && evals.length + pendingCount() < budget) {
        const q = Math.min(o.batch, budget - evals.length - pendingCount());
        const step = proposeStep({ spec, evaluations: evals, pending: running.flat(), pool: points, q, round: returned + running.length, options });
        measure(step.learner, step.misclassified);
        progress = advanceStopping(progress, step.misclassified, step.gpDigest, spec.target);
        if (o.stopWhenReached && curve.length && acc >= top) finished = true;
        else if (scanConverged(spec, progress, evals.length)) {
          stopped = { evals: evals.length, estimate: step.misclassified!, accuracy: acc, true_fraction: trueFractions[trueFractions.length - 1] };
          finished = true;
        } else if (step.points.length === 0) finished = true;
        if (finished) break;
        running.push(step.points);
      }
      if (finished || running.length === 0) break;
      reveal(running.shift()!);
      returned++;
    }
    if (!measuredAtEnd(curve, evals.length)) {
      const rows = trainingSet(spec, evals);
      const learner = rows.length >= 2 ? buildLearner(spec, rows, returned, options) : null;
      measure(learner, misclassifiedEstimate(learner, spec, points));
    }
    const lastProbabilities = o.countDraws ? misclassificationProbabilities(lastLearner, spec, points) : null;
    const lastCountDraws = o.countDraws ? misclassifiedCountDraws(lastLearner, spec, points, o.countDraws, seed) : null;
    return { curve, estimates, trueFractions, stopped, evaluated, lastProbabilities, lastCountDraws };
  }
  const rng = createRng(seed);
  let order: number[];
  if (strategy === 'random') {
    order = Array.from({ length: N }, (_, i) => i);
    for (let i = N - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
  } else if (strategy === 'grid') {
    // the refining grid does not depend on the seed: start at the pool point nearest the centre
    const d = pool.params.length;
    const c = Array.from({ length: d }, (_, j) => pool.X.reduce((s, r) => s + r[j], 0) / N);
    let start = 0;
    let bd = Infinity;
    pool.X.forEach((r, i) => {
      const s = r.reduce((t, v, j) => t + (v - c[j]) ** 2, 0);
      if (s < bd) {
        bd = s;
        start = i;
      }
    });
    order = farthestPointOrder(pool.X, start);
  } else throw new InputError('--strategies', `unknown strategy '${strategy}' (known: al, random, grid)`);
  let cursor = 0;
  let round = 0;
  while (evals.length < budget) {
    const q = cursor === 0 ? Math.max(o.initial, 2) : o.batch;
    reveal(order.slice(cursor, Math.min(cursor + q, budget)).map((i) => points[i]));
    cursor = evals.length;
    const rows = trainingSet(spec, evals);
    const learner = buildLearner(spec, rows, round++, options);
    measure(learner, misclassifiedEstimate(learner, spec, points));
    if (o.stopWhenReached && acc >= top) break;
  }
  return { curve, estimates, trueFractions, stopped, evaluated, lastProbabilities: null, lastCountDraws: null };
}

export interface StrategyRun {
  /** [evaluations, accuracy] after each measured round. */
  curve: [number, number][];
  /** The stopping estimate per measured round (null before it is defined). */
  estimates: (number | null)[];
  /** The true misclassified fraction per measured round. */
  trueFractions: number[];
  stopped: StopRecord | null;
  evaluated: string[];
  /** 'al' with o.countDraws: per pool point, the probability behind the last round's estimate. */
  lastProbabilities: Float64Array | null;
  /** 'al' with o.countDraws: draws of the misclassified count from the last round's joint posterior. */
  lastCountDraws: Int32Array | null;
}

/** True when the curve already holds a measurement at n evaluations. */
function measuredAtEnd(curve: [number, number][], n: number): boolean {
  return curve.length > 0 && curve[curve.length - 1][0] === n;
}

function evalsTo(curve: [number, number][], level: number): number | null {
  for (const [n, a] of curve) if (a >= level) return n;
  return null;
}

/** Median with null as +infinity (null when the median run never reached the level). */
export function medianOrNull(xs: (number | null)[]): number | null {
  const v = xs.map((x) => (x === null ? Infinity : x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  return Number.isFinite(mid) ? mid : null;
}

export function runAlBench(pool: Pool, o: AlBenchOptions, log?: (s: string) => void): AlBenchResult {
  const strategies: Record<string, StrategyResult> = {};
  for (const s of o.strategies) {
    const runs = Array.from({ length: o.seeds }, (_, k) => ({ seed: k + 1, ...runStrategy(pool, o, s, k + 1) }));
    const key = (l: number) => String(l);
    const per_seed = runs.map((r) => ({
      seed: r.seed,
      evals_to_accuracy: Object.fromEntries(o.levels.map((l) => [key(l), evalsTo(r.curve, l)])),
      final: r.curve[r.curve.length - 1],
      ...(s === 'al' && o.targetFraction !== undefined ? { stopped_by_rule: r.stopped } : {}),
      ...(s === 'al' ? { evaluated: r.evaluated } : {}),
    }));
    const evals_to_accuracy = Object.fromEntries(o.levels.map((l) => [key(l), medianOrNull(per_seed.map((p) => p.evals_to_accuracy[key(l)]))]));
    const allN = [...new Set(runs.flatMap((r) => r.curve.map((c) => c[0])))].sort((a, b) => a - b);
    const curve: [number, number][] = [];
    for (const n of allN) {
      const accs = runs.map((r) => r.curve.find((c) => c[0] === n)?.[1]).filter((a): a is number => a !== undefined);
      if (accs.length === runs.length) curve.push([n, medianOrNull(accs)!]);
    }
    const res: StrategyResult = { evals_to_accuracy, curve, per_seed };
    if (s === 'al') {
      res.estimate_at_levels = Object.fromEntries(
        o.levels.map((l) => {
          const at = runs.map((r) => {
            const i = r.curve.findIndex((c) => c[1] >= l);
            return i >= 0 ? r.estimates[i] : null;
          });
          return [key(l), medianOrNull(at)];
        }),
      );
    }
    strategies[s] = res;
    log?.(`${s}: ${o.levels.map((l) => `${l} -> ${evals_to_accuracy[key(l)] ?? 'not reached'}`).join(', ')}\n`);
  }
  return {
    pool_size: pool.X.length,
    params: pool.params,
    target: pool.target,
    threshold: o.threshold,
    batch: o.batch,
    budget: o.budget,
    seeds: o.seeds,
    initial: o.initial,
    in_flight: o.inFlight,
    labels: o.knownLabels ? 'known' : 'model',
    strategies,
  };
}

/** --bounds m_sbottom=400:1600,m_chi2=100:1600 */
function parseBounds(text: string | undefined): Record<string, [number, number]> | undefined {
  if (!text) return undefined;
  const out: Record<string, [number, number]> = {};
  for (const part of text
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const m = /^([^=]+)=([^:]+):(.+)$/.exec(part);
    const lo = m ? Number(m[2]) : NaN;
    const hi = m ? Number(m[3]) : NaN;
    if (!m || !Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) throw new InputError('--bounds', `expected name=lo:hi with lo < hi, got '${part}'`);
    out[m[1]] = [lo, hi];
  }
  return out;
}

const usage = `usage: sigmap al-bench --pool POOL.csv --target COLUMN --threshold T [options]
Active learning of the level set {target < T} on a pool of points, against random and grid order.
The values are hidden; a strategy reveals one only when it asks for that point. After the initial design and
after every batch, the accuracy is the fraction of pool points whose label (value < T) the GP's posterior mean
gets right. All strategies use the same GP (Matern 5/2, ARD, refitted each batch as a scan does); only the choice
of points differs:
  al      the scan loop of the ScanWorkflow (@sigmap/scan): a seeded random initial design drawn in batches, then
          batches by the level-set acquisition (kriging believer), stopping rule as in a scan
  random  seeded random order
  grid    a refining grid: greedy maximin order from the pool point nearest the centre (seed-independent)
Rows whose target cell is empty are dropped (counted in the output).
Columns: parameters are --params a,b when given, otherwise every column left of the leftmost value column
(--target and any columns named in --values); constant parameter columns are dropped.
options:
  --pool FILE          CSV with a header row
  --target COLUMN      the value column whose level set is learned
  --threshold T        excluded when value < T (default 0.05)
  --log-target         the GP models log(value) (for CLs, mu_up)
  --floor F            with --log-target, values are floored at F before the log (default 1e-3)
  --params a,b         parameter columns (default: see above)
  --where c=v,...      keep only rows whose column c equals v (e.g. a 2D slice of a 3D grid)
  --values c,d         other value columns (for the default parameter rule)
  --batch Q            points per batch (default 5)
  --budget N           evaluations per run (default: 50% of the pool, at least 2 batches)
  --seeds S            runs per strategy; medians are reported (default 5)
  --strategies LIST    default al,random,grid
  --initial N0         initial design size (default 5 x number of parameters)
  --acquisition A      straddle | misclassification | entropy | lookahead (default straddle)
  --bounds p=lo:hi,..  the scan box of a parameter (default: the pool's range); the GP's unit cube spans it
  --levels L           accuracy levels (default 0.95,0.99)
  --known-labels       evaluated points count with their revealed label (default: every point is labelled by
                       the model's posterior mean, evaluated or not)
  --in-flight K        asynchronous: K batches are still running when the next one is proposed (al treats
                       their points as pending: kriging believer); default 0 (synchronous rounds)
  --target-fraction F  al stops by the scan's stopping rule: its expected misclassified fraction <= F on 3
                       consecutive rounds (null, never <= F, until the evaluated points bracket the threshold); the
                       evaluations, the estimate, the true accuracy and misclassified fraction then are reported
  --stop-when-reached  end a run once every level is reached (saves time; the curve then ends there)
  --json FILE          write the result as JSON
`;

export const command: CliCommand = {
  summary: 'active-learning benchmark on a pool: evaluations to 95%/99% label accuracy (al vs random vs grid)',
  usage,
  async run(argv) {
    const { values: a } = parseCli(
      argv,
      {
        pool: { type: 'string' },
        target: { type: 'string' },
        threshold: { type: 'string' },
        'log-target': { type: 'boolean' },
        params: { type: 'string' },
        floor: { type: 'string' },
        where: { type: 'string' },
        values: { type: 'string' },
        batch: { type: 'string' },
        budget: { type: 'string' },
        seeds: { type: 'string' },
        strategies: { type: 'string' },
        initial: { type: 'string' },
        acquisition: { type: 'string' },
        bounds: { type: 'string' },
        levels: { type: 'string' },
        'stop-when-reached': { type: 'boolean' },
        'known-labels': { type: 'boolean' },
        'in-flight': { type: 'string' },
        'target-fraction': { type: 'string' },
        json: { type: 'string' },
      },
      false,
    );
    if (!a.pool) throw new InputError('--pool', 'required (a CSV file)');
    if (!a.target) throw new InputError('--target', 'required (a value column of the pool)');
    let text: string;
    try {
      text = readFileSync(a.pool, 'utf8');
    } catch (e) {
      throw new InputError('--pool', `cannot read '${a.pool}': ${(e as Error).message}`);
    }
    const list = (s: string | undefined) =>
      s
        ? s
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean)
        : undefined;
    const where = (list(a.where) ?? []).map((w): [string, number] => {
      const m = /^([^=]+)=(.+)$/.exec(w);
      const v = m ? Number(m[2]) : NaN;
      if (!m || !Number.isFinite(v)) throw new InputError('--where', `expected column=number, got '${w}'`);
      return [m[1], v];
    });
    const pool = readPool(text, a.target, list(a.params), list(a.values) ?? [], a.pool, where);
    const threshold = numberOption('threshold', a.threshold, 0.05);
    const logTarget = a['log-target'] ?? false;
    if (logTarget && pool.values.some((v) => !(v > 0))) throw new InputError('--log-target', `'${pool.target}' has values <= 0`);
    const batch = integerOption('batch', a.batch, 5);
    const N = pool.X.length;
    const initial = Math.min(N, integerOption('initial', a.initial, 5 * pool.params.length));
    const budget = Math.min(N, integerOption('budget', a.budget, Math.max(Math.ceil(N / 2), initial + 2 * batch)));
    const acq = a.acquisition ?? 'straddle';
    if (!['straddle', 'misclassification', 'entropy', 'lookahead'].includes(acq)) throw new InputError('--acquisition', `unknown '${acq}'`);
    const levels = (list(a.levels) ?? ['0.95', '0.99']).map((l) => numberOption('levels', l, 0, (x) => x > 0 && x <= 1, 'a level in (0, 1]'));
    const o: AlBenchOptions = {
      threshold,
      logTarget,
      floor: numberOption('floor', a.floor, 1e-3, (x) => x > 0, 'a positive number'),
      batch,
      budget,
      seeds: integerOption('seeds', a.seeds, 5),
      strategies: list(a.strategies) ?? ['al', 'random', 'grid'],
      initial,
      levels,
      acquisition: acq as AlBenchOptions['acquisition'],
      bounds: parseBounds(a.bounds),
      stopWhenReached: a['stop-when-reached'] ?? false,
      knownLabels: a['known-labels'] ?? false,
      inFlight: integerOption('in-flight', a['in-flight'], 0, 0),
      targetFraction:
        a['target-fraction'] === undefined
          ? undefined
          : numberOption('target-fraction', a['target-fraction'], 0, (x) => x > 0 && x < 1, 'a fraction in (0, 1)'),
    };
    for (const s of o.strategies)
      if (!['al', 'random', 'grid'].includes(s)) throw new InputError('--strategies', `unknown strategy '${s}' (known: al, random, grid)`);
    process.stdout.write(
      `pool ${a.pool}: ${N} points, parameters ${pool.params.join(', ')}${pool.constant.length ? ` (constant, dropped: ${pool.constant.join(', ')})` : ''}${pool.missing ? `; ${pool.missing} rows without a ${pool.target} value dropped` : ''}; ` +
        `target ${pool.target} < ${threshold}${logTarget ? ' (log)' : ''}; batch ${batch}, budget ${budget}, ${o.seeds} seeds, initial ${initial}\n`,
    );
    const result = runAlBench(pool, o, (s) => process.stdout.write(s));
    const header = [
      'strategy',
      ...levels.flatMap((l) => [`evals to ${l}`, `% of pool`]),
      'last evals',
      'last accuracy',
      'per-seed evals to ' + Math.max(...levels),
    ];
    const rows = o.strategies.map((s) => {
      const r = result.strategies[s];
      const fin = r.per_seed.map((p) => p.final);
      return [
        s,
        ...levels.flatMap((l) => {
          const v = r.evals_to_accuracy[String(l)];
          return v === null ? ['-', '-'] : [v, `${((100 * v) / N).toFixed(1)}%`];
        }),
        medianOrNull(fin.map((f) => f[0])) ?? '-',
        medianOrNull(fin.map((f) => f[1])) ?? '-',
        r.per_seed.map((p) => p.evals_to_accuracy[String(Math.max(...levels))] ?? '-').join(' '),
      ];
    });
    process.stdout.write(formatTable(header, rows));
    const al = result.strategies.al;
    if (al && o.targetFraction !== undefined) {
      for (const p of al.per_seed) {
        const st = p.stopped_by_rule;
        process.stdout.write(
          st
            ? `al seed ${p.seed}: stopping rule (expected misclassified fraction ${st.estimate.toExponential(2)} <= ${o.targetFraction}, 3 rounds running) at ${st.evals} evaluations; true accuracy ${st.accuracy.toFixed(4)}\n`
            : `al seed ${p.seed}: stopping rule not triggered within the budget\n`,
        );
      }
    }
    process.stdout.write(
      `medians over ${o.seeds} seeds (a level never reached within the budget counts as infinite); 'last' = median of each run's final point\n`,
    );
    if (a.json) writeJsonFile(a.json, result);
    return 0;
  },
};
