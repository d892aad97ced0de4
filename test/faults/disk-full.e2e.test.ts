import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, it } from 'vitest';
import { sleep, stopWorker, tmp } from '../orchestration/helpers';
import { compareToReference, faultCase, faultRig, readStoredScan, scanResult, skipFault, startFaultScan, statusCheck, Teardown } from './harness';

// Fault: the disk of the store directory fills up mid-scan. The worker's PGlite data directory lives on its own
// size-limited tmpfs (64 MiB; a fresh store takes ~39 MiB), so "disk full" is a real ENOSPC from the kernel. When the
// first limit of the scan starts fitting, a ballast file takes every free byte; the limit's store writes (first rows
// of the limits/evaluations tables: the relation files must grow) fail with "No space left on device". The disk stays
// full for 5 s and until three such failures were seen (bounded, well inside the retry policies), then the ballast
// is deleted: the retries must succeed and the scan complete with the undisturbed results, nothing half-written or
// duplicated.
// Mounting a tmpfs needs root (CAP_SYS_ADMIN); without it the case is reported as skipped, never as passed.
const FILE = 'test/faults/disk-full.e2e.test.ts';
const FAULT = 'store disk full (ENOSPC) mid-scan';
const dir = tmp('fault-disk');
const teardown = new Teardown(dir);
afterAll(() => teardown.run());

/** Mounts a tmpfs of `mib` MiB on `at`; null when it worked, else why not. */
function mountTmpfs(at: string, mib: number): string | null {
  mkdirSync(at, { recursive: true });
  if (process.getuid?.() !== 0) return `mounting a size-limited tmpfs needs root (uid ${process.getuid?.()})`;
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${mib}m`, 'tmpfs', at], { encoding: 'utf8' });
  return r.status === 0 ? null : `mount -t tmpfs failed: ${(r.stderr || r.error?.message || '').trim()}`;
}

/** Writes zeros into `file` until the filesystem refuses (ENOSPC); returns the bytes written. */
function fillDisk(file: string): number {
  const fd = openSync(file, 'w');
  let n = 0;
  try {
    for (const size of [1 << 20, 1 << 12]) {
      const buf = Buffer.alloc(size);
      try {
        for (;;) n += writeSync(fd, buf);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      }
    }
  } finally {
    closeSync(fd);
  }
  return n;
}

const freeBytes = (at: string) => {
  const s = statfsSync(at);
  return s.bavail * s.bsize;
};

it('store disk full mid-scan, then space returns: the scan completes with the undisturbed results', async (ctx) => {
  const mnt = join(dir, 'storefs');
  const whyNot = mountTmpfs(mnt, 64);
  if (whyNot) {
    await skipFault(FAULT, FILE, 'store directory on a 64 MiB tmpfs filled by a ballast file', whyNot);
    ctx.skip();
    return;
  }
  teardown.add('umount', () => {
    if (spawnSync('umount', [mnt]).status !== 0) spawnSync('umount', ['-l', mnt]);
  });
  await faultCase(FAULT, FILE, async (entry) => {
    const rig = await faultRig({ dir, teardown, entry, storeDir: join(mnt, 'store') });
    const { worker, trace } = rig;
    const scanId = 'fault-disk-full';
    const { t0 } = await startFaultScan(rig, scanId);
    const first = await trace.next((e) => e.event === 'start' && e.type === 'computeLimit', 180_000, 'the first computeLimit');
    const ballast = join(mnt, 'ballast');
    const freeBefore = freeBytes(mnt);
    const filled = fillDisk(ballast);
    const fullAt = performance.now();
    // keep the disk full for 5 s and until three store writes failed for lack of space (at most 20 s: the limit
    // activity retries after 1, 2, 4, 8 s, so this stays well inside its 8 attempts)
    const enospc = (e: { event: string; message?: string }) => e.event === 'fail' && /no space left on device/i.test(e.message ?? '');
    while ((trace.count(enospc) < 3 || performance.now() - fullAt < 5000) && performance.now() - fullAt < 20_000) await sleep(100);
    const failuresWhileFull = trace.events.filter(enospc);
    unlinkSync(ballast);
    const freedAt = performance.now();
    entry.injected = `store directory on a 64 MiB tmpfs; when computeLimit #${first.activityId} (the scan's first limit) started, a ballast file took every free byte (${(filled / 2 ** 20).toFixed(1)} of ${(freeBefore / 2 ** 20).toFixed(1)} MiB free); deleted after ${((freedAt - fullAt) / 1000).toFixed(1)} s`;

    const report = await scanResult(rig.client, scanId, 240_000);
    const doneAt = performance.now();
    const workerSurvived = worker.proc.exitCode === null && worker.proc.signalCode === null;
    await stopWorker(worker);
    entry.timings.scan = Math.round(doneAt - t0);
    entry.timings.diskFull = Math.round(freedAt - fullAt);
    entry.timings.recovery = Math.round(doneAt - freedAt);

    const failedTypes = [...new Set(failuresWhileFull.map((e) => e.type))].join(', ');
    entry.checks.push({
      check: 'the full disk made store writes fail (ENOSPC) while it lasted',
      ok: failuresWhileFull.length > 0,
      detail: `${failuresWhileFull.length} activity attempts failed (${failedTypes || 'none'}): ${failuresWhileFull[0]?.message?.split('\n')[0] ?? '-'}`,
    });
    const otherFailures = trace.events.filter((e) => e.event === 'fail' && !enospc(e));
    entry.checks.push({
      check: 'failures were clean (only ENOSPC errors) and the worker process survived',
      ok: otherFailures.length === 0 && workerSurvived,
      detail: `${otherFailures.length} other failures${otherFailures[0] ? ` (${otherFailures[0].type}: ${otherFailures[0].message})` : ''}; worker ${workerSurvived ? 'still running' : 'exited'}`,
    });
    entry.checks.push(statusCheck(report));
    entry.checks.push(...compareToReference(await readStoredScan(rig.storeDir, scanId), rig.ref.stored));
  });
}, 480_000);
