/**
 * Acceptance 2 of issue 17: `sigmap al-bench` and the ScanWorkflow drive the same @sigmap/scan loop. A real
 * ScanWorkflow on the Temporal dev server scans the sbottom lookup plane (pool mode, seed 1); al-bench then runs its
 * 'al' strategy (seed 1) on the same pool (the family's published points in the spec's ranges, in the family's
 * order), the same box (--bounds = the spec's ranges), the same objective (CLs_obs < 0.05, log, floor 1e-8), batch,
 * initial design and budget. The pool's values are the scan's own CLs where the scan evaluated a point and the
 * fixture's CLs (test/fixtures/sbottom_pool.csv, same libs/stats hypotest) elsewhere: al-bench sees only the values
 * of the points it asks for, so it reproduces the scan's points only if it chooses them the same way.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointKey, type ModelPoint } from '@sigmap/contracts';
import { FamilyRegistry } from '@sigmap/families';
import { startScanWorkflow } from '@sigmap/workflows/client';
import { client, inProcessWorkers, REPO, sbottomSpec, tmp, type InProcessWorkers } from '../orchestration/helpers';

const planeKey = (p: ModelPoint) => pointKey({ m_sbottom: p.m_sbottom, m_chi2: p.m_chi2 });

describe('al-bench and the ScanWorkflow evaluate the same points (same seed, same pool)', () => {
  let env: InProcessWorkers;
  const dir = tmp('parity');
  beforeAll(async () => {
    env = await inProcessWorkers(dir);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('sbottom plane, seed 1, batch 5, 10 initial points, budget 30: the same points in the same order', async () => {
    const spec = sbottomSpec({ seed: 1, budget: 30, initialPoints: 10, batchSize: 5, roundsPerRun: 20, target: 0 });
    const scanId = 'parity-sbottom';
    const { client: c, close } = await client(env.server.address);
    let proposed: ModelPoint[] = [];
    const cls = new Map<string, number>();
    try {
      const handle = await startScanWorkflow(c, { scanId, spec });
      const report = await handle.result();
      expect(report.status).toBe('budget-spent');
      for (const e of report.evaluations) cls.set(planeKey(e.point), e.clsObs);
      // the proposals in workflow order (one run: roundsPerRun 20 > 6 rounds)
      const events = (await handle.fetchHistory()).events ?? [];
      const proposals = new Set(
        events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'proposeBatch').map((e) => String(e.eventId)),
      );
      proposed = events
        .map((e) => e.activityTaskCompletedEventAttributes)
        .filter((a) => a && proposals.has(String(a.scheduledEventId)))
        .flatMap((a) => (JSON.parse(Buffer.from(a!.result!.payloads![0].data!).toString('utf8')) as { points: ModelPoint[] }).points);
    } finally {
      await close();
    }
    expect(proposed).toHaveLength(30);
    expect(cls.size).toBe(30);

    const pool = new FamilyRegistry().get('atlas-sbottom')!.pool(spec)!;
    const fixture = new Map<string, string>();
    const lines = readFileSync(join(REPO, 'test/fixtures/sbottom_pool.csv'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    const header = lines[0].split(',');
    const [ms, m2, m1, best] = ['m_sbottom', 'm_chi2', 'm_chi1', 'CLs_obs_best'].map((h) => header.indexOf(h));
    for (const l of lines.slice(1)) {
      const r = l.split(',');
      if (r[m1] === '60') fixture.set(pointKey({ m_sbottom: Number(r[ms]), m_chi2: Number(r[m2]) }), r[best]);
    }
    const csv = ['m_sbottom,m_chi2,CLs'];
    for (const p of pool) {
      const k = planeKey(p);
      const v = cls.has(k) ? String(cls.get(k)) : fixture.get(k);
      expect(v, k).toBeDefined();
      csv.push(`${p.m_sbottom},${p.m_chi2},${v}`);
    }
    const poolFile = join(dir, 'pool.csv');
    writeFileSync(poolFile, csv.join('\n') + '\n');
    const out = join(dir, 'al.json');
    const b = spawnSync(
      process.execPath,
      [
        join(REPO, 'apps/cli/bin/sigmap.js'),
        'al-bench',
        '--pool',
        poolFile,
        '--target',
        'CLs',
        '--threshold',
        '0.05',
        '--log-target',
        '--floor',
        '1e-8',
        '--bounds',
        'm_sbottom=400:1600,m_chi2=100:1600',
        '--batch',
        '5',
        '--initial',
        '10',
        '--budget',
        '30',
        '--seeds',
        '1',
        '--strategies',
        'al',
        '--json',
        out,
      ],
      { cwd: REPO, encoding: 'utf8', timeout: 100_000 },
    );
    expect(b.status, b.stderr).toBe(0);
    const r = JSON.parse(readFileSync(out, 'utf8')) as { strategies: { al: { per_seed: { seed: number; evaluated: string[] }[] } } };
    expect(r.strategies.al.per_seed[0].seed).toBe(1);
    expect(r.strategies.al.per_seed[0].evaluated).toEqual(proposed.map(planeKey));
  }, 300_000);
});
