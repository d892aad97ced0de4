import { afterAll, it } from 'vitest';
import { tmp } from '../orchestration/helpers';
import { compareToReference, faultCase, faultRig, killWorkerAndResume, limitFitInProgress, readStoredScan, Teardown } from './harness';

// Fault: kill -9 of the worker process while it computes a limit (a real fit of the ATLAS SUSY-2018-31 likelihood
// by @sigmap/stats, 0.1-1 s in 2-3 region fits). The worker prints a trace line per activity start and heartbeat
// (SIGMAP_FAULT_TRACE); the test kills it when a limit of round 2 (of 3; 5 results already stored) reports its first
// fitted region, i.e. while the next region's fit runs. A new worker process is started on the same PGlite store
// (crash recovery of the killed one's data directory); Temporal retries the killed activities after their 20 s
// heartbeat timeout.
const FILE = 'test/faults/worker-kill-limit.e2e.test.ts';
const dir = tmp('fault-kill-limit');
const teardown = new Teardown(dir);
afterAll(() => teardown.run());

it('kill -9 of a worker during a limit computation: the scan completes with the undisturbed results', async () => {
  await faultCase('kill -9 worker during limit computation', FILE, async (entry) => {
    const rig = await faultRig({ dir, teardown, entry });
    const scanId = 'fault-kill-limit';
    await killWorkerAndResume(
      rig,
      entry,
      scanId,
      { pred: limitFitInProgress(6), what: 'a round-2 computeLimit heartbeat after its first region' },
      (v, pid, lagMs) => {
        const started = rig.trace.events.find((e) => e.event === 'start' && e.runId === v.runId && e.activityId === v.activityId)!.ms;
        const patch = /"patch":"([^"]+)"/.exec(v.details ?? '')?.[1];
        const regions = (v.details ?? '').split('"clsObs"').length - 1;
        return `SIGKILL to the worker process (pid ${pid}) while computeLimit #${v.activityId} (attempt 1, round 2 of 3) fitted its next region: ${v.ms - started} ms after it started, ${lagMs} ms after its heartbeat (${patch}: ${regions} region(s) fitted); then a new worker process on the same PGlite store`;
      },
      240_000,
    );
    entry.checks.push(...compareToReference(await readStoredScan(rig.storeDir, scanId), rig.ref.stored));
  });
}, 480_000);
