/**
 * Compute threads (issue 18 item 1): a full-fidelity simulation runs without blocking this event loop, stops within
 * seconds of its cancellation (no CPU burnt after it), and gives the same yields as in-process compute.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { FamilyRegistry } from '@sigmap/families';
import { computeNice, InlineCompute, ThreadCompute } from './compute';
import type { SimulateSearchTask } from './tasks';

const heavy: SimulateSearchTask = {
  family: 'zprime-ssm',
  point: { mass: 3000, g: 0.3 },
  search: 'own-dilepton-resonance-13tev',
  fidelity: 'full',
  events: 1_000_000,
  seed: 5,
  generator: 'builtin',
};

/** Largest gap between 10 ms timer ticks over `ms` (how long this event loop was blocked at most). */
async function maxTimerLag(ms: number): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const t = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 10);
    last = now;
  }, 10);
  await new Promise((r) => setTimeout(r, ms));
  clearInterval(t);
  return worst;
}

/** CPU seconds this process (every thread) spends over `ms` of wall time. */
async function cpuSeconds(ms: number): Promise<number> {
  const c0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, ms));
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

const pool = new ThreadCompute(1, 1000);
afterAll(() => pool.close());

describe('ThreadCompute', () => {
  it('runs a full simulation off this event loop and stops it within seconds of the cancellation', async () => {
    const ctrl = new AbortController();
    const progress: { done: number }[] = [];
    const run = pool.run('simulateSearch', heavy, { signal: ctrl.signal, onProgress: (d) => progress.push(d as { done: number }) });
    run.catch(() => undefined);
    // the first batches come once the thread has loaded its modules and the shower engine
    const t0 = performance.now();
    while (progress.length < 2 && performance.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    const lag = await maxTimerLag(2000);
    const busy = await cpuSeconds(1000);
    const tc = performance.now();
    ctrl.abort(new Error('cancelled by the test'));
    await expect(run).rejects.toThrow('cancelled by the test');
    const answered = performance.now() - tc;
    // the thread gets the grace period (1 s) to stop by itself, then it is terminated
    await new Promise((r) => setTimeout(r, 1500));
    const after = await cpuSeconds(2000);
    const done = progress[progress.length - 1].done;
    process.stdout.write(
      `compute thread: ${progress.length} batches (${done} events) before the cancel; event-loop lag max ${lag.toFixed(1)} ms; CPU ${busy.toFixed(2)} s/s busy, ${(after / 2).toFixed(2)} s/s after the cancel; answered in ${answered.toFixed(0)} ms\n`,
    );
    expect(lag).toBeLessThan(150);
    // shared machines: the thread gets what the other processes leave, but clearly more than after the cancel
    expect(busy).toBeGreaterThan(0.2);
    expect(answered).toBeLessThan(100);
    expect(after / 2).toBeLessThan(0.25);
    expect(progress.length).toBeLessThan(Math.ceil(heavy.events / 256));
  }, 120_000);

  it('gives the same yields as in-process compute, and runs the next task after a cancelled one', async () => {
    const small = { ...heavy, fidelity: 'fast' as const, events: 300 };
    const families = new FamilyRegistry();
    const inline = await new InlineCompute(families).run('simulateSearch', small);
    const threaded = await pool.run('simulateSearch', small);
    expect(threaded).toEqual(inline);
    await families.close();
  }, 120_000);

  it('Pythia: a cancelled simulation leaves no generator process behind', async () => {
    /** Processes whose command line runs the Pythia driver of @sigmap/generators. */
    const drivers = () =>
      readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .filter((d) => {
          try {
            return /sigmap_pythia\.py/.test(readFileSync(`/proc/${d}/cmdline`, 'utf8'));
          } catch {
            return false;
          }
        });
    const before = drivers().length;
    const ctrl = new AbortController();
    const progress: unknown[] = [];
    const run = pool.run(
      'simulateSearch',
      { ...heavy, fidelity: 'fast', events: 200_000, generator: 'pythia8' },
      { signal: ctrl.signal, onProgress: (d) => progress.push(d) },
    );
    run.catch(() => undefined);
    const t0 = performance.now();
    while (progress.length < 1 && performance.now() - t0 < 90_000) await new Promise((r) => setTimeout(r, 100));
    expect(progress.length, 'Pythia reported a batch').toBeGreaterThanOrEqual(1);
    expect(drivers().length).toBeGreaterThan(before);
    ctrl.abort(new Error('cancelled by the test'));
    await expect(run).rejects.toThrow('cancelled by the test');
    const t1 = performance.now();
    while (drivers().length > before && performance.now() - t1 < 10_000) await new Promise((r) => setTimeout(r, 100));
    process.stdout.write(`pythia driver gone ${((performance.now() - t1) / 1000).toFixed(1)} s after the cancel\n`);
    expect(drivers().length).toBe(before);
  }, 180_000);

  it('carries input errors across the thread boundary', async () => {
    await expect(pool.run('simulateSearch', { ...heavy, point: { mass: 9000, g: 1 }, events: 10 })).rejects.toMatchObject({
      name: 'InputError',
      field: 'point.mass',
    });
  }, 60_000);

  it('runs its threads at the nice value asked for (per thread on Linux), below this event loop', async () => {
    /** Nice value from a /proc stat file (field 19). */
    const niceOf = (path: string) => {
      const st = readFileSync(path, 'utf8');
      return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[16]);
    };
    const niceOfThreads = () => readdirSync('/proc/self/task').map((t) => niceOf(`/proc/self/task/${t}/stat`));
    // this thread's nice value before (the suite may itself run niced); the compute threads go to 19
    const own = niceOf('/proc/thread-self/stat');
    expect(own).toBeLessThan(19);
    const before = niceOfThreads().filter((n) => n === 19).length;
    const niced = new ThreadCompute(1, 1000, 19);
    try {
      await niced.run('simulateSearch', { ...heavy, fidelity: 'fast', events: 50 });
      expect(niceOfThreads().filter((n) => n === 19).length).toBeGreaterThan(before);
      // this thread (the event loop) keeps its priority
      expect(niceOf('/proc/thread-self/stat')).toBe(own);
    } finally {
      await niced.close();
    }
  }, 120_000);

  it('reads SIGMAP_COMPUTE_NICE: default 10, 0-19, else an error naming it', () => {
    expect(computeNice({})).toBe(10);
    expect(computeNice({ SIGMAP_COMPUTE_NICE: '0' })).toBe(0);
    expect(computeNice({ SIGMAP_COMPUTE_NICE: '19' })).toBe(19);
    for (const bad of ['-1', '20', '2.5', 'low'])
      expect(() => computeNice({ SIGMAP_COMPUTE_NICE: bad })).toThrow(/SIGMAP_COMPUTE_NICE: expected an integer from 0 to 19/);
  });
});
