import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import { pointKey, pointSeed, validateScanSpec, type LimitInput, type LimitResult, type ScanReport } from '@sigmap/contracts';
import type { Store } from '@sigmap/store';
import { contourQuery, extendBudgetUpdate, pauseSignal, progressQuery, resumeSignal } from '@sigmap/workflows';
import { FamilyRegistry } from '@sigmap/families';
import { freePort, type ScanActivities } from '@sigmap/orchestration';
import { client, inProcessWorkers, REPO, sbottomSpec, sleep, tmp, type InProcessWorkers } from './helpers';
import { startScanWorkflow } from '@sigmap/workflows/client';

// A scan end to end against the real Temporal dev server (no mocked client): in-process workers for all queues,
// the sbottom lookup plane, signals / update / queries, the stored results and the idempotent limit activity.
describe('ScanWorkflow end to end (real dev server)', () => {
  let env: InProcessWorkers;
  let store: Store;
  let activities: ScanActivities;

  beforeAll(async () => {
    env = await inProcessWorkers(tmp('scan'));
    ({ store, activities } = env);
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('runs a sbottom lookup scan; pause/resume/extendBudget/progress/contour work; results are stored once', async () => {
    const { client: c, close } = await client(env.server.address);
    try {
      const spec = sbottomSpec({ budget: 10, roundsPerRun: 2, seed: 5 });
      const scanId = 'e2e-sbottom';
      const handle = await startScanWorkflow(c, { scanId, spec });
      await handle.signal(pauseSignal);
      // paused after the round in flight: evaluations stop growing
      let p = await handle.query(progressQuery);
      for (let i = 0; i < 100 && p.status !== 'paused'; i++) {
        await sleep(200);
        p = await handle.query(progressQuery);
      }
      expect(p.status).toBe('paused');
      const frozen = p.evaluated;
      await sleep(1500);
      expect((await handle.query(progressQuery)).evaluated).toBe(frozen);
      // extend the budget by 5 (validated update), then resume
      await expect(handle.executeUpdate(extendBudgetUpdate, { args: [0] })).rejects.toThrow();
      expect(await handle.executeUpdate(extendBudgetUpdate, { args: [5] })).toBe(15);
      await handle.signal(resumeSignal);
      const report = (await handle.result()) as ScanReport;

      expect(['budget-spent', 'converged']).toContain(report.status);
      const keys = new Set(report.evaluations.map((e) => e.key));
      expect(keys.size).toBe(report.evaluations.length);
      if (report.status === 'budget-spent') expect(keys.size).toBe(15);
      // every evaluated point is a published grid point of the plane at m_chi1 = 60
      const pool = new Set(new FamilyRegistry().get('atlas-sbottom')!.pool(spec)!.map(pointKey));
      for (const e of report.evaluations) {
        expect(pool.has(e.key)).toBe(true);
        expect(e.point.m_chi1).toBe(60);
        expect(e.excluded).toBe(e.clsObs < 0.05);
        expect(e.clsExp).toHaveLength(5);
        expect(e.seed).toBe(pointSeed(spec.seed, e.key));
        expect(['RegionA', 'RegionB', 'RegionC']).toContain(e.region);
      }
      // the scan crossed the exclusion boundary, and the GP contour exists
      expect(report.evaluations.some((e) => e.excluded)).toBe(true);
      expect(report.evaluations.some((e) => !e.excluded)).toBe(true);
      expect(report.contour.length).toBeGreaterThan(0);
      expect(report.misclassified).not.toBeNull();
      expect((await handle.query(contourQuery)).length).toBeGreaterThan(0);
      // continueAsNew happened (roundsPerRun 2, 3 rounds): the final run is not the first
      const desc = await handle.describe();
      expect(desc.runId).not.toBe(handle.firstExecutionRunId);
      // the store has exactly the reported evaluations, and coverage was re-aggregated by CoverageWorkflow
      const stored = await store.listEvaluations(scanId);
      expect(stored.map((e) => e.key).sort()).toEqual([...keys].sort());
      expect((await store.getScan(scanId))?.status).toBe(report.status);
      const cov = await c.workflow.getHandle(`${scanId}-coverage`).result();
      expect(cov.rows.find((r: { search: string }) => r.search === 'ATLAS-SUSY-2018-31').evaluated).toBe(stored.length);

      // idempotency: re-running the limit activity for a stored point returns the stored row, adds none
      const e0 = stored[0];
      const input: LimitInput = { scanId, family: spec.family, point: e0.point, search: e0.search, fidelity: 'lookup', seed: e0.seed };
      const again = (await new MockActivityEnvironment().run(activities['stats-cpu'].computeLimit, input)) as LimitResult;
      expect(again.cached).toBe(true);
      expect(again.clsObs).toBe(e0.clsObs);
      expect((await store.listEvaluations(scanId)).length).toBe(stored.length);
    } finally {
      await close();
    }
  });

  it('asynchronous batches (inFlightBatches 2): new batches are proposed with the in-flight points pending, none evaluated twice', async () => {
    const { client: c, close } = await client(env.server.address);
    try {
      const spec = validateScanSpec({
        family: 'excursion-fast2d',
        parameters: { x: { min: 0, max: 1.5 }, y: { min: 0, max: 1.5 } },
        searches: ['excursion-fast2d'],
        fidelity: 'lookup',
        mode: 'continuous',
        batchSize: 3,
        budget: 18,
        target: 0,
        initialPoints: 6,
        roundsPerRun: 4,
        inFlightBatches: 2,
        seed: 9,
      });
      const scanId = 'e2e-async';
      const handle = await startScanWorkflow(c, { scanId, spec });
      const report = (await handle.result()) as ScanReport;
      expect(report.status).toBe('budget-spent');
      const keys = new Set(report.evaluations.map((e) => e.key));
      expect(keys.size).toBe(18);
      expect(report.evaluations).toHaveLength(18);
      // the proposeBatch inputs recorded in the first run's history: the second proposal of the run is made while
      // the first batch is in flight, so it carries that batch's points as pending
      const history = await c.workflow.getHandle(scanId, handle.firstExecutionRunId).fetchHistory();
      const proposals = (history.events ?? [])
        .map((e) => e.activityTaskScheduledEventAttributes)
        .filter((a) => a?.activityType?.name === 'proposeBatch')
        .map((a) => JSON.parse(Buffer.from(a!.input!.payloads![0].data!).toString('utf8')) as { pending: unknown[]; round: number });
      expect(proposals.length).toBeGreaterThanOrEqual(3);
      expect(proposals[0].pending).toHaveLength(0);
      expect(proposals[1].pending).toHaveLength(3);
      expect(proposals.slice(2).every((p) => p.pending.length === 3)).toBe(true);
      // every proposal has its own round number (its own seeded draw)
      expect(new Set(proposals.map((p) => p.round)).size).toBe(proposals.length);
    } finally {
      await close();
    }
  });
});

// The CLI's embedded default: no TEMPORAL_ADDRESS -> starts its own dev server (SQLite under SIGMAP_HOME) and
// in-process workers, shows progress, writes the report files; a bad spec is one clear line and exit code 2.
describe('sigmap scan (embedded default)', () => {
  it('runs a spec and writes contour, points and plot', async () => {
    const home = tmp('cli');
    const spec = join(home, 'spec.yaml');
    writeFileSync(spec, readFileSync(join(REPO, 'examples/excursion-fast2d.yaml'), 'utf8').replace('budget: 30', 'budget: 15'));
    const env = { ...process.env, SIGMAP_HOME: home, SIGMAP_TEMPORAL_PORT: String(await freePort()), TEMPORAL_ADDRESS: '' };
    const r = spawnSync(
      process.execPath,
      [join(REPO, 'apps/cli/bin/sigmap.js'), 'scan', spec, '--report', join(home, 'report'), '--json-out', join(home, 'scan.json')],
      { cwd: REPO, env, encoding: 'utf8', timeout: 110_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/round \d+ \| evals \d+\/15/);
    expect(r.stdout).toMatch(/budget-spent|converged/);
    for (const f of ['contour.json', 'points.json', 'points.csv', 'plot.svg']) expect(existsSync(join(home, 'report', f))).toBe(true);
    const report = JSON.parse(readFileSync(join(home, 'scan.json'), 'utf8')) as ScanReport;
    expect(report.evaluations.length).toBeGreaterThan(0);
    expect(readFileSync(join(home, 'report', 'plot.svg'), 'utf8')).toContain('<svg');
    expect(existsSync(join(home, 'temporal', 'dev.sqlite'))).toBe(true);
  }, 120_000);

  it('rejects an invalid spec with the field and exit code 2', () => {
    const home = tmp('cli-bad');
    const spec = join(home, 'bad.yaml');
    writeFileSync(
      spec,
      readFileSync(join(REPO, 'examples/sbottom-lookup.yaml'), 'utf8').replace('m_sbottom: { min: 400, max: 1600', 'm_sbottom: { min: 1600, max: 400'),
    );
    const r = spawnSync(process.execPath, [join(REPO, 'apps/cli/bin/sigmap.js'), 'scan', spec], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, SIGMAP_HOME: home },
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('error: parameters.m_sbottom.min: must be < max');
  });
});
