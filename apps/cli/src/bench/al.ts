import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '@sigmap/contracts';
import { poissonBinomialPmf, type EstimateCalibration } from '@sigmap/gp';
// The excursion truth functions (@sigmap/peers) and the sbottom pool are the ones the acceptance test (test/al) runs on.
import { gridPoolCsv } from '@sigmap/peers';
import { STOPPING_PATIENCE } from '@sigmap/scan';
import { integerOption, parseCli } from '../args';
import type { CliCommand } from '../command';
import { medianOrNull, readPool, runAlBench, runStrategy, type AlBenchOptions, type AlBenchResult } from '../commands/al-bench';
import { formatTable, writeJsonFile } from '../output';
import { calibratedPassRate, countLawOf, pooledCountCheck, type PooledCountCheck, type StopOutcome } from './stoppingCalibration';

const SBOTTOM_POOL = join(__dirname, '../../../../test/fixtures/sbottom_pool.csv');

interface Case {
  name: string;
  csv: () => string;
  target: string;
  threshold: number;
  logTarget: boolean;
  params?: string[];
  where?: [string, number][];
}

const CASES: Case[] = [
  { name: 'excursion fast_2D, 40x40 grid', csv: () => gridPoolCsv(2, 40), target: 'truth', threshold: 0, logTarget: false },
  { name: 'excursion fast_3D, 15^3 grid', csv: () => gridPoolCsv(3, 15), target: 'truth', threshold: 0, logTarget: false },
  {
    name: 'ATLAS sbottom (m_sbottom, m_chi2) at m_chi1 = 60',
    csv: () => readFileSync(SBOTTOM_POOL, 'utf8'),
    target: 'CLs_obs_best',
    threshold: 0.05,
    logTarget: true,
    params: ['m_sbottom', 'm_chi2'],
    where: [['m_chi1', 60]],
  },
  {
    name: 'ATLAS sbottom, all published points (3D)',
    csv: () => readFileSync(SBOTTOM_POOL, 'utf8'),
    target: 'CLs_obs_best',
    threshold: 0.05,
    logTarget: true,
    params: ['m_sbottom', 'm_chi2', 'm_chi1'],
  },
];

export const bench: CliCommand = {
  summary: 'active learning vs random and grid order: evaluations to 99% label accuracy on the excursion and sbottom pools',
  usage: `usage: sigmap bench al [--seeds 3] [--batch 5] [--stop-seeds 5] [--skip-curves] [--json FILE]
For each pool (excursion fast_2D 40x40 and fast_3D 15^3 truth functions, the ATLAS sbottom CLs_obs pool of
test/fixtures in its m_chi1 = 60 slice and in 3D), runs 'sigmap al-bench' logic with the same GP for three
strategies (al: level-set acquisition with kriging-believer batches; random; grid: refining maximin order) and
reports the median evaluations to 95% and 99% label accuracy over --seeds seeds, as counts and as a fraction of the
pool, and the ratio random/al (--skip-curves leaves this out). Then the stopping estimate when the scan stops against
the true misclassified fraction, on the demo spec's pool and the excursion pools over --stop-seeds seeds, with the
posterior as fitted ('none') and calibrated ('level-loo'; 'level-cv', the scan's default), and with 'level-cv' on
excursion's own test grids (fast_2D 350x350, fast_3D 41^3; about 45 s a seed for the two). Writes
reports/bench/al.json (or --json FILE).`,
  async run(argv) {
    const { values } = parseCli(
      argv,
      { seeds: { type: 'string' }, batch: { type: 'string' }, 'stop-seeds': { type: 'string' }, 'skip-curves': { type: 'boolean' }, json: { type: 'string' } },
      false,
    );
    const seeds = integerOption('seeds', values.seeds, 3);
    const batch = integerOption('batch', values.batch, 5);
    const results: { case: string; result: AlBenchResult }[] = [];
    const rows: (string | number)[][] = [];
    for (const c of values['skip-curves'] ? [] : CASES) {
      const pool = readPool(c.csv(), c.target, c.params, [], c.name, c.where ?? []);
      const n = pool.X.length;
      const o: AlBenchOptions = {
        threshold: c.threshold,
        logTarget: c.logTarget,
        floor: 1e-3,
        batch,
        budget: n,
        seeds,
        strategies: ['al', 'random', 'grid'],
        initial: 5 * pool.params.length,
        levels: [0.95, 0.99],
        acquisition: 'straddle',
        stopWhenReached: true,
        knownLabels: false,
        inFlight: 0,
      };
      process.stderr.write(`${c.name}: ${n} points...\n`);
      const result = runAlBench(pool, o);
      results.push({ case: c.name, result });
      const e = (s: string, l: string) => result.strategies[s].evals_to_accuracy[l];
      const cell = (v: number | null) => (v === null ? 'not reached' : `${v} (${((100 * v) / n).toFixed(1)}%)`);
      const al99 = e('al', '0.99');
      const rnd99 = e('random', '0.99');
      rows.push([c.name, n, cell(e('al', '0.95')), cell(al99), cell(rnd99), cell(e('grid', '0.99')), al99 && rnd99 ? (rnd99 / al99).toFixed(2) : '-']);
    }
    process.stdout.write(formatTable(['pool', 'points', 'al to 95%', 'al to 99%', 'random to 99%', 'grid to 99%', 'random/al at 99%'], rows));
    process.stdout.write(`medians over ${seeds} seeds, batches of ${batch}; accuracy = share of pool points whose label the GP posterior mean gets right\n`);
    const stopping = stoppingEstimates(values['stop-seeds'] ? integerOption('stop-seeds', values['stop-seeds'], 5) : 5);
    const out = values.json ?? 'reports/bench/al.json';
    writeJsonFile(out, { bench: 'al', seeds, batch, acquisition: 'straddle', cases: results, stopping });
    process.stdout.write(`wrote ${out}\n`);
    return 0;
  },
};

interface StopCase extends Case {
  targetFraction: number;
  budget?: number;
  initial: number;
  bounds?: Record<string, [number, number]>;
  floor: number;
  /** The calibrations run (default: all three, on the same trajectories). */
  calibrations?: readonly EstimateCalibration[];
  /**
   * Whether the 'if calibrated' count laws are computed. The joint law factorises the posterior covariance of every
   * pool point with p > 1e-3: 3 142 points at the stop of one 350x350 scan (about a minute per seed), so it is left
   * out on excursion's test grids, whose counts are large enough for the per-seed ratio to speak for itself.
   */
  countLaws?: boolean;
}

/** An excursion truth function on a grid of `per` points per axis as a stop case (target 0.01, 5 initial points per axis). */
function excursionStop(dim: 2 | 3, per: number, name: string, extra: Partial<StopCase> = {}): StopCase {
  return {
    name,
    csv: () => gridPoolCsv(dim, per),
    target: 'truth',
    threshold: 0,
    logTarget: false,
    targetFraction: 0.01,
    initial: 5 * dim,
    floor: 1e-3,
    ...extra,
  };
}

/**
 * The scans whose stopping estimate is checked: the demo spec (examples/sbottom-lookup.yaml), the excursion pools of
 * the curves above (40x40, 15^3), and the same truth functions on excursion's own test grids
 * (../shared/data/excursion/excursion_testcases.json: fast_2D 'test_grid' 350x350, fast_3D 'grid 41^3'). On the
 * coarse pools fast_2D stops with 0-5 of 1 600 points wrong, so a per-seed ratio is mostly count noise; on the test
 * grids a stop leaves 61-299 (fast_2D) and 150-1 040 (fast_3D) points wrong (BENCHMARKS.md).
 */
const STOP_CASES: StopCase[] = [
  // examples/sbottom-lookup.yaml: its pool (published points in its box at m_chi1 = 60), box, target, batch, budget
  {
    name: 'demo: examples/sbottom-lookup.yaml',
    csv: () => readFileSync(SBOTTOM_POOL, 'utf8'),
    target: 'CLs_obs_best',
    threshold: 0.05,
    logTarget: true,
    params: ['m_sbottom', 'm_chi2'],
    where: [['m_chi1', 60]],
    targetFraction: 0.02,
    budget: 45,
    initial: 10,
    bounds: { m_sbottom: [400, 1600], m_chi2: [100, 1600] },
    floor: 1e-8,
  },
  excursionStop(2, 40, 'excursion fast_2D, 40x40 grid'),
  excursionStop(3, 15, 'excursion fast_3D, 15^3 grid'),
  excursionStop(2, 350, "excursion fast_2D, 350x350 (excursion's test grid)", { calibrations: ['level-cv'], countLaws: false }),
  excursionStop(3, 41, "excursion fast_3D, 41^3 (excursion's test grid)", { calibrations: ['level-cv'], countLaws: false }),
];

/** What a perfectly calibrated estimate would give at these stops (stoppingCalibration.ts). */
function ifCalibrated(stops: StopOutcome[]): { pooled: PooledCountCheck; group_pass_rate: number[] } {
  return {
    pooled: pooledCountCheck(stops),
    group_pass_rate: Array.from({ length: Math.ceil(stops.length / 5) }, (_, g) =>
      calibratedPassRate(stops.slice(5 * g, 5 * g + 5), CALIBRATION_BAND, PASS_DRAWS, createRng(17 + g)),
    ),
  };
}

function pooledCell(r: StoppingRow): string {
  const { estimated_count, true_count, ratio } = r.pooled;
  return `${ratio === null ? '-' : ratio.toFixed(2)} (${estimated_count.toFixed(1)}/${true_count})`;
}

type CountLawCheck = NonNullable<StoppingRow['if_calibrated']>['joint'];

/** 'independent/joint', once per 5-seed group when perGroup (else once), '-' where the row has no laws. */
function lawCell(r: StoppingRow, perGroup: boolean, cell: (law: CountLawCheck, g: number) => string): string {
  const laws = r.if_calibrated;
  if (!laws) return '-';
  const groups = perGroup ? laws.joint.group_pass_rate.length : 1;
  return Array.from({ length: groups }, (_, g) => `${cell(laws.independent, g)}/${cell(laws.joint, g)}`).join(' ');
}

/** The acceptance band of issue 17: the stopping estimate within 1.5x of the true fraction (median over seeds). */
const CALIBRATION_BAND = 1.5;

interface StoppingRow {
  case: string;
  /** The learner's estimateCalibration: 'none' (the posterior as fitted), 'level-loo' or 'level-cv' (the scan's default). */
  calibration: EstimateCalibration;
  target_fraction: number;
  /** Points of the pool the estimate and the true fraction are taken over. */
  pool_points: number;
  seeds: number;
  /** ratio = estimate / true_fraction (null where the true fraction is 0 or there is no estimate). */
  per_seed: { seed: number; evals: number; stopped_by_rule: boolean; estimate: number | null; true_fraction: number; ratio: number | null }[];
  median_evals: number | null;
  median_estimate: number | null;
  median_true: number | null;
  /** median over seeds of estimate / true (the per-seed ratio; null where the true fraction is 0). */
  median_ratio: number | null;
  /** median_ratio within [1/1.5, 1.5]. */
  within_band: boolean;
  /** The same median over consecutive groups of 5 seeds (1-5, 6-10, ...): how much a 5-seed median moves. */
  group_median_ratios: (number | null)[];
  /** All seeds with an estimate together: summed expected and true misclassified counts, and their ratio (null where the true sum is 0). */
  pooled: { estimated_count: number; true_count: number; ratio: number | null };
  /**
   * If the estimate were perfectly calibrated, under two laws of the true count: 'independent' (each pool point wrong
   * with its stated probability, independently: Poisson-binomial) and 'joint' (COUNT_DRAWS draws from the joint
   * posterior the estimate reads, which moves correlated labels together). Null where the case leaves the laws out
   * (StopCase.countLaws).
   */
  if_calibrated: null | Record<
    'independent' | 'joint',
    {
      /** All seeds together: summed expected count vs summed true count, and the tails of the summed law there. */
      pooled: PooledCountCheck;
      /** Per group of 5 seeds: the probability that the group's median est/true lands within the band (PASS_DRAWS draws). */
      group_pass_rate: number[];
    }
  >;
}

/** Joint-posterior draws of the count per scan. */
const COUNT_DRAWS = 2000;
/** Draws behind group_pass_rate (its Monte Carlo error is at most 0.5/sqrt(draws) = 0.007). */
const PASS_DRAWS = 5000;

/**
 * The stopping rule's estimate at the moment the scan stops (rule met, or budget spent) vs the true misclassified
 * fraction of the pool (labels of the GP's posterior mean against the pool's values), per seed and as medians.
 */
function stoppingEstimates(nSeeds: number): StoppingRow[] {
  const rows: StoppingRow[] = [];
  for (const c of STOP_CASES) {
    const pool = readPool(c.csv(), c.target, c.params, [], c.name, c.where ?? []);
    const n = pool.X.length;
    if (c.bounds) {
      // the demo spec's box: only the pool points inside it
      const keep = pool.X.map((r) => pool.params.every((p, j) => r[j] >= c.bounds![p][0] && r[j] <= c.bounds![p][1]));
      pool.X = pool.X.filter((_, i) => keep[i]);
      pool.values = pool.values.filter((_, i) => keep[i]);
    }
    const countLaws = c.countLaws ?? true;
    for (const calibration of c.calibrations ?? (['none', 'level-loo', 'level-cv'] as const)) {
      const o: AlBenchOptions = {
        threshold: c.threshold,
        logTarget: c.logTarget,
        floor: c.floor,
        batch: 5,
        budget: c.budget ?? n,
        seeds: nSeeds,
        strategies: ['al'],
        initial: c.initial,
        levels: [0.99],
        acquisition: 'straddle',
        stopWhenReached: false,
        knownLabels: false,
        inFlight: 0,
        targetFraction: c.targetFraction,
        bounds: c.bounds,
        estimateCalibration: calibration,
        countDraws: countLaws ? COUNT_DRAWS : 0,
      };
      process.stderr.write(`stopping estimate (${calibration}), ${c.name}: ${pool.X.length} points, ${nSeeds} seeds...\n`);
      const outcomes: Record<'independent' | 'joint', StopOutcome[]> = { independent: [], joint: [] };
      const per_seed = Array.from({ length: nSeeds }, (_, k) => {
        const r = runStrategy(pool, o, 'al', k + 1);
        const last = r.curve.length - 1;
        const estimate = r.estimates[last];
        const true_fraction = r.trueFractions[last];
        const stop = { estimate, trueCount: Math.round(true_fraction * pool.X.length), poolSize: pool.X.length };
        outcomes.independent.push({ ...stop, countLaw: r.lastProbabilities ? poissonBinomialPmf(r.lastProbabilities) : null });
        outcomes.joint.push({ ...stop, countLaw: r.lastCountDraws ? countLawOf(r.lastCountDraws) : null });
        return {
          seed: k + 1,
          evals: r.curve[last][0],
          stopped_by_rule: r.stopped !== null,
          estimate,
          true_fraction,
          ratio: estimate !== null && true_fraction > 0 ? estimate / true_fraction : null,
        };
      });
      const median_ratio = medianOrNull(per_seed.map((p) => p.ratio));
      const scored = outcomes.joint.filter((s) => s.estimate !== null);
      const estimated_count = scored.reduce((t, s) => t + s.estimate! * s.poolSize, 0);
      const true_count = scored.reduce((t, s) => t + s.trueCount, 0);
      rows.push({
        case: c.name,
        calibration,
        target_fraction: c.targetFraction,
        pool_points: pool.X.length,
        seeds: nSeeds,
        per_seed,
        median_evals: medianOrNull(per_seed.map((p) => p.evals)),
        median_estimate: medianOrNull(per_seed.map((p) => p.estimate)),
        median_true: medianOrNull(per_seed.map((p) => p.true_fraction)),
        median_ratio,
        within_band: median_ratio !== null && median_ratio <= CALIBRATION_BAND && median_ratio >= 1 / CALIBRATION_BAND,
        group_median_ratios: Array.from({ length: Math.ceil(nSeeds / 5) }, (_, g) => medianOrNull(per_seed.slice(5 * g, 5 * g + 5).map((p) => p.ratio))),
        pooled: { estimated_count, true_count, ratio: true_count > 0 ? estimated_count / true_count : null },
        if_calibrated: countLaws
          ? {
              independent: ifCalibrated(outcomes.independent),
              joint: ifCalibrated(outcomes.joint),
            }
          : null,
      });
    }
  }
  const fmt = (v: number | null) => (v === null ? '-' : v.toExponential(2));
  process.stdout.write(
    formatTable(
      [
        'scan (stopping rule)',
        'calibration',
        'target',
        'median evals',
        'stopped by rule',
        'median estimate',
        'median true',
        'median est/true',
        `within ${CALIBRATION_BAND}x`,
        ...(nSeeds > 5 ? ['5-seed group medians'] : []),
        'pass rate if calibrated (indep/joint)',
        'pooled est/true (counts)',
        'P(K<=true) if calibrated (indep/joint)',
        'per-seed est/true',
        'per-seed evals',
      ],
      rows.map((r) => [
        r.case,
        r.calibration,
        r.target_fraction,
        r.median_evals ?? '-',
        `${r.per_seed.filter((p) => p.stopped_by_rule).length}/${r.seeds}`,
        fmt(r.median_estimate),
        fmt(r.median_true),
        r.median_ratio === null ? '-' : r.median_ratio.toFixed(2),
        r.within_band ? 'yes' : 'no',
        ...(nSeeds > 5 ? [r.group_median_ratios.map((m) => (m === null ? '-' : m.toFixed(2))).join(' ')] : []),
        lawCell(r, true, (law, g) => law.group_pass_rate[g].toFixed(2)),
        pooledCell(r),
        lawCell(r, false, (law) => law.pooled.pLower.toPrecision(2)),
        r.per_seed.map((p) => (p.ratio === null ? '-' : p.ratio.toFixed(2))).join(' '),
        r.per_seed.map((p) => p.evals).join(' '),
      ]),
    ),
  );
  process.stdout.write(
    `estimate = expected misclassified fraction of the pool when the scan stops (rule: estimate <= target on ${STOPPING_PATIENCE} consecutive rounds, or budget spent); true = share of pool points the GP posterior mean mislabels then; est/true '-' where the true fraction is 0 (counted as an over-estimate, +inf, in the medians); calibration 'none' = the posterior as fitted, 'level-loo' = its variance times the leave-one-out scale of the training points nearest the threshold, 'level-cv' = the scan's (the fitted or an interpolating nugget, whichever those points' leave-one-out log score prefers, with its own scale); medians over ${nSeeds} seeds\n` +
      `if calibrated: the true count K drawn as the estimate says, with independent labels (Poisson-binomial) or from the joint posterior (${COUNT_DRAWS} draws; correlated labels move together); pass rate = share of ${PASS_DRAWS} draws in which a group of 5 seeds' median est/true lands within ${CALIBRATION_BAND}x (the criterion's noise floor at these counts); pooled = summed expected count / summed true count over all seeds; P(K<=true) of the summed count: small = the estimate over-states, near 1 = it under-states; '-' on excursion's test grids, where the laws are not computed (the joint one would factorise thousands of boundary points per seed)\n`,
  );
  return rows;
}
