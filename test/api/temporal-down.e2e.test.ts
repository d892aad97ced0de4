/**
 * Issue 18 item 11: while Temporal is unreachable every route that needs it answers 503 within TEMPORAL_TIMEOUT_MS
 * (apps/api/src/infra/temporal.service.ts: 3 s) instead of hanging (`/contour` took over 20 s) or answering 500
 * (`pause`). The API runs client-only with TEMPORAL_ADDRESS at a closed loopback port; the scan rows are written
 * into its store beforehand, as the API records them. Routes that need only the store keep answering. Second case:
 * Temporal answering at first (a dev server, the API connected and a scan started), then killed.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@sigmap/store';
import { freePort, startDevServer, temporalBin, type DevServer } from '@sigmap/orchestration';
import { ensureAccessTable } from '@sigmap/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, excursion, serve, type Served } from './harness';

const STATED_MS = 3000;
let home: string;
let api: Served;
beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'sigmap-temporal-down-'));
  const store = await openStore({ dataDir: join(home, 'store') });
  await store.createScan('alpha-running-1', { ...excursion(), name: 'alpha-running' } as never);
  await ensureAccessTable(store);
  await store.sql.query(`INSERT INTO api_scan_access (scan_id, group_id, visibility) VALUES ('alpha-running-1', 'alpha', 'private')`);
  await store.close();
  // a loopback port nobody listens on
  const closed = await freePort();
  api = await serve({ home, groups: ['alpha'], args: ['--temporal', `127.0.0.1:${closed}`], env: { SIGMAP_API_RATE_LIMIT: '100000' } });
}, 180_000);
afterAll(async () => {
  await api?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('Temporal unreachable', () => {
  const routes: [string, string, Record<string, unknown> | undefined][] = [
    ['GET', '/api/scans/alpha-running-1/contour', undefined],
    ['POST', '/api/scans/alpha-running-1/pause', undefined],
    ['POST', '/api/scans/alpha-running-1/resume', undefined],
    ['POST', '/api/scans/alpha-running-1/cancel', undefined],
    ['POST', '/api/scans/alpha-running-1/extend', { points: 5 }],
    ['POST', '/api/scans', excursion() as Record<string, unknown>],
  ];
  it.each(routes)(
    `%s %s answers 503 within ${STATED_MS / 1000} s, twice in a row`,
    async (method, path, body) => {
      for (let i = 0; i < 2; i++) {
        const t0 = performance.now();
        const r = await call(api.url, method, path, { key: api.keys.alpha, body });
        const ms = performance.now() - t0;
        expect([r.status, r.body?.message ?? r.body], `${method} ${path} (${ms.toFixed(0)} ms)`).toEqual([503, expect.stringMatching(/temporal/i)]);
        expect(ms, `${method} ${path}`).toBeLessThan(STATED_MS + 1000);
      }
    },
    30_000,
  );

  it('routes that need only the store still answer', async () => {
    expect((await call(api.url, 'GET', '/api/scans/alpha-running-1', { key: api.keys.alpha })).status).toBe(200);
    expect((await call(api.url, 'GET', '/api/scans', { key: api.keys.alpha })).status).toBe(200);
    expect((await call(api.url, 'GET', '/healthz')).status).toBe(200);
  });
});

describe.skipIf(!existsSync(temporalBin()))('Temporal gone after the API connected to it', () => {
  let dev: DevServer | null = null;
  let api2: Served | null = null;
  let home2 = '';
  let scanId = '';
  beforeAll(async () => {
    home2 = mkdtempSync(join(tmpdir(), 'sigmap-temporal-gone-'));
    const port = await freePort();
    dev = await startDevServer({ port, dbFile: join(home2, 'temporal', 'dev.sqlite') });
    // client-only: no workers, so the workflow just waits; the API's connection is what matters
    api2 = await serve({ groups: ['alpha'], args: ['--temporal', dev.address], env: { SIGMAP_API_RATE_LIMIT: '100000' } });
    const r = await call(api2.url, 'POST', '/api/scans', { key: api2.keys.alpha, body: excursion({ name: 'gone' }) });
    expect(r.status).toBe(201);
    scanId = r.body.scanId as string;
    await dev.stop('SIGKILL');
  }, 240_000);
  afterAll(async () => {
    await api2?.stop();
    await dev?.stop().catch(() => undefined);
    if (home2) rmSync(home2, { recursive: true, force: true });
  });

  it(`contour, pause, extend and a new submission answer 503 within ${STATED_MS / 1000} s`, async () => {
    const routes: [string, string, unknown][] = [
      ['GET', `/api/scans/${scanId}/contour`, undefined],
      ['POST', `/api/scans/${scanId}/pause`, undefined],
      ['POST', `/api/scans/${scanId}/extend`, { points: 5 }],
      ['POST', '/api/scans', excursion({ name: 'after' })],
    ];
    for (const [method, path, body] of routes) {
      const t0 = performance.now();
      const r = await call(api2!.url, method, path, { key: api2!.keys.alpha, body });
      const ms = performance.now() - t0;
      expect([r.status, r.body?.message ?? r.body], `${method} ${path} (${ms.toFixed(0)} ms)`).toEqual([503, expect.stringMatching(/temporal/i)]);
      expect(ms, `${method} ${path}`).toBeLessThan(STATED_MS + 1000);
    }
    expect((await call(api2!.url, 'GET', `/api/scans/${scanId}`, { key: api2!.keys.alpha })).status).toBe(200);
  }, 60_000);
});
