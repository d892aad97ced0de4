/**
 * Issue 18 item 1 against the real `sigmap serve` (embedded dev server + workers): cost limits checked before a
 * workflow starts and before an extend is applied (4xx naming the field), a maximal allowed full-fidelity scan
 * accepted while /healthz stays fast (the simulations run in compute threads, off the API's event loop), and a
 * cancel that stops the scan's running simulations within seconds (observed as the API process's CPU time).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, excursion, serve, waitFor, type Json, type Served } from './harness';

const fields = (r: { body: Json }) => (r.body?.fields ?? []).map((f: { field: string }) => f.field);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user + system, every thread) of a process so far, from /proc. */
function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** CPU seconds per second of a process over `ms`. */
async function cpuRate(pid: number, ms = 1000): Promise<number> {
  const c0 = cpuOf(pid);
  const t0 = performance.now();
  await sleep(ms);
  return (cpuOf(pid) - c0) / ((performance.now() - t0) / 1000);
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

/** A full-fidelity Z' scan: budget x events at the default per-scan limit (2e8 event equivalents) when budget is 200. */
const maximal = (over: Record<string, unknown> = {}) => ({
  name: 'maximal',
  family: 'zprime-ssm',
  parameters: { mass: { min: 1500, max: 6000, scale: 'log' }, g: { min: 0.1, max: 1, scale: 'log' } },
  searches: ['own-dilepton-resonance-13tev'],
  fidelity: { default: 'full', events: 1_000_000 },
  mode: 'continuous',
  batchSize: 200,
  budget: 200,
  seed: 9,
  ...over,
});

describe('cost limits with the defaults, a maximal full-fidelity scan, cancel', () => {
  let api: Served;
  beforeAll(async () => {
    api = await serve({ groups: ['alpha'], env: { SIGMAP_API_RATE_LIMIT: '100000' } });
  }, 180_000);
  afterAll(async () => {
    await api?.stop();
  });

  it('refuses a scan over the limits before any workflow starts, naming the field', async () => {
    const events = await call(api.url, 'POST', '/api/scans', { key: api.keys.alpha, body: maximal({ fidelity: { default: 'full', events: 1_000_001 } }) });
    expect([events.status, fields(events)]).toEqual([400, ['fidelity.events']]);
    expect(events.body.message).toMatch(/over the limit of 1000000 \(SIGMAP_API_MAX_EVENTS\)/);
    const budget = await call(api.url, 'POST', '/api/scans', { key: api.keys.alpha, body: maximal({ budget: 201 }) });
    expect([budget.status, fields(budget)]).toEqual([400, ['budget']]);
    expect(budget.body.message).toMatch(/201 points x 1 search x 1000000 events x 1 \(full\) = 2\.0e8 event equivalents, over the per-scan limit of 2\.0e8/);
    const list = await call(api.url, 'GET', '/api/scans', { key: api.keys.alpha });
    expect(list.body.scans).toEqual([]);
  });

  it('accepts the maximal allowed scan; /healthz stays fast while its simulations run; cancel stops them within seconds', async () => {
    const idle = await cpuRate(api.apiPid, 2000);
    const sub = await call(api.url, 'POST', '/api/scans', { key: api.keys.alpha, body: maximal() });
    expect(sub.status).toBe(201);
    expect(sub.body.cost).toBe(2e8);
    const id = sub.body.scanId as string;
    // the simulations have started once the API process works hard
    let busy = 0;
    const t0 = performance.now();
    while (busy < 0.6 && performance.now() - t0 < 120_000) busy = await cpuRate(api.apiPid, 1000);
    expect(busy, 'the API process (workers + compute threads) is busy simulating').toBeGreaterThanOrEqual(0.6);

    // extends are refused once the scan is at the per-scan cost limit
    const ext = await call(api.url, 'POST', `/api/scans/${id}/extend`, { key: api.keys.alpha, body: { points: 1 } });
    expect([ext.status, fields(ext)]).toEqual([400, ['points']]);

    const ms: number[] = [];
    const failures: string[] = [];
    for (let i = 0; i < 150; i++) {
      const s = performance.now();
      try {
        const r = await fetch(`${api.url}/healthz`, { signal: AbortSignal.timeout(30_000) });
        await r.text();
        if (r.status !== 200) failures.push(`status ${r.status}`);
      } catch (e) {
        failures.push((e as Error).message);
      }
      ms.push(performance.now() - s);
      await sleep(20);
    }
    const during = await cpuRate(api.apiPid, 1000);
    const p50 = quantile(ms, 0.5),
      p95 = quantile(ms, 0.95),
      max = Math.max(...ms);

    const cancel = await call(api.url, 'POST', `/api/scans/${id}/cancel`, { key: api.keys.alpha });
    expect(cancel.status).toBe(202);
    const tc = performance.now();
    let rate = during;
    while (rate > Math.max(0.25, idle + 0.15) && performance.now() - tc < 60_000) rate = await cpuRate(api.apiPid, 1000);
    const stopS = (performance.now() - tc) / 1000;
    const final = await waitFor(
      () => call(api.url, 'GET', `/api/scans/${id}`, { key: api.keys.alpha }),
      (r) => r.body.status === 'cancelled',
      60_000,
    );
    process.stdout.write(
      `maximal full scan (200 points x 1e6 events, compute ${process.env.SIGMAP_COMPUTE_THREADS ?? 'threads'}): /healthz p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms over ${ms.length} requests (${failures.length} failed${failures.length ? `: ${failures[0]}` : ''}); ` +
        `API process CPU ${idle.toFixed(2)} s/s idle, ${busy.toFixed(2)} busy, ${during.toFixed(2)} while measured; cancel -> simulations stopped in ${stopS.toFixed(1)} s (CPU ${rate.toFixed(2)} s/s); ${final.body.evaluations} evaluations\n`,
    );
    expect(failures).toEqual([]);
    expect(p95).toBeLessThan(200);
    expect(stopS).toBeLessThan(15);
  }, 400_000);
});

describe('cumulative extends and the group cost, with small limits', () => {
  let api: Served;
  beforeAll(async () => {
    // an excursion lookup point costs 20: budget 200 costs 4000; a group may have 10000 in active scans
    api = await serve({
      groups: ['alpha', 'beta'],
      env: { SIGMAP_API_RATE_LIMIT: '100000', SIGMAP_API_MAX_EXTEND_POINTS: '50', SIGMAP_API_MAX_GROUP_COST: '10000' },
    });
  }, 180_000);
  afterAll(async () => {
    await api?.stop();
  });

  it('caps what extends add to one scan in all, naming points; a refused extend books nothing', async () => {
    const sub = await call(api.url, 'POST', '/api/scans', { key: api.keys.alpha, body: excursion({ budget: 40, target: 0 }) });
    expect(sub.status).toBe(201);
    const id = sub.body.scanId;
    expect((await call(api.url, 'POST', `/api/scans/${id}/pause`, { key: api.keys.alpha })).status).toBe(202);
    await waitFor(
      () => call(api.url, 'GET', `/api/scans/${id}`, { key: api.keys.alpha }),
      (r) => r.body.status === 'paused',
      60_000,
    );
    const a = await call(api.url, 'POST', `/api/scans/${id}/extend`, { key: api.keys.alpha, body: { points: 30 } });
    expect([a.status, a.body.budget, a.body.extendedPoints]).toEqual([200, 70, 30]);
    const b = await call(api.url, 'POST', `/api/scans/${id}/extend`, { key: api.keys.alpha, body: { points: 21 } });
    expect([b.status, fields(b)]).toEqual([400, ['points']]);
    expect(b.body.message).toMatch(/may add 50 points in all \(SIGMAP_API_MAX_EXTEND_POINTS\); 30 added so far, 21 more asked/);
    const c = await call(api.url, 'POST', `/api/scans/${id}/extend`, { key: api.keys.alpha, body: { points: 20 } });
    expect([c.status, c.body.budget, c.body.extendedPoints]).toEqual([200, 90, 50]);
    const d = await call(api.url, 'POST', `/api/scans/${id}/extend`, { key: api.keys.alpha, body: { points: 1 } });
    expect([d.status, fields(d)]).toEqual([400, ['points']]);
    expect((await call(api.url, 'GET', `/api/scans/${id}`, { key: api.keys.alpha })).body.extendedPoints).toBe(50);
    expect((await call(api.url, 'POST', `/api/scans/${id}/cancel`, { key: api.keys.alpha })).status).toBe(202);
    await waitFor(
      () => call(api.url, 'GET', `/api/scans/${id}`, { key: api.keys.alpha }),
      (r) => r.body.status === 'cancelled',
      60_000,
    );
  }, 180_000);

  it("counts the cost of a group's active scans together: 429 naming budget beyond it, room again once one ends", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await call(api.url, 'POST', '/api/scans', { key: api.keys.beta, body: excursion({ budget: 200, target: 0, seed: 10 + i }) });
      expect(r.status).toBe(201);
      ids.push(r.body.scanId);
      await call(api.url, 'POST', `/api/scans/${r.body.scanId}/pause`, { key: api.keys.beta });
    }
    const third = await call(api.url, 'POST', '/api/scans', { key: api.keys.beta, body: excursion({ budget: 200, target: 0, seed: 12 }) });
    expect([third.status, fields(third)]).toEqual([429, ['budget']]);
    expect(third.body.message).toMatch(/2 active scans costing 8000 of its limit of 10000 \(SIGMAP_API_MAX_GROUP_COST\)/);
    // a smaller scan fits in what is left; another group has its own
    expect((await call(api.url, 'POST', '/api/scans', { key: api.keys.beta, body: excursion({ budget: 100, target: 0, seed: 13 }) })).status).toBe(201);
    expect((await call(api.url, 'POST', '/api/scans', { key: api.keys.alpha, body: excursion({ budget: 200, target: 0, seed: 14 }) })).status).toBe(201);
    expect((await call(api.url, 'POST', `/api/scans/${ids[0]}/cancel`, { key: api.keys.beta })).status).toBe(202);
    await waitFor(
      () => call(api.url, 'GET', `/api/scans/${ids[0]}`, { key: api.keys.beta }),
      (r) => r.body.status === 'cancelled',
      60_000,
    );
    expect((await call(api.url, 'POST', '/api/scans', { key: api.keys.beta, body: excursion({ budget: 200, target: 0, seed: 15 }) })).status).toBe(201);
  }, 240_000);
});
