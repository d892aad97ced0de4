/**
 * Issue 18, hostile callers against the real `sigmap serve` (client-only: Temporal at an unreachable address, so no
 * dev server is needed): deep nesting and bad text answered 400 naming the field, scans without an access row
 * private, one process per SIGMAP_HOME, rate limiting before authentication, security headers, no key in SSE URLs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@sigmap/store';
import { ensureAccessTable } from '@sigmap/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, excursion, REPO, serve, type Json, type Served } from './harness';

const CLIENT_ONLY = ['--temporal', '127.0.0.1:1'];
const fields = (r: { body: Json }) => (r.body?.fields ?? []).map((f: { field: string }) => f.field);
const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);

let home: string;
let api: Served;
beforeAll(async () => {
  // a scan started outside the API (no access row), written before the server owns the store
  home = mkdtempSync(join(tmpdir(), 'sigmap-hardening-'));
  const store = await openStore({ dataDir: join(home, 'store') });
  await store.createScan('operator-scan-1', { ...excursion(), name: 'operator' } as never);
  // and a private scan of group alpha, as the API records one
  await store.createScan('alpha-private-1', { ...excursion(), name: 'alpha-private' } as never);
  await store.sql.query(`UPDATE scans SET status = 'failed' WHERE scan_id = 'alpha-private-1'`);
  await ensureAccessTable(store);
  await store.sql.query(`INSERT INTO api_scan_access (scan_id, group_id, visibility) VALUES ('alpha-private-1', 'alpha', 'private')`);
  await store.close();
  api = await serve({ home, groups: ['alpha', 'beta'], args: CLIENT_ONLY, env: { SIGMAP_API_RATE_LIMIT: '100000' } });
}, 180_000);
afterAll(async () => {
  await api?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('input the store or the parsers cannot take: 400 naming the field, never a 500', () => {
  it('refuses bodies nested deeper than the limit before parsing them', async () => {
    for (const depth of [33, 5000, 20_000]) {
      const r = await call(api.url, 'POST', '/api/scans', { key: api.keys.alpha, raw: `{"parameters":${nested(depth)}}` });
      expect([r.status, fields(r)], `depth ${depth}`).toEqual([400, ['body']]);
      expect(r.body.message).toMatch(/nested deeper than 32/);
      const c = await call(api.url, 'POST', '/api/catalogue', { key: api.keys.alpha, raw: nested(depth) });
      expect([c.status, fields(c)]).toEqual([400, ['body']]);
    }
    // brackets inside strings do not count
    const r = await call(api.url, 'POST', '/api/scans/x/extend', { key: api.keys.alpha, raw: JSON.stringify({ points: 5, note: '['.repeat(100) }) });
    expect(r.status).not.toBe(500);
    expect(fields(r)).not.toContain('body');
  });

  it('refuses NUL and lone surrogates in path parameters, query values and body fields', async () => {
    for (const id of ['%00', 'abc%00def']) {
      for (const path of ['', '/points', '/contour', '/events']) {
        const r = await call(api.url, 'GET', `/api/scans/${id}${path}`);
        expect([r.status, fields(r)], `GET /api/scans/${id}${path}`).toEqual([400, ['id']]);
      }
      const r = await call(api.url, 'POST', `/api/scans/${id}/pause`, { key: api.keys.alpha });
      expect([r.status, fields(r)]).toEqual([400, ['id']]);
      expect((await call(api.url, 'GET', `/api/coverage/cells/${id}`)).status).toBe(400);
    }
    const search = {
      id: 'CMS-EXO-19-019',
      experiment: 'CMS',
      sqrtS: 13,
      lumiFb: 137,
      signatures: ['j-j'],
      families: ['zprime-ssm'],
      material: 'full-likelihood',
      version: 'ins1764471',
    };
    for (const [body, field] of [
      [{ ...search, id: 'X\u0000Y' }, 'id'],
      [{ ...search, version: 'v\ud800' }, 'version'],
      [{ ...search, signatures: ['j-j', '\udc00'] }, 'signatures[1]'],
    ] as const) {
      const r = await call(api.url, 'POST', '/api/catalogue', { key: api.keys.alpha, body });
      expect([r.status, fields(r)], JSON.stringify(body)).toEqual([400, [field]]);
    }
    // JSON.stringify writes lone surrogates as \ud800 escapes: make sure the raw escape form is refused as well
    const raw = await call(api.url, 'POST', '/api/scans', { key: api.keys.alpha, raw: JSON.stringify(excursion()).replace('"exc"', '"e\\u0000"') });
    expect([raw.status, fields(raw)]).toEqual([400, ['name']]);
    const q = await call(api.url, 'GET', '/api/coverage/recommendations?limit=%00');
    expect([q.status, fields(q)]).toEqual([400, ['limit']]);
    // a valid surrogate pair is text
    expect((await call(api.url, 'GET', `/api/scans/${encodeURIComponent('scan-😀')}`)).status).toBe(404);
  });
});

describe('scan specs checked against their limits and the family before a workflow starts', () => {
  it('400 naming the field: overflowing bounds, bounds outside the family, budgets past the limit', async () => {
    const zp = (parameters: string) =>
      `{"name":"zp","family":"zprime-ssm","parameters":${parameters},"searches":["own-dilepton-resonance-13tev"],"fidelity":{"default":"fast","events":2000},"batchSize":4,"budget":40}`;
    for (const [raw, field, problem] of [
      [zp('{"mass":{"min":500,"max":1e400,"scale":"log"},"g":{"fixed":1}}'), 'parameters.mass.max', /finite number, got Infinity/],
      [zp('{"mass":{"min":-1e308,"max":1e308},"g":{"fixed":1}}'), 'parameters.mass.min', /within/],
      [zp('{"mass":{"min":100,"max":6000,"scale":"log"},"g":{"fixed":1}}'), 'parameters.mass', /leaves the range of zprime-ssm/],
    ] as const) {
      const r = await call(api.url, 'POST', '/api/scans', { key: api.keys.alpha, raw });
      expect([r.status, fields(r)], raw).toEqual([400, [field]]);
      expect(r.body.message).toMatch(problem);
    }
  });
});

describe('scan access', () => {
  it('a scan without an access row is private: no caller reads it or sees it listed', async () => {
    for (const key of [undefined, api.keys.alpha, api.keys.beta]) {
      for (const path of ['', '/points', '/contour', '/events'])
        expect((await call(api.url, 'GET', `/api/scans/operator-scan-1${path}`, { key })).status, `${path} ${key}`).toBe(404);
      const list = await call(api.url, 'GET', '/api/scans', { key });
      expect(JSON.stringify(list.body)).not.toContain('operator-scan-1');
    }
  });

  it('a second serve on the same SIGMAP_HOME refuses to start, naming SIGMAP_HOME; a dead holder is taken over', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, SIGMAP_HOME: home };
    delete env.TEMPORAL_ADDRESS;
    delete env.DATABASE_URL;
    const second = spawnSync(process.execPath, [join(REPO, 'apps', 'cli', 'bin', 'sigmap.js'), 'serve', '--port', '0', ...CLIENT_ONLY], {
      env,
      cwd: REPO,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(second.status).toBe(2);
    expect(second.stderr).toMatch(/SIGMAP_HOME/);
    expect(second.stderr).toContain(String(api.apiPid));
    // the first server is unaffected
    expect((await call(api.url, 'GET', '/api/families')).status).toBe(200);

    // a lock left by a process that no longer exists is taken over
    const other = mkdtempSync(join(tmpdir(), 'sigmap-stale-'));
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(other, 'store.lock'), `${dead}\n`);
    const s = await serve({ home: other, args: CLIENT_ONLY });
    try {
      expect((await call(s.url, 'GET', '/api/families')).status).toBe(200);
    } finally {
      await s.stop();
      rmSync(other, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('security headers and the SSE key', () => {
  it('sets the standard security headers on pages, API answers and errors', async () => {
    for (const [path, status] of [
      ['/', 200],
      ['/api/families', 200],
      ['/api/scans/none', 404],
      ['/nope', 404],
    ] as const) {
      const r = await call(api.url, 'GET', path);
      expect(r.status, path).toBe(status);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toMatch(/script-src 'self'(;|$)/);
    }
    const bad = await call(api.url, 'GET', '/api/scans/none', { key: 'smk_not-a-key' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('the event stream takes the key from a header only, never from the URL', async () => {
    const mine = (await call(api.url, 'GET', '/api/scans', { key: api.keys.alpha })).body.scans.find((s: Json) => s.scanId === 'alpha-private-1');
    expect(mine).toMatchObject({ group: 'alpha', visibility: 'private', status: 'failed' });
    const events = `${api.url}/api/scans/${mine.scanId}/events`;
    const open = async (url: string, headers: Record<string, string> = {}) => {
      const ctrl = new AbortController();
      const r = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ctrl.signal });
      ctrl.abort();
      return r.status;
    };
    expect(await open(events, { 'x-api-key': api.keys.alpha })).toBe(200);
    expect(await open(`${events}?key=${encodeURIComponent(api.keys.alpha)}`)).toBe(404);
  });
});

describe('rate limiting before authentication', () => {
  let limited: Served;
  beforeAll(async () => {
    limited = await serve({ groups: ['alpha'], args: [...CLIENT_ONLY, '--rate-limit', '5'] });
  }, 180_000);
  afterAll(async () => {
    await limited?.stop();
  });

  it('requests with unknown keys are counted per client address and get 429 past the limit', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push((await call(limited.url, 'GET', '/api/scans', { key: `smk_guess-${i}` })).status);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // the address's budget on this route is spent for anonymous callers too; a valid key has its own
    expect((await call(limited.url, 'GET', '/api/scans')).status).toBe(429);
    expect((await call(limited.url, 'GET', '/api/scans', { key: limited.keys.alpha })).status).toBe(200);
  });
});

describe('requests with unknown keys: a lower limit per address, answered at the front door, before Express and Nest', () => {
  let guarded: Served;
  beforeAll(async () => {
    guarded = await serve({ groups: ['alpha'], args: CLIENT_ONLY, env: { SIGMAP_API_UNKNOWN_KEY_LIMIT: '3', SIGMAP_API_RATE_LIMIT: '100000' } });
  }, 180_000);
  afterAll(async () => {
    await guarded?.stop();
  });

  it('gives 401 up to SIGMAP_API_UNKNOWN_KEY_LIMIT, then 429 with Retry-After naming x-api-key; valid keys and anonymous reads go on', async () => {
    const replies = [];
    for (let i = 0; i < 6; i++) replies.push(await call(guarded.url, 'GET', '/api/coverage', { key: `smk_guess-${i}` }));
    expect(replies.map((r) => r.status)).toEqual([401, 401, 401, 429, 429, 429]);
    const last = replies.at(-1)!;
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(String(last.body.message)).toMatch(/^x-api-key: more than 3 requests with unknown API keys from this address/);
    expect(last.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await call(guarded.url, 'GET', '/api/scans', { key: guarded.keys.alpha })).status).toBe(200);
    expect((await call(guarded.url, 'GET', '/api/coverage')).status).toBe(200);
  });
});
