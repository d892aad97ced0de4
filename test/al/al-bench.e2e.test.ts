/**
 * al-bench acceptance on pools, through the real command path (`sigmap al-bench` -> CSV -> learner -> JSON):
 *  - excursion fast_2D and fast_3D truth functions (diana-hep/excursion, formulas in
 *    ../shared/data/excursion/excursion_testcases.json) on regular grids, generated here in code;
 *  - the ATLAS SUSY-2018-31 sbottom pool (test/fixtures/sbottom_pool.csv, CLs_obs computed with libs/stats by
 *    test/fixtures/make-sbottom-pool.ts), the (m_sbottom, m_chi2) plane at m_chi1 = 60 GeV.
 * Seeds are reduced to 3 to keep the file near a minute; the full tables are in the report.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gridPoolCsv } from '@sigmap/peers';

const REPO = join(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'sigmap-al-'));

/** The JSON that al-bench writes (the fields this test reads). */
interface AlBenchResult {
  pool_size: number;
  params: string[];
  strategies: Record<string, { evals_to_accuracy: Record<string, number | null>; curve: [number, number][] }>;
}

// generous limits: a shared 2-core machine under load took 96 s for one fast_3D run (about 40 s idle)
let runs = 0;
function bench(args: string[]): AlBenchResult {
  const out = join(dir, `r${runs++}.json`);
  const r = spawnSync(process.execPath, [join(REPO, 'apps/cli/bin/sigmap.js'), 'al-bench', ...args, '--json', out], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 280_000,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/strategy\s+evals to 0.95/);
  return JSON.parse(readFileSync(out, 'utf8')) as AlBenchResult;
}

const e99 = (r: AlBenchResult, s: string) => r.strategies[s].evals_to_accuracy['0.99'];

describe('al-bench on the excursion truth functions (threshold 0, batch 5, 3 seeds)', () => {
  it('fast_2D, 40x40 pool: al reaches 99% with <= 10% of the pool and >= 2x fewer evaluations than random and grid', () => {
    const pool = join(dir, 'fast2d.csv');
    writeFileSync(pool, gridPoolCsv(2, 40));
    const r = bench(['--pool', pool, '--target', 'truth', '--threshold', '0', '--seeds', '3', '--budget', '400', '--stop-when-reached']);
    expect(r.pool_size).toBe(1600);
    expect(r.params).toEqual(['x', 'y']);
    const al = e99(r, 'al');
    expect(al).not.toBeNull();
    expect(al!).toBeLessThanOrEqual(160);
    for (const s of ['random', 'grid']) expect(e99(r, s) ?? Infinity).toBeGreaterThanOrEqual(2 * al!);
    // the curve is monotone in evaluations and ends at or above 0.99 for al
    const c = r.strategies.al.curve;
    expect(c.every((p, i) => i === 0 || p[0] > c[i - 1][0])).toBe(true);
  }, 300_000);

  it('fast_2D asynchronous (one batch of 5 still running at each proposal, kriging believer): al still reaches 99% with <= 10% of the pool', () => {
    const pool = join(dir, 'fast2d-async.csv');
    writeFileSync(pool, gridPoolCsv(2, 40));
    const r = bench([
      '--pool',
      pool,
      '--target',
      'truth',
      '--threshold',
      '0',
      '--seeds',
      '3',
      '--budget',
      '400',
      '--in-flight',
      '1',
      '--strategies',
      'al',
      '--stop-when-reached',
    ]);
    expect(Object.keys(r.strategies)).toEqual(['al']);
    expect(e99(r, 'al')).not.toBeNull();
    expect(e99(r, 'al')!).toBeLessThanOrEqual(160);
  }, 300_000);

  it('fast_3D, 15^3 pool: al reaches 99% with <= 10% of the pool and >= 2x fewer evaluations than random and grid', () => {
    const pool = join(dir, 'fast3d.csv');
    writeFileSync(pool, gridPoolCsv(3, 15));
    const r = bench(['--pool', pool, '--target', 'truth', '--threshold', '0', '--seeds', '3', '--budget', '600', '--stop-when-reached']);
    expect(r.pool_size).toBe(3375);
    const al = e99(r, 'al');
    expect(al).not.toBeNull();
    expect(al!).toBeLessThanOrEqual(338);
    for (const s of ['random', 'grid']) expect(e99(r, s) ?? Infinity).toBeGreaterThanOrEqual(2 * al!);
  }, 300_000);
});

describe('al-bench on the ATLAS sbottom pool (CLs_obs of the best-expected region < 0.05, log target)', () => {
  it('(m_sbottom, m_chi2) at m_chi1 = 60: al reaches 99% before random and grid', () => {
    const r = bench([
      '--pool',
      join(__dirname, '../fixtures/sbottom_pool.csv'),
      '--target',
      'CLs_obs_best',
      '--threshold',
      '0.05',
      '--log-target',
      '--params',
      'm_sbottom,m_chi2',
      '--where',
      'm_chi1=60',
      '--seeds',
      '3',
      '--budget',
      '131',
      '--stop-when-reached',
    ]);
    expect(r.pool_size).toBe(131);
    const al = e99(r, 'al');
    expect(al).not.toBeNull();
    for (const s of ['random', 'grid']) expect(e99(r, s) ?? Infinity).toBeGreaterThan(al!);
  }, 300_000);

  it.todo('acceptance 2 as written: >= 5x fewer evaluations than random to 99%, and 99% within 10% of the sbottom pool (not met: see the report)');
});
