/**
 * Issue 18 items 4, 6 and 12 against the real `sigmap serve` (client-only: Temporal at an unreachable address; the
 * scans are written into the store before the server owns it): event streams limited per address and per group with
 * an idle end; catalogue registrations reviewed before they count in the public map, unknown families refused, delete
 * by the owning group; key revocation without a restart; a decompression limit for `sigmap catalogue add`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@sigmap/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, excursion, readSse, REPO, serve, waitFor, type Json, type Served } from './harness';

const BIN = join(REPO, 'apps', 'cli', 'bin', 'sigmap.js');
const fields = (r: { body: Json }) => (r.body?.fields ?? []).map((f: { field: string }) => f.field);
const PER_ADDRESS = 4;
const PER_GROUP = 2;
const IDLE_MS = 2000;

let home: string;
let api: Served;
beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'sigmap-abuse-'));
  const store = await openStore({ dataDir: join(home, 'store') });
  // a running public scan with one progress event (its stream stays open: no terminal status)
  await store.createScan('public-running-1', { ...excursion(), name: 'public-running' } as never);
  await store.sql.query(`INSERT INTO api_scan_access (scan_id, group_id, visibility) VALUES ('public-running-1', 'alpha', 'public')`);
  await store.putProgress({ scanId: 'public-running-1', round: 1, status: 'running', evaluated: 10, budget: 40, misclassified: 0.5, target: 0.01 } as never);
  await store.close();
  api = await serve({
    home,
    groups: ['alpha', 'beta', 'admin'],
    args: ['--temporal', '127.0.0.1:1', '--sse-per-address', String(PER_ADDRESS), '--sse-per-group', String(PER_GROUP), '--sse-idle-ms', String(IDLE_MS)],
    env: { SIGMAP_API_RATE_LIMIT: '100000' },
  });
}, 180_000);
afterAll(async () => {
  await api?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** Opens an event stream and keeps it open (not read to its end); returns the status and its closer. */
async function openStream(key?: string): Promise<{ status: number; body: Json; close: () => void }> {
  const ctrl = new AbortController();
  const r = await fetch(`${api.url}/api/scans/public-running-1/events`, {
    headers: { accept: 'text/event-stream', ...(key ? { 'x-api-key': key } : {}) },
    signal: ctrl.signal,
  });
  if (r.status !== 200) return { status: r.status, body: await r.json(), close: () => undefined };
  return { status: 200, body: null, close: () => ctrl.abort() };
}

describe('item 4: event streams are limited per address and per group, and end when idle', () => {
  it(`accepts ${PER_ADDRESS} anonymous streams from one address, answers the next with 429 naming the limit, and frees the slot on close`, async () => {
    const open = [];
    for (let i = 0; i < PER_ADDRESS; i++) open.push(await openStream());
    expect(open.map((s) => s.status)).toEqual(Array(PER_ADDRESS).fill(200));
    const over = await openStream();
    expect(over.status).toBe(429);
    expect(fields(over)).toEqual(['events']);
    expect(over.body.message).toMatch(new RegExp(`limit ${PER_ADDRESS} per address, SIGMAP_API_SSE_PER_ADDRESS`));
    // other routes are not affected while the streams are open
    expect((await call(api.url, 'GET', '/api/coverage')).status).toBe(200);
    open.pop()!.close();
    const again = await waitFor(
      () => openStream(),
      (s) => s.status === 200,
      10_000,
      100,
    );
    open.push(again);
    open.forEach((s) => s.close());
  }, 60_000);

  it(`limits a group to ${PER_GROUP} streams`, async () => {
    // the previous test's closed streams free their per-address slots once the server sees the disconnect
    const opened = () =>
      waitFor(
        () => openStream(api.keys.beta),
        (s) => s.status === 200,
        10_000,
        100,
      );
    const open = [await opened(), await opened()];
    expect(open.map((s) => s.status)).toEqual([200, 200]);
    const over = await openStream(api.keys.beta);
    expect(over.status).toBe(429);
    expect(over.body.message).toMatch(/group 'beta' has 2 open event streams \(limit 2 per group, SIGMAP_API_SSE_PER_GROUP\)/);
    open.forEach((s) => s.close());
  }, 60_000);

  it(`ends a stream with no new event for ${IDLE_MS} ms with an 'end' event of reason 'idle'`, async () => {
    const t0 = performance.now();
    const r = await waitFor(
      () => readSse(`${api.url}/api/scans/public-running-1/events`, undefined, 20_000),
      (x) => x.status === 200,
      10_000,
      200,
    );
    const ms = performance.now() - t0;
    expect(r.events.map((e) => e.event)).toEqual(['progress', 'end']);
    expect(r.events[1].data).toMatchObject({ scanId: 'public-running-1', status: 'running', reason: 'idle' });
    expect(ms).toBeGreaterThanOrEqual(IDLE_MS - 100);
    expect(ms).toBeLessThan(IDLE_MS + 8000);
  }, 60_000);
});

describe('item 6: catalogue registrations are reviewed, per group, with delete', () => {
  const fake = (id: string, families: string[]) => ({
    id,
    experiment: 'FAKE',
    sqrtS: 13,
    lumiFb: 139,
    signatures: ['e-e', 'mu-mu', 'b-b', 't-t', 'W-Z', 'H-H', 'gamma-gamma', 'j-j', 'tau-tau', 'e-mu'],
    families,
    material: 'upper-limit-map',
    version: 'fake.v1',
  });
  let family: string;
  let coveredBefore: number;
  const covered = async () =>
    (
      await waitFor(
        () => call(api.url, 'GET', '/api/coverage'),
        (r) => r.status === 200,
      )
    ).body.summary.covered as number;

  beforeAll(async () => {
    const f = await call(api.url, 'GET', '/api/families');
    family = f.body.families[0].id;
    coveredBefore = await covered();
  });

  it('refuses an unknown family with a 400 naming families[i]', async () => {
    const r = await call(api.url, 'POST', '/api/catalogue', { key: api.keys.beta, body: fake('FAKE-1', [family, 'no-such-family']) });
    expect([r.status, fields(r)]).toEqual([400, ['families[1]']]);
    expect(r.body.message).toMatch(/unknown model family 'no-such-family'/);
  });

  it("a group's registration is pending: not in the public map, visible to its group only, listed as pending", async () => {
    const r = await call(api.url, 'POST', '/api/catalogue', { key: api.keys.beta, body: fake('FAKE-2', [family]) });
    expect(r.status).toBe(201);
    expect(r.body.review).toBe('pending');
    await new Promise((res) => setTimeout(res, 1500)); // past the coverage cache's TTL
    expect(await covered()).toBe(coveredBefore);
    const ids = async (key?: string) => (await call(api.url, 'GET', '/api/catalogue', { key })).body.searches.map((s: Json) => s.id);
    expect(await ids()).not.toContain('FAKE-2');
    expect(await ids(api.keys.alpha)).not.toContain('FAKE-2');
    expect(await ids(api.keys.beta)).toContain('FAKE-2');
    expect((await call(api.url, 'GET', '/api/catalogue/pending', { key: api.keys.beta })).body.pending.map((s: Json) => s.id)).toEqual(['FAKE-2']);
    expect((await call(api.url, 'GET', '/api/catalogue/pending', { key: api.keys.admin })).body.pending.map((s: Json) => s.id)).toEqual(['FAKE-2']);
    expect((await call(api.url, 'GET', '/api/catalogue/pending', { key: api.keys.alpha })).body.pending).toEqual([]);
  });

  it('only a reviewer approves; then it counts; another group cannot delete it, its group can', async () => {
    const notReviewer = await call(api.url, 'POST', '/api/catalogue/FAKE-2/review', { key: api.keys.beta, body: { decision: 'approve' } });
    expect([notReviewer.status, fields(notReviewer)]).toEqual([403, ['group']]);
    const bad = await call(api.url, 'POST', '/api/catalogue/FAKE-2/review', { key: api.keys.admin, body: { decision: 'yes' } });
    expect([bad.status, fields(bad)]).toEqual([400, ['decision']]);
    const ok = await call(api.url, 'POST', '/api/catalogue/FAKE-2/review', { key: api.keys.admin, body: { decision: 'approve' } });
    expect([ok.status, ok.body.review, ok.body.reviewedBy]).toEqual([200, 'approved', 'admin']);
    expect((await call(api.url, 'GET', '/api/catalogue')).body.searches.map((s: Json) => s.id)).toContain('FAKE-2');
    const after = await waitFor(covered, (n) => n > coveredBefore, 10_000);
    expect(after).toBeGreaterThan(coveredBefore);
    const other = await call(api.url, 'DELETE', '/api/catalogue/FAKE-2', { key: api.keys.alpha });
    expect([other.status, fields(other)]).toEqual([403, ['id']]);
    const anon = await call(api.url, 'DELETE', '/api/catalogue/FAKE-2');
    expect(anon.status).toBe(401);
    const del = await call(api.url, 'DELETE', '/api/catalogue/FAKE-2', { key: api.keys.beta });
    expect([del.status, del.body]).toEqual([200, { id: 'FAKE-2', deleted: true }]);
    expect(await waitFor(covered, (n) => n === coveredBefore, 10_000)).toBe(coveredBefore);
    expect((await call(api.url, 'DELETE', '/api/catalogue/FAKE-2', { key: api.keys.beta })).status).toBe(404);
  });

  it('a reviewer deletes any registration; shipped searches are not deleted through the API', async () => {
    expect((await call(api.url, 'POST', '/api/catalogue', { key: api.keys.beta, body: fake('FAKE-3', [family]) })).status).toBe(201);
    expect((await call(api.url, 'DELETE', '/api/catalogue/FAKE-3', { key: api.keys.admin })).status).toBe(200);
    const shipped = (await call(api.url, 'GET', '/api/catalogue')).body.searches[0].id;
    const r = await call(api.url, 'DELETE', `/api/catalogue/${encodeURIComponent(shipped)}`, { key: api.keys.admin });
    expect([r.status, fields(r)]).toEqual([403, ['id']]);
  });
});

describe('item 12: key revocation without a restart; decompression limit for catalogue add', () => {
  it('`sigmap serve --revoke-key GROUP` takes effect on the running server within seconds', async () => {
    const key = api.keys.alpha;
    expect((await call(api.url, 'GET', '/api/catalogue/pending', { key })).status).toBe(200);
    const env = { ...process.env, SIGMAP_HOME: home };
    const r = spawnSync(process.execPath, [BIN, 'serve', '--revoke-key', 'alpha'], { env, encoding: 'utf8', cwd: REPO });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('1');
    const t0 = performance.now();
    const after = await waitFor(
      () => call(api.url, 'GET', '/api/catalogue/pending', { key }),
      (x) => x.status === 401,
      5000,
      100,
    );
    expect(after.body.message).toMatch(/unknown API key/);
    expect(performance.now() - t0).toBeLessThan(5000);
    // the other groups' keys still work, and the server is the same process
    expect((await call(api.url, 'GET', '/api/catalogue/pending', { key: api.keys.beta })).status).toBe(200);
    expect(api.proc.exitCode).toBeNull();
    // a group without keys: exit 1, nothing changed
    expect(spawnSync(process.execPath, [BIN, 'serve', '--revoke-key', 'alpha'], { env, encoding: 'utf8', cwd: REPO }).status).toBe(1);
  }, 60_000);

  it('`sigmap catalogue add` refuses an archive that decompresses beyond the limit, naming the file and the limit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigmap-bomb-'));
    try {
      mkdirSync(join(dir, 'src', 'RegionA'), { recursive: true });
      writeFileSync(join(dir, 'src', 'RegionA', 'BkgOnly.json'), '{"channels": []}');
      writeFileSync(join(dir, 'src', 'RegionA', 'patch.x_1_2.json'), Buffer.alloc(40 * 2 ** 20, 0x20)); // 40 MiB of spaces
      spawnSync('tar', ['czf', join(dir, 'bomb.tar.gz'), '-C', join(dir, 'src'), '.']);
      const r = spawnSync(process.execPath, [BIN, 'catalogue', 'add', join(dir, 'bomb.tar.gz'), '--params', 'a,b', '--max-unpacked', '8mb', '--id', 'BOMB'], {
        encoding: 'utf8',
        cwd: REPO,
        env: { ...process.env, SIGMAP_HOME: join(dir, 'home') },
      });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/bomb\.tar\.gz: decompresses to more than 8 MiB \(the limit for catalogue archives/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
