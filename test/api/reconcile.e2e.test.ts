/**
 * Issue 18 item 3 against the real `sigmap serve`: the store's scan status follows what became of the workflow in
 * Temporal. A workflow whose code throws (a TypeError from an input nobody checked) fails instead of retrying its
 * workflow task forever; one past its execution timeout times out; terminated ones are terminated; none of them counts
 * as active, so eight terminated scans do not lock a group out, also when they were terminated while the API was
 * down. A +-1e308 range is refused with a 400 naming the field before any workflow starts.
 *
 * The Temporal dev server is this test's (the API reuses a server that answers on its port), so workflows can be
 * started and terminated directly, as an operator with the Temporal CLI would, and it outlives API restarts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { validateScanSpec, type ScanSpec } from '@sigmap/contracts';
import { freePort, startDevServer, type DevServer } from '@sigmap/orchestration';
import { openStore } from '@sigmap/store';
import { startScanWorkflow } from '@sigmap/workflows/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, excursion, serve, waitFor, type Json, type Served } from './harness';

const fields = (r: { body: Json }) => (r.body?.fields ?? []).map((f: { field: string }) => f.field);

let home: string;
let port: number;
let server: DevServer;
let connection: Connection;
let client: Client;
let api: Served | null = null;
const env = () => ({ SIGMAP_API_RATE_LIMIT: '100000', SIGMAP_TEMPORAL_PORT: String(port), SIGMAP_API_RECONCILE_MS: '3600000' });

/** Rows as the API writes them for a scan of group alpha, for workflows this test starts itself. */
async function storeRows(ids: string[]): Promise<void> {
  const store = await openStore({ dataDir: join(home, 'store') });
  for (const id of ids) {
    await store.createScan(id, validateScanSpec(excursion({ name: id })));
    await store.sql.query(`INSERT INTO api_scan_access (scan_id, group_id, visibility) VALUES ($1, 'alpha', 'private')`, [id]);
  }
  await store.close();
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'sigmap-reconcile-'));
  port = await freePort();
  server = await startDevServer({ dbFile: join(home, 'temporal', 'dev.sqlite'), port, uiPort: 'headless' });
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection });
  await storeRows(['direct-typeerror', 'direct-timeout']);
  // a spec without fidelity: the workflow's own code throws a TypeError reading spec.fidelity.default
  const broken = { ...validateScanSpec(excursion({ name: 'broken' })), fidelity: undefined } as unknown as ScanSpec;
  await startScanWorkflow(client, { scanId: 'direct-typeerror', spec: broken });
  // a valid scan that cannot finish within its execution timeout
  await startScanWorkflow(
    client,
    { scanId: 'direct-timeout', spec: validateScanSpec(excursion({ name: 'slow', budget: 2000, target: 0 })) },
    { workflowExecutionTimeout: '20 seconds' },
  );
  api = await serve({ home, groups: ['alpha', 'beta'], env: env() });
}, 240_000);

afterAll(async () => {
  await api?.stop();
  await connection?.close();
  await server?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const terminate = (id: string) => client.workflow.getHandle(id).terminate('operator: terminated by the reconcile test');

/** Eight excursion scans of one group through the API (`after` runs on each id as it is accepted); their ids. */
async function submitEight(key: string, seed: number, after?: (id: string) => Promise<unknown>): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 8; i++) {
    const r = await call(api!.url, 'POST', '/api/scans', { key, body: excursion({ budget: 400, target: 0, seed: seed + i }) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    ids.push(r.body.scanId);
    await after?.(r.body.scanId);
  }
  return ids;
}

const statusOf = async (id: string, key: string) => (await call(api!.url, 'GET', `/api/scans/${id}`, { key })).body.status as string;

describe('scan status reconciled with Temporal', () => {
  it('a workflow that throws a TypeError fails (no endless workflow-task retries) and the store says failed', async () => {
    await waitFor(
      () => statusOf('direct-typeerror', api!.keys.alpha),
      (s) => s === 'failed',
      90_000,
      1000,
    );
    const d = await client.workflow.getHandle('direct-typeerror').describe();
    expect(d.status.name).toBe('FAILED');
  }, 120_000);

  it('a workflow past its execution timeout is timed-out in the store', async () => {
    await waitFor(
      () => statusOf('direct-timeout', api!.keys.alpha),
      (s) => s === 'timed-out',
      90_000,
      1000,
    );
    expect((await client.workflow.getHandle('direct-timeout').describe()).status.name).toBe('TIMED_OUT');
  }, 120_000);

  it('refuses a +-1e308 parameter range with a 400 naming the field (no workflow is started)', async () => {
    const r = await call(api!.url, 'POST', '/api/scans', {
      key: api!.keys.alpha,
      body: excursion({ parameters: { x: { min: -1e308, max: 1e308, scale: 'linear' }, y: { min: 0, max: 1.5, scale: 'linear' } } }),
    });
    expect([r.status, fields(r)]).toEqual([400, ['parameters.x.min']]);
    expect(r.body.message).toMatch(/within \+-1e\+12/);
  });

  it('eight terminated scans are terminated in the store and do not lock the group out (429 limit counts running scans)', async () => {
    const ids = await submitEight(api!.keys.alpha, 20, terminate);
    for (const id of ids) expect(await statusOf(id, api!.keys.alpha)).toBe('terminated');
    const ninth = await call(api!.url, 'POST', '/api/scans', { key: api!.keys.alpha, body: excursion({ seed: 30 }) });
    expect(ninth.status, JSON.stringify(ninth.body)).toBe(201);
    const list = await call(api!.url, 'GET', '/api/scans', { key: api!.keys.alpha });
    expect(list.body.scans.filter((s: { status: string }) => s.status === 'terminated')).toHaveLength(8);
  }, 240_000);

  it('eight scans terminated while nobody read them, then an API restart: the group can still submit', async () => {
    const ids = await submitEight(api!.keys.beta, 40);
    // all eight terminated after the last submission (each submission reconciles the group's earlier scans)
    for (const id of ids) await terminate(id);
    const betaKey = api!.keys.beta;
    await api!.stop();
    api = null;
    // the store still says running: nothing read them and the periodic reconciliation is an hour away
    const store = await openStore({ dataDir: join(home, 'store') });
    const before = await Promise.all(ids.map(async (id) => (await store.getScan(id))?.status));
    await store.close();
    expect(before).toEqual(ids.map(() => 'running'));
    // the restarted API reads the same key file
    api = await serve({ home, env: env() });
    const ninth = await call(api.url, 'POST', '/api/scans', { key: betaKey, body: excursion({ seed: 50 }) });
    expect(ninth.status, JSON.stringify(ninth.body)).toBe(201);
  }, 300_000);
});
