import { afterAll, it } from 'vitest';
import { GP_HEARTBEAT_TIMEOUT_MS } from '@sigmap/workflows';
import { tmp } from '../orchestration/helpers';
import { compareToReference, faultCase, faultRig, killWorkerAndResume, readStoredScan, Teardown } from './harness';

// Fault: kill -9 of the worker process inside proposeBatch (the GP fit + batch proposal). Its numerics run in a compute
// thread while the activity heartbeats every second, so a dead worker is noticed when its heartbeat timeout expires
// (workflows/src/timeouts.ts GP_HEARTBEAT_TIMEOUT_MS, 30 s; before, when the numerics blocked the heartbeats, only the
// start-to-close timeout of at least a minute noticed it). The first
// attempt of each proposeBatch is held for 3 s (SIGMAP_FAULT_DELAY_MS) so that the kill lands inside it; the kill
// comes at the start of a round-2 proposal, and a new worker process takes over on the same PGlite store.
const FILE = 'test/faults/worker-kill-propose.e2e.test.ts';
const dir = tmp('fault-kill-propose');
const teardown = new Teardown(dir);
afterAll(() => teardown.run());
const HOLD_MS = 3000;

it('kill -9 of a worker inside proposeBatch: the GP call is retried after its heartbeat timeout (30 s), and the scan completes with the undisturbed results', async () => {
  await faultCase('kill -9 worker during GP batch proposal', FILE, async (entry) => {
    const rig = await faultRig({ dir, teardown, entry, env: { SIGMAP_FAULT_DELAY_MS: `proposeBatch:${HOLD_MS}` } });
    const scanId = 'fault-kill-propose';
    await killWorkerAndResume(
      rig,
      entry,
      scanId,
      { pred: (e) => e.type === 'proposeBatch' && e.event === 'start' && e.attempt === 1 && e.call >= 2, what: 'the start of a round-2 proposeBatch' },
      (v, pid, lagMs) =>
        `SIGKILL to the worker process (pid ${pid}) ${lagMs} ms after proposeBatch #${v.activityId} (call ${v.call}, attempt 1) started (held ${HOLD_MS} ms before its GP fit); then a new worker process on the same PGlite store`,
      300_000,
    );
    const expectedTimeoutMs = GP_HEARTBEAT_TIMEOUT_MS;
    entry.checks.push({
      check: 'the killed proposeBatch was retried after its heartbeat timeout of 30 s (formerly its start-to-close timeout of at least a minute)',
      ok: entry.timings.recovery >= expectedTimeoutMs - 5_000 && entry.timings.recovery <= expectedTimeoutMs + 45_000,
      detail: `recovery ${(entry.timings.recovery / 1000).toFixed(1)} s; GP heartbeat timeout ${expectedTimeoutMs / 1000} s`,
    });
    entry.checks.push(...compareToReference(await readStoredScan(rig.storeDir, scanId), rig.ref.stored));
  });
}, 600_000);
