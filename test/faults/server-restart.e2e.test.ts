import { afterAll, it } from 'vitest';
import { freePort } from '@sigmap/orchestration';
import { client, devServer, sleep, stopWorker, tmp } from '../orchestration/helpers';
import { compareToReference, faultCase, faultRig, limitFitInProgress, readStoredScan, scanResult, startFaultScan, statusCheck, Teardown } from './harness';

// Fault: the Temporal dev server crashes (SIGKILL) while limits of round 2 are being fitted, stays down 3 s, and is
// started again on the same SQLite file and port. The worker process is not touched: it must ride out the outage,
// reconnect, and the scan (same workflow execution chain) must finish with the undisturbed results.
const FILE = 'test/faults/server-restart.e2e.test.ts';
const dir = tmp('fault-server');
const teardown = new Teardown(dir);
afterAll(() => teardown.run());

it('restart of the Temporal dev server mid-scan: the scan completes with the undisturbed results', async () => {
  await faultCase('Temporal dev server restart', FILE, async (entry) => {
    const port = await freePort();
    const rig = await faultRig({ dir, teardown, entry, port });
    const { worker, trace } = rig;
    const first = rig.server;
    const dbFile = first.dbFile;
    const scanId = 'fault-server-restart';
    const { t0, firstRunId } = await startFaultScan(rig, scanId);
    const victim = await trace.next(limitFitInProgress(6), 180_000, 'a round-2 computeLimit heartbeat after its first region');
    const pid1 = first.process!.pid;
    await first.stop('SIGKILL');
    const downAt = performance.now();
    const downMs = Date.now();
    await sleep(3000);
    const second = await devServer(dbFile, port);
    teardown.add('dev server 2', () => second.stop('SIGKILL'));
    const upAt = performance.now();
    entry.injected = `SIGKILL to the dev server (pid ${pid1}) while computeLimit #${victim.activityId} of round 2 was fitting; down ${((upAt - downAt) / 1000).toFixed(1)} s; restarted (pid ${second.process!.pid}) on the same SQLite file and port`;

    const b = await client(second.address);
    teardown.add('client', () => b.close());
    const report = await scanResult(b.client, scanId, 240_000);
    const doneAt = performance.now();
    const desc = await b.client.workflow.getHandle(scanId, undefined, { firstExecutionRunId: firstRunId }).describe();
    const workerSurvived = worker.proc.exitCode === null && worker.proc.signalCode === null;
    const workedAfter = trace.count((e) => e.event === 'end' && e.ms > downMs);
    await stopWorker(worker);
    entry.timings.scan = Math.round(doneAt - t0);
    entry.timings.outage = Math.round(upAt - downAt);
    entry.timings.recovery = Math.round(doneAt - downAt);

    entry.checks.push({
      check: 'the worker process survived the outage and reconnected on its own',
      ok: workerSurvived && workedAfter > 0,
      detail: `worker pid ${worker.proc.pid} ${workerSurvived ? 'still running' : 'exited'}; ${workedAfter} activities completed after the crash`,
    });
    entry.checks.push({
      check: 'the same workflow execution chain finished (not a new scan)',
      ok: desc.status.name === 'COMPLETED',
      detail: `chain started by run ${firstRunId}: ${desc.status.name}`,
    });
    entry.checks.push(statusCheck(report));
    entry.checks.push(...compareToReference(await readStoredScan(rig.storeDir, scanId), rig.ref.stored));
  });
}, 480_000);
