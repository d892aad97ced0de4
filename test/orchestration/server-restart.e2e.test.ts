import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { type ScanReport } from '@sigmap/contracts';
import { progressQuery } from '@sigmap/workflows';
import { freePort, type DevServer } from '@sigmap/orchestration';
import { client, devServer, sbottomSpec, sleep, spawnWorker, stopWorker, tmp, type ChildWorker } from './helpers';
import { startScanWorkflow } from '@sigmap/workflows/client';

// The dev server is killed (SIGKILL) in the middle of a scan and started again on the same SQLite file and port:
// the scan's workflow (same first run id) resumes from the persisted history and completes; the worker process
// survives the outage and reconnects on its own.
const dir = tmp('restart');
const servers: DevServer[] = [];
let worker: ChildWorker | null = null;

afterAll(async () => {
  if (worker) await stopWorker(worker);
  for (const s of servers) await s.stop('SIGKILL');
});

it('a dev server restarted on its SQLite file resumes the scan', async () => {
  const dbFile = join(dir, 'temporal.sqlite');
  const port = await freePort();
  const first = await devServer(dbFile, port);
  servers.push(first);
  worker = spawnWorker(first.address, join(dir, 'store'), 'all');
  await worker.ready;
  const spec = sbottomSpec({ budget: 15, batchSize: 5, initialPoints: 5, roundsPerRun: 1, seed: 31 });

  const a = await client(first.address);
  const handle = await startScanWorkflow(a.client, { scanId: 'restart-scan', spec });
  const firstRunId = handle.firstExecutionRunId;
  // wait until the first round is recorded and the scan is mid-way
  let before = await handle.query(progressQuery).catch(() => null);
  for (let i = 0; i < 600 && !(before && before.evaluated >= 5 && before.evaluated < 15); i++) {
    await sleep(200);
    before = await handle.query(progressQuery).catch(() => before);
  }
  expect(before?.evaluated).toBeGreaterThanOrEqual(5);
  expect(before?.evaluated).toBeLessThan(15);
  await a.close();

  // crash the server, keep it down a moment, start it again on the same file and port
  const pid1 = first.process!.pid;
  await first.stop('SIGKILL');
  await sleep(3000);
  const second = await devServer(dbFile, port);
  servers.push(second);
  expect(second.process!.pid).not.toBe(pid1);

  const b = await client(second.address);
  try {
    const h2 = b.client.workflow.getHandle('restart-scan', undefined, { firstExecutionRunId: firstRunId });
    const report = (await h2.result()) as ScanReport;
    expect(report.status).toBe('budget-spent');
    expect(new Set(report.evaluations.map((e) => e.key)).size).toBe(15);
    // the same workflow execution chain continued (not a new scan): its first run is the one started before the crash
    const desc = await h2.describe();
    expect(desc.status.name).toBe('COMPLETED');
    expect(worker.proc.exitCode).toBeNull();
  } finally {
    await b.close();
  }
}, 240_000);
