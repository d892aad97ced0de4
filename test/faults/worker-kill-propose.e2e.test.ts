import { afterAll, it } from 'vitest';
import { GP_TIMEOUT } from '@sigmap/workflows';
import { tmp } from '../orchestration/helpers';
import { compareToReference, faultCase, faultRig, killWorkerAndResume, readStoredScan, Teardown } from './harness';

// Fault: kill -9 of the worker process inside proposeBatch (the GP fit + batch proposal). Its numerics are synchronous,
// so it sends no heartbeats; a dead worker is noticed when the activity's start-to-close timeout expires, which the
// ScanWorkflow sizes from its slowest GP call so far (workflows/src/timeouts.ts: 20x, at least 1 minute). The first
// attempt of each proposeBatch is held for 3 s (SIGMAP_FAULT_DELAY_MS) so that the kill lands inside it; the kill
// comes at the start of a round-2 proposal, and a new worker process takes over on the same PGlite store.
const FILE = 'test/faults/worker-kill-propose.e2e.test.ts';
const dir = tmp('fault-kill-propose');
const teardown = new Teardown(dir);
afterAll(() => teardown.run());
const HOLD_MS = 3000;

it('kill -9 of a worker inside proposeBatch: the GP call is retried after about a minute, not ten, and the scan completes with the undisturbed results', async () => {
  await faultCase('kill -9 worker during GP batch proposal', FILE, async (entry) => {
    const rig = await faultRig({ dir, teardown, entry, env: { SIGMAP_FAULT_DELAY_MS: `proposeBatch:${HOLD_MS}` } });
    const scanId = 'fault-kill-propose';
    await killWorkerAndResume(
      rig,
      entry,
      scanId,
      { pred: (e) => e.type === 'proposeBatch' && e.event === 'start' && e.attempt === 1 && e.call >= 2, what: 'the start of a round-2 proposeBatch' },
      (v, pid, lagMs) => `SIGKILL to the worker process (pid ${pid}) ${lagMs} ms after proposeBatch #${v.activityId} (call ${v.call}, attempt 1) started (held ${HOLD_MS} ms before its GP fit); then a new worker process on the same PGlite store`,
      300_000,
    );
    // every GP call so far took about HOLD_MS (+ a few ms of GP): the timeout is the 1-minute floor, or 20x that
    const expectedTimeoutMs = Math.max(GP_TIMEOUT.minMs, GP_TIMEOUT.factor * HOLD_MS);
    entry.checks.push({
      check: 'the killed proposeBatch was retried after its start-to-close timeout of about a minute (formerly a fixed 10 minutes)',
      ok: entry.timings.recovery >= expectedTimeoutMs - 5_000 && entry.timings.recovery <= expectedTimeoutMs + 60_000,
      detail: `recovery ${(entry.timings.recovery / 1000).toFixed(1)} s; GP timeout from the slowest GP call so far: ~${expectedTimeoutMs / 1000} s`,
    });
    entry.checks.push(...compareToReference(await readStoredScan(rig.storeDir, scanId), rig.ref.stored));
  });
}, 600_000);
