import { join } from 'node:path';
import { afterAll, it } from 'vitest';
import { freePort } from '@sigmap/orchestration';
import { call, serve, waitFor, type Json } from '../api/harness';
import { client, devServer, tmp } from '../orchestration/helpers';
import {
  compareToReference,
  FAULT_SPEC,
  faultCase,
  killIfAlive,
  limitFitInProgress,
  readStoredScan,
  referenceScan,
  startedAttempts,
  Teardown,
  Trace,
} from './harness';

// Fault: the API process is killed (SIGKILL) mid-scan and started again. The scan is submitted through the API
// (`sigmap serve`, embedded mode: the API process runs the workers for every task queue and holds the PGlite store)
// and followed through it after the restart. The Temporal dev server is the test's (the API reuses it on its port),
// so the crash takes down the API, its in-process workers and its store at once, while a limit of round 2 is being
// fitted. The restarted API reopens the store (crash recovery) and its workers pick the scan up again.
const FILE = 'test/faults/api-restart.e2e.test.ts';
const TERMINAL = ['completed', 'cancelled', 'budget-spent', 'converged', 'exhausted', 'failed'];
const home = tmp('fault-api');
const teardown = new Teardown(home);
afterAll(() => teardown.run());

it('restart of the API process mid-scan: the scan, followed through the API, completes with the undisturbed results', async () => {
  await faultCase('API process restart (kill -9)', FILE, async (entry) => {
    const ref = await referenceScan();
    entry.timings.reference = ref.cached ? 0 : ref.wallMs;
    const port = await freePort();
    const server = await devServer(join(home, 'temporal', 'dev.sqlite'), port);
    teardown.add('dev server', () => server.stop('SIGKILL'));
    const env = { SIGMAP_TEMPORAL_PORT: String(port), SIGMAP_FAULT_TRACE: '1' };

    let t = performance.now();
    const api1 = await serve({ groups: ['faults'], home, env });
    teardown.add('api 1', () => killIfAlive(api1));
    entry.timings.apiStart = Math.round(performance.now() - t);
    const key = api1.keys.faults;
    const trace1 = new Trace(api1.proc.stdout!);

    const t0 = performance.now();
    const submitted = await call(api1.url, 'POST', '/api/scans', { key, body: FAULT_SPEC });
    if (submitted.status !== 201) throw new Error(`POST /api/scans: ${submitted.status} ${JSON.stringify(submitted.body)}`);
    const scanId: string = submitted.body.scanId;
    const victim = await trace1.next(limitFitInProgress(6), 180_000, 'a round-2 computeLimit heartbeat after its first region');
    const exited = new Promise((r) => api1.proc.once('exit', r));
    api1.proc.kill('SIGKILL');
    const killedAt = performance.now();
    await exited;
    const finishedBeforeKill = trace1.count((e) => e.runId === victim.runId && e.activityId === victim.activityId && (e.event === 'end' || e.event === 'fail'));

    t = performance.now();
    const api2 = await serve({ home, env });
    teardown.add('api 2', () => api2.stop());
    entry.timings.apiRestart = Math.round(performance.now() - t);
    entry.injected = `SIGKILL to the API process (pid ${api1.proc.pid}: HTTP server, in-process workers and PGlite store) while computeLimit #${victim.activityId} of round 2 was fitting; restarted on the same SIGMAP_HOME (pid ${api2.proc.pid}) after ${((performance.now() - killedAt) / 1000).toFixed(1)} s; the scan followed through the new API`;

    const final = await waitFor(
      () => call(api2.url, 'GET', `/api/scans/${scanId}`, { key }),
      (r: { body: Json }) => TERMINAL.includes(r.body?.status),
      240_000,
      500,
    );
    const doneAt = performance.now();
    const points = await call(api2.url, 'GET', `/api/scans/${scanId}/points`, { key });
    entry.timings.scan = Math.round(doneAt - t0);
    entry.timings.recovery = Math.round(doneAt - killedAt);

    const c = await client(server.address);
    teardown.add('client', () => c.close());
    const retried = (await startedAttempts(c.client, scanId, victim.runId!)).get(victim.activityId);
    await api2.stop();

    entry.checks.push({
      check: 'the API process died by SIGKILL in the middle of a limit computation',
      ok: api1.proc.signalCode === 'SIGKILL' && finishedBeforeKill === 0,
      detail: `signal ${api1.proc.signalCode}; activity ${victim.activityId} had not ended (${finishedBeforeKill} end/fail lines)`,
    });
    entry.checks.push({
      check: 'the killed activity was retried by the restarted API process',
      ok: (retried?.attempt ?? 0) >= 2,
      detail: `history: ${retried?.type ?? '?'} #${victim.activityId} completed on attempt ${retried?.attempt ?? '?'}`,
    });
    entry.checks.push({
      check: 'GET /api/scans/{id} on the restarted API reports the scan complete',
      ok: final.body.status === 'budget-spent' && final.body.evaluations === ref.stored.rows.length,
      detail: `status ${final.body.status}, ${final.body.evaluations} evaluations, ${final.body.points} points`,
    });
    const refById = new Map(ref.stored.rows.map((r) => [`${r.key}|${r.search}|${r.fidelity}`, r]));
    const served: Json[] = points.body?.evaluations ?? [];
    const servedOk =
      served.length === ref.stored.rows.length &&
      served.every((e: Json) => {
        const r = refById.get(`${e.key}|${e.search}|${e.fidelity}`);
        return r && r.clsObs === e.clsObs && JSON.stringify(r.clsExp) === JSON.stringify(e.clsExp) && r.region === e.region && r.excluded === e.excluded;
      });
    entry.checks.push({
      check: 'GET /api/scans/{id}/points serves exactly the undisturbed results',
      ok: points.status === 200 && servedOk,
      detail: `${served.length} evaluations served (undisturbed: ${ref.stored.rows.length})`,
    });
    const stored = await readStoredScan(join(home, 'store'), scanId);
    entry.checks.push(...compareToReference(stored, ref.stored));
    entry.notes.push(`scan id ${scanId} (given by the API)`);
  });
}, 480_000);
