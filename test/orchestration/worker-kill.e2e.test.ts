import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TASK_QUEUES, type ScanReport } from '@sigmap/contracts';
import { openStore } from '@sigmap/store';
import type { DevServer } from '@sigmap/worker';
import { client, devServer, sbottomSpec, sleep, spawnWorker, stopWorker, tmp, type ChildWorker } from './helpers';

// A worker process killed (SIGKILL) in the middle of a limit activity is replaced; Temporal retries the activity
// after its heartbeat timeout and the scan finishes with exactly the result of an undisturbed run with the same
// seed. A limit activity heartbeats when it starts, every 2 s and after each of the three regions it fits, so a
// computeLimit with heartbeat details and attempt 1 is one that is running; the worker is killed at that moment.
// The limit engine is the pyhf peer (SIGMAP_LIMIT_ENGINE=pyhf, ~1-2 s per region fit in a child process) so that
// the activity lasts seconds: with the in-process @sigmap/stats engine (~20 ms per region on an idle machine) an
// activity is usually over before a describe() poll can see it.
const ENV = { SIGMAP_LIMIT_ENGINE: 'pyhf' };
const spec = sbottomSpec({ budget: 6, batchSize: 3, initialPoints: 3, roundsPerRun: 10, seed: 23 });
const dir = tmp('kill');
let server: DevServer;
const workers: ChildWorker[] = [];

beforeAll(async () => {
  server = await devServer(join(dir, 'temporal.sqlite'));
});

afterAll(async () => {
  for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGKILL');
  await server?.stop();
});

const canon = (r: ScanReport) =>
  r.evaluations.map((e) => ({ key: e.key, search: e.search, seed: e.seed, clsObs: e.clsObs, clsExp: e.clsExp, region: e.region, excluded: e.excluded })).sort((a, b) => a.key.localeCompare(b.key));

it('a worker killed mid-activity is replaced and the scan ends with the undisturbed result', async () => {
  const { client: c, close } = await client(server.address);
  try {
    // 1. undisturbed reference run
    const wA = spawnWorker(server.address, join(dir, 'store-a'), 'all', ENV);
    workers.push(wA);
    await wA.ready;
    const ref = (await c.workflow.execute('ScanWorkflow', { taskQueue: TASK_QUEUES.orchestration, workflowId: 'kill-ref', args: [{ scanId: 'kill-ref', spec }] })) as ScanReport;
    await stopWorker(wA);
    expect(ref.status).toBe('budget-spent');

    // 2. same spec and seed; kill -9 the worker once a computeLimit activity has heartbeated (1 of 3 regions done)
    const w1 = spawnWorker(server.address, join(dir, 'store-b'), 'all', ENV);
    workers.push(w1);
    await w1.ready;
    const handle = await c.workflow.start('ScanWorkflow', { taskQueue: TASK_QUEUES.orchestration, workflowId: 'kill-run', args: [{ scanId: 'kill-run', spec }] });
    let killedActivity: string | null = null;
    for (let i = 0; i < 1200 && !killedActivity; i++) {
      const d = await handle.describe();
      const hb = (d.raw.pendingActivities ?? []).find((a) => a.activityType?.name === 'computeLimit' && a.heartbeatDetails?.payloads?.length && a.attempt === 1);
      if (hb) {
        w1.proc.kill('SIGKILL');
        killedActivity = hb.activityId ?? '?';
      } else await sleep(50);
    }
    expect(killedActivity).not.toBeNull();
    await w1.exited;
    expect(w1.proc.signalCode).toBe('SIGKILL');
    const w2 = spawnWorker(server.address, join(dir, 'store-b'), 'all', ENV);
    workers.push(w2);
    await w2.ready;
    const run = (await handle.result()) as ScanReport;
    await stopWorker(w2);

    // the killed activity really was retried: its completed attempt is >= 2
    const history = await handle.fetchHistory();
    const started = (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes);
    expect(started.some((e) => (e.activityTaskStartedEventAttributes!.attempt ?? 1) >= 2)).toBe(true);

    // same result as the undisturbed run: points, CLs numbers, regions, GP contour and misclassified estimate
    expect(run.status).toBe('budget-spent');
    expect(canon(run)).toEqual(canon(ref));
    expect(run.evaluations.length).toBe(6);
    expect(run.contour).toEqual(ref.contour);
    expect(run.misclassified).toBe(ref.misclassified);

    // and the stores agree: one row per (point, search), idempotent despite the retry
    const [sa, sb] = [await openStore({ dataDir: join(dir, 'store-a') }), await openStore({ dataDir: join(dir, 'store-b') })];
    try {
      const a = (await sa.listEvaluations('kill-ref')).map((e) => [e.key, e.clsObs, e.region]).sort();
      const b = (await sb.listEvaluations('kill-run')).map((e) => [e.key, e.clsObs, e.region]).sort();
      expect(b).toEqual(a);
      expect(b.length).toBe(6);
    } finally {
      await sa.close();
      await sb.close();
    }
  } finally {
    await close();
  }
}, 300_000);
