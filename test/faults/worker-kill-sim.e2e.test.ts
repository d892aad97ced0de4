import { afterAll, it } from 'vitest';
import { validateScanSpec } from '@sigmap/contracts';
import { FamilyRegistry } from '@sigmap/families';
import { type FaultTraceEvent } from '@sigmap/orchestration';
import { tmp } from '../orchestration/helpers';
import { compareToReference, faultCase, faultRig, killWorkerAndResume, readStoredScan, skipFault, Teardown } from './harness';

// Fault: kill -9 of the worker process while it simulates a model point (the sequential Z' family at `fast` fidelity:
// event generation + the parametric detector, ~1 s per point). The worker is killed when a simulate activity of
// round 2 (of 2) has sent its first heartbeat, i.e. while its events are being generated; a new worker process takes
// over on the same PGlite store. The simulate activity's heartbeat timeout (workflows/src/scan.ts) is 2 minutes, so
// Temporal retries the killed simulation only after that: this case takes ~3 minutes. It runs only when the worker
// has a simulated family (@sigmap/families FamilyRegistry 'zprime-ssm' with simulate); otherwise it is reported skipped.
const FILE = 'test/faults/worker-kill-sim.e2e.test.ts';
const FAULT = 'kill -9 worker during simulation';
const FAMILY = 'zprime-ssm';
const SEARCH = 'own-dilepton-resonance-13tev';
const dir = tmp('fault-kill-sim');
const teardown = new Teardown(dir);
afterAll(() => teardown.run());

/** Why the simulated case cannot run in this build, or null when it can. */
async function simulatedFamilyMissing(): Promise<string | null> {
  const registry = new FamilyRegistry();
  try {
    const f = registry.get(FAMILY);
    if (!f) return `the worker has no '${FAMILY}' family (known: ${registry.ids().join(', ')})`;
    if (typeof (f as { simulate?: unknown }).simulate !== 'function') return `the worker's '${FAMILY}' family cannot simulate`;
    if (!f.searches.includes(SEARCH)) return `'${FAMILY}' has no search '${SEARCH}' (it has ${f.searches.join(', ')})`;
    return null;
  } finally {
    await registry.close();
  }
}

/** The first heartbeat of the `n`-th first-attempt simulate activity: its simulation is running. */
const simulationInProgress = (n: number) => {
  let starts = 0;
  return (e: FaultTraceEvent) => {
    if (e.type !== 'simulate' || e.attempt !== 1) return false;
    if (e.event === 'start') starts++;
    return starts === n && e.event === 'heartbeat';
  };
};

it('kill -9 of a worker during a simulation: the scan completes with the undisturbed results', async (ctx) => {
  const missing = await simulatedFamilyMissing();
  if (missing) {
    await skipFault(
      FAULT,
      FILE,
      `SIGKILL to the worker while a simulate activity (${FAMILY}, fast fidelity) runs`,
      `no simulated family available: ${missing}`,
    );
    ctx.skip();
    return;
  }
  const spec = validateScanSpec({
    name: 'fault-suite-sim',
    family: FAMILY,
    parameters: { mass: { min: 1500, max: 6000, scale: 'log' }, g: { min: 0.1, max: 1, scale: 'log' } },
    searches: [SEARCH],
    fidelity: { default: 'fast', events: 1000 },
    mode: 'continuous',
    batchSize: 4,
    budget: 8,
    initialPoints: 4,
    target: 0,
    roundsPerRun: 1,
    seed: 43,
  });
  await faultCase(FAULT, FILE, async (entry) => {
    const rig = await faultRig({ dir, teardown, entry, spec });
    const scanId = 'fault-kill-sim';
    await killWorkerAndResume(
      rig,
      entry,
      scanId,
      { pred: simulationInProgress(5), what: 'the first heartbeat of the 5th simulate' },
      (v, pid, lagMs) =>
        `SIGKILL to the worker process (pid ${pid}) ${lagMs} ms after simulate #${v.activityId} (attempt 1, round 2 of 2; ${FAMILY}, fast, ${spec.fidelity.events} events) began simulating; a new worker process on the same PGlite store`,
      360_000,
    );
    entry.checks.push(...compareToReference(await readStoredScan(rig.storeDir, scanId), rig.ref.stored));
    entry.notes.push(
      'the simulate activity heartbeats every 5 s but its heartbeat timeout is 2 minutes (workflows/src/scan.ts): a killed simulation is retried only after 2 minutes, which dominates this case',
    );
  });
}, 600_000);
