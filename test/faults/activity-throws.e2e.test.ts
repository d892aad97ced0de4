import { afterAll, it } from 'vitest';
import { openStore } from '@sigmap/store';
import { stopWorker, tmp } from '../orchestration/helpers';
import { compareToReference, faultCase, faultRig, readStoredScan, scanResult, startedAttempts, startFaultScan, statusCheck, Teardown } from './harness';

// Fault: every third call of every activity type in the worker process throws (SIGMAP_FAULT_THROW_EVERY=3, an
// activity interceptor, libs/orchestration/src/fault-injection.ts). The injected failures alternate between "before" (the
// activity does not run) and "after" (it ran and wrote to the store, its result is dropped), so the retries test
// both plain retry and idempotence of the store writes. Temporal's retry policies must carry the scan through.
const FILE = 'test/faults/activity-throws.e2e.test.ts';
const dir = tmp('fault-throws');
const teardown = new Teardown(dir);
afterAll(() => teardown.run());

it('an activity that throws every third call: the scan completes with the undisturbed results', async () => {
  await faultCase('activity throws every third call', FILE, async (entry) => {
    const rig = await faultRig({ dir, teardown, entry, env: { SIGMAP_FAULT_THROW_EVERY: '3' } });
    const { worker, trace, client: c } = rig;
    const scanId = 'fault-activity-throws';
    const { t0 } = await startFaultScan(rig, scanId);
    const report = await scanResult(c, scanId, 300_000);
    entry.timings.scan = Math.round(performance.now() - t0);
    await stopWorker(worker);

    const injected = trace.events.filter((e) => e.event === 'fail' && e.injected);
    const other = trace.events.filter((e) => e.event === 'fail' && !e.injected);
    const byType = new Map<string, { calls: number; injected: number }>();
    for (const e of trace.events.filter((x) => x.event === 'start'))
      byType.set(e.type, { calls: Math.max(byType.get(e.type)?.calls ?? 0, e.call), injected: 0 });
    for (const e of injected) byType.get(e.type)!.injected++;
    const summary = [...byType.entries()].map(([t, v]) => `${t} ${v.injected}/${v.calls}`).join(', ');
    entry.injected = `SIGMAP_FAULT_THROW_EVERY=3: every third call of each activity type threw a retryable ApplicationFailure (injected/calls: ${summary})`;

    // every injected failure shows in the workflow histories as exactly one extra attempt
    let retries = 0;
    const runs = new Map(trace.events.filter((e) => e.workflowId && e.runId).map((e) => [`${e.workflowId}|${e.runId}`, e]));
    for (const e of runs.values()) for (const a of (await startedAttempts(c, e.workflowId!, e.runId!)).values()) retries += a.attempt - 1;

    entry.checks.push({
      check: 'every third call of each activity type failed, before and after the activity ran',
      ok:
        [...byType.values()].every((v) => v.injected === Math.floor(v.calls / 3)) &&
        injected.some((e) => e.injected === 'before') &&
        injected.some((e) => e.injected === 'after') &&
        injected.length >= 8,
      detail: `${injected.length} injected (${injected.filter((e) => e.injected === 'before').length} before, ${injected.filter((e) => e.injected === 'after').length} after the activity ran); ${summary}`,
    });
    entry.checks.push({
      check: 'no failure other than the injected ones',
      ok: other.length === 0,
      detail: other.length
        ? other
            .map((e) => `${e.type}: ${e.message}`)
            .slice(0, 3)
            .join('; ')
        : 'none',
    });
    entry.checks.push({
      check: 'each injected failure was retried by Temporal (one extra attempt each in the histories)',
      ok: retries === injected.length,
      detail: `${retries} retries over ${runs.size} workflow runs, ${injected.length} injected failures`,
    });
    entry.checks.push(statusCheck(report));
    entry.checks.push(...compareToReference(await readStoredScan(rig.storeDir, scanId), rig.ref.stored));

    // recordProgress is at-least-once: a failure injected after its write makes Temporal run it again with the same
    // payload, which the store must not record twice
    const store = await openStore({ dataDir: rig.storeDir });
    try {
      const r = await store.sql.query<{ n: number; distinct_n: number }>(
        `SELECT COUNT(*)::int AS n, COUNT(DISTINCT payload::text)::int AS distinct_n FROM scan_events WHERE scan_id = $1 AND kind = 'progress'`,
        [scanId],
      );
      const after = injected.filter((e) => e.type === 'recordProgress' && e.injected === 'after').length;
      entry.checks.push({
        check: 'a recordProgress retried after its write adds no second progress event',
        ok: after >= 1 && r.rows[0].n === r.rows[0].distinct_n && r.rows[0].n > 0,
        detail: `${r.rows[0].n} progress rows, ${r.rows[0].distinct_n} distinct payloads; ${after} recordProgress failure(s) injected after the write`,
      });
    } finally {
      await store.close();
    }
  });
}, 480_000);
