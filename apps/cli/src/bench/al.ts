import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// The excursion truth functions and the sbottom pool are the ones the acceptance test (test/al) runs on; the e2e
// project is not a workspace package, so they are imported by path.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { gridPoolCsv } from '../../../../test/al/truth';
import { integerOption, parseCli } from '../args';
import type { CliCommand } from '../command';
import { readPool, runAlBench, type AlBenchOptions, type AlBenchResult } from '../commands/al-bench';
import { formatTable, writeJsonFile } from '../output';

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
  { name: 'ATLAS sbottom (m_sbottom, m_chi2) at m_chi1 = 60', csv: () => readFileSync(SBOTTOM_POOL, 'utf8'), target: 'CLs_obs_best', threshold: 0.05, logTarget: true, params: ['m_sbottom', 'm_chi2'], where: [['m_chi1', 60]] },
  { name: 'ATLAS sbottom, all published points (3D)', csv: () => readFileSync(SBOTTOM_POOL, 'utf8'), target: 'CLs_obs_best', threshold: 0.05, logTarget: true, params: ['m_sbottom', 'm_chi2', 'm_chi1'] },
];

export const bench: CliCommand = {
  summary: 'active learning vs random and grid order: evaluations to 99% label accuracy on the excursion and sbottom pools',
  usage: `usage: sigmap bench al [--seeds 3] [--batch 5] [--json FILE]
For each pool (excursion fast_2D 40x40 and fast_3D 15^3 truth functions, the ATLAS sbottom CLs_obs pool of
test/fixtures in its m_chi1 = 60 slice and in 3D), runs 'sigmap al-bench' logic with the same GP for three
strategies (al: level-set acquisition with kriging-believer batches; random; grid: refining maximin order) and
reports the median evaluations to 95% and 99% label accuracy over --seeds seeds, as counts and as a fraction of the
pool, and the ratio random/al. Writes reports/bench/al.json (or --json FILE).`,
  async run(argv) {
    const { values } = parseCli(argv, { seeds: { type: 'string' }, batch: { type: 'string' }, json: { type: 'string' } }, false);
    const seeds = integerOption('seeds', values.seeds, 3);
    const batch = integerOption('batch', values.batch, 5);
    const results: { case: string; result: AlBenchResult }[] = [];
    const rows: (string | number)[][] = [];
    for (const c of CASES) {
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
        refitEvery: 1,
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
    const out = values.json ?? 'reports/bench/al.json';
    writeJsonFile(out, { bench: 'al', seeds, batch, acquisition: 'straddle', cases: results });
    process.stdout.write(`wrote ${out}\n`);
    return 0;
  },
};
