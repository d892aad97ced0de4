/**
 * Acceptance 1: the real API (NestJS via SWC, PGlite store, Temporal dev server, in-process workers) on loopback.
 * Submit a scan, follow it over SSE, read the coverage map; group isolation of private scans; 400s naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { call, excursion, readSse, REPO, serve, waitFor, type Served } from './harness';

/**
 * diana-hep/excursion fast_2D_truth, the analytic CLs of the worker's excursion-fast2d family: a point is excluded
 * when CLs < 0.05. Its excluded fraction of [0, 1.5]^2 by a 600^2 midpoint rule is the reference for the map.
 */
function excursionTruthFraction(n = 600): number {
  let ex = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const x = ((i + 0.5) / n) * 1.5;
      const y = ((j + 0.5) / n) * 1.5;
      const xsec = 12 * Math.exp(-x / 2) + 0.1 * Math.cos(10 * y + 1) + 0.2 * Math.cos(15 * x);
      const eff = Math.tanh(1.3 * x - y + 1);
      if ((1 - Math.tanh(xsec * eff - 5)) / 2 < 0.05) ex++;
    }
  return ex / (n * n);
}

let api: Served;
beforeAll(async () => {
  api = await serve({ groups: ['alpha', 'beta', 'admin'] });
}, 180_000);
afterAll(async () => {
  await api?.stop();
});

describe('API e2e (real store, real Temporal dev server)', () => {
  it('serves an OpenAPI document generated from the code', async () => {
    const r = await call(api.url, 'GET', '/api/docs-json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toMatch(/^3\./);
    for (const p of [
      '/api/scans',
      '/api/scans/{id}/events',
      '/api/scans/{id}/pause',
      '/api/coverage',
      '/api/coverage/cells/{key}',
      '/api/coverage/recommendations',
      '/api/catalogue',
      '/api/families',
    ])
      expect(Object.keys(r.body.paths)).toContain(p);
    const dto = r.body.components.schemas.CreateScanDto;
    expect(dto.required).toEqual(expect.arrayContaining(['family', 'parameters', 'searches', 'budget']));
    expect(dto.properties.visibility.enum).toEqual(['private', 'public']);
    expect(r.body.components.securitySchemes['api-key']).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-api-key' });
  });

  it('serves the coverage map of the shipped catalogue to anonymous callers', async () => {
    const cat = await call(api.url, 'GET', '/api/catalogue');
    expect(cat.status).toBe(200);
    expect(cat.body.searches.length).toBeGreaterThan(0);
    // covered = probed by a published analysis; sigmap's own simulated searches are a layer of their own
    const cellsWithSearches = new Set<string>(
      cat.body.searches.filter((s: { layer?: string }) => s.layer !== 'own').flatMap((s: { signatures: string[] }) => s.signatures),
    );
    expect(cat.body.searches.filter((s: { layer?: string }) => s.layer === 'own')).toHaveLength(8);
    expect(cat.body.searches.length).toBeGreaterThan(130);
    const map = await call(api.url, 'GET', '/api/coverage');
    expect(map.status).toBe(200);
    expect(map.body.cells).toHaveLength(map.body.summary.cells);
    expect(map.body.summary.cells).toBeGreaterThanOrEqual(66);
    expect(map.body.summary.catalogue).toMatch(/^SModelS database 3\.0\.0, \d+ current analyses/);
    expect(map.body.summary.covered).toBe(cellsWithSearches.size);
    expect(map.body.summary.empty).toBe(map.body.summary.cells - cellsWithSearches.size);
    for (const c of map.body.cells) expect(c.empty).toBe(!cellsWithSearches.has(c.key));
    const cell = await call(api.url, 'GET', `/api/coverage/cells/${encodeURIComponent([...cellsWithSearches][0])}`);
    expect(cell.status).toBe(200);
    expect(cell.body.searches.length).toBeGreaterThan(0);
    for (const s of cell.body.searches) expect(s.version).toBeTruthy();
    expect((await call(api.url, 'GET', '/api/coverage/cells/b-x')).status).toBe(404);
    const recs = await call(api.url, 'GET', '/api/coverage/recommendations?limit=5');
    expect(recs.status).toBe(200);
    expect(recs.body.recommendations.length).toBeGreaterThan(0);
    expect(recs.body.recommendations.length).toBeLessThanOrEqual(5);
    for (const r of recs.body.recommendations) expect(r.explanation.length).toBeGreaterThan(20);
    expect((await call(api.url, 'GET', '/api/coverage/recommendations?limit=0')).body.fields[0].field).toBe('limit');
  });

  it('submits a public scan, follows it over SSE to the end, and reads it back in the coverage map', async () => {
    const sub = await call(api.url, 'POST', '/api/scans', { key: api.keys.alpha, body: excursion({ visibility: 'public' }) });
    expect(sub.status).toBe(201);
    const id = sub.body.scanId as string;
    expect(sub.body).toMatchObject({ group: 'alpha', visibility: 'public' });
    const sse = await readSse(`${api.url}/api/scans/${id}/events`);
    expect(sse.status).toBe(200);
    const progress = sse.events.filter((e) => e.event === 'progress').map((e) => e.data);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < progress.length; i++) expect(progress[i].evaluated).toBeGreaterThanOrEqual(progress[i - 1].evaluated);
    expect(progress.at(-1).evaluated).toBeGreaterThan(progress[0].evaluated);
    const end = sse.events.at(-1)!;
    expect(end.event).toBe('end');
    expect(['converged', 'budget-spent', 'exhausted']).toContain(end.data.status);
    // the stream's last progress event carries the final status
    expect(progress.at(-1).status).toBe(end.data.status);

    const scan = await call(api.url, 'GET', `/api/scans/${id}`);
    expect(scan.body.status).toBe(end.data.status);
    expect(scan.body.points).toBe(progress.at(-1).evaluated);
    const points = await call(api.url, 'GET', `/api/scans/${id}/points`);
    expect(points.body.evaluations).toHaveLength(scan.body.points);
    const contour = await call(api.url, 'GET', `/api/scans/${id}/contour`);
    expect(contour.body.source).toBe('workflow contour query');
    expect(contour.body.contour.length).toBeGreaterThan(0);

    const map = await waitFor(
      () => call(api.url, 'GET', '/api/coverage'),
      (r) => r.body.summary.scans >= 1,
      10_000,
    );
    expect(map.body.summary.evaluations).toBe(scan.body.points);
    const fam = map.body.families.find((f: { family: string }) => f.family === 'excursion-fast2d');
    expect(fam.excluded.provenance.scanIds).toEqual([id]);
    expect(fam.excluded.provenance.searches).toEqual([{ id: 'excursion-fast2d', version: 'unknown' }]);
    // the map's excluded fraction (the scan's own GP classification of a reference grid) against the analytic truth
    expect(fam.excluded.provenance.method).toMatch(/^gp-grid/);
    const truth = excursionTruthFraction();
    console.log(`excursion-fast2d excluded fraction: map ${fam.excluded.fraction.toFixed(4)} (${scan.body.points} points), truth ${truth.toFixed(4)}`);
    expect(Math.abs(fam.excluded.fraction - truth)).toBeLessThan(0.02);
    expect(map.body.warnings.join(' ')).toMatch(/excursion-fast2d.*not in the catalogue/);

    // `sigmap coverage --url` reads the same map from the running server
    const cli = spawnSync(process.execPath, [join(REPO, 'apps', 'cli', 'bin', 'sigmap.js'), 'coverage', '--json', '--url', api.url], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(cli.status).toBe(0);
    const viaCli = JSON.parse(cli.stdout);
    expect(viaCli.summary).toEqual(map.body.summary);
    expect(viaCli.families.find((f: { family: string }) => f.family === 'excursion-fast2d').excluded.fraction).toBe(fam.excluded.fraction);
  });

  it("keeps a group's private scan from other groups: 404 to read, 404/403 to signal", async () => {
    const sub = await call(api.url, 'POST', '/api/scans', {
      key: api.keys.alpha,
      body: excursion({ name: 'private', budget: 400, batchSize: 2, initialPoints: 4, target: 0.00001, seed: 9 }),
    });
    expect(sub.status).toBe(201);
    const id = sub.body.scanId as string;
    expect(sub.body.visibility).toBe('private');
    for (const path of ['', '/points', '/contour']) {
      expect((await call(api.url, 'GET', `/api/scans/${id}${path}`, { key: api.keys.beta })).status).toBe(404);
      expect((await call(api.url, 'GET', `/api/scans/${id}${path}`)).status).toBe(404);
      expect((await call(api.url, 'GET', `/api/scans/${id}${path}`, { key: api.keys.alpha })).status).toBe(200);
    }
    expect((await readSse(`${api.url}/api/scans/${id}/events`, api.keys.beta)).status).toBe(404);
    for (const sig of ['pause', 'resume', 'cancel']) expect((await call(api.url, 'POST', `/api/scans/${id}/${sig}`, { key: api.keys.beta })).status).toBe(404);
    expect((await call(api.url, 'POST', `/api/scans/${id}/extend`, { key: api.keys.beta, body: { points: 5 } })).status).toBe(404);
    expect((await call(api.url, 'POST', `/api/scans/${id}/pause`)).status).toBe(401);
    const betaList = await call(api.url, 'GET', '/api/scans', { key: api.keys.beta });
    expect(betaList.body.scans.map((s: { scanId: string }) => s.scanId)).not.toContain(id);
    const alphaList = await call(api.url, 'GET', '/api/scans', { key: api.keys.alpha });
    expect(alphaList.body.scans.map((s: { scanId: string }) => s.scanId)).toContain(id);

    // the owner pauses, extends and cancels it through Temporal signals / updates
    expect((await call(api.url, 'POST', `/api/scans/${id}/pause`, { key: api.keys.alpha })).status).toBe(202);
    await waitFor(
      () => call(api.url, 'GET', `/api/scans/${id}`, { key: api.keys.alpha }),
      (r) => r.body.status === 'paused',
      60_000,
    );
    const ext = await call(api.url, 'POST', `/api/scans/${id}/extend`, { key: api.keys.alpha, body: { points: 5 } });
    expect(ext.status).toBe(200);
    expect(ext.body.budget).toBe(405);
    expect((await call(api.url, 'POST', `/api/scans/${id}/cancel`, { key: api.keys.alpha })).status).toBe(202);
    await waitFor(
      () => call(api.url, 'GET', `/api/scans/${id}`, { key: api.keys.alpha }),
      (r) => r.body.status === 'cancelled',
      60_000,
    );

    // a private scan never feeds the public coverage map
    const map = await call(api.url, 'GET', '/api/coverage');
    for (const f of map.body.families) expect(f.excluded?.provenance.scanIds ?? []).not.toContain(id);

    // every GET endpoint of the OpenAPI document, as the other group and anonymously, with the private scan's id in
    // every path parameter and in query parameters: refused, or an answer that does not carry the scan
    const doc = (await call(api.url, 'GET', '/api/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    const gets = Object.entries(doc.paths).filter(([path, ops]) => ops.get && !path.endsWith('/events'));
    expect(gets.length).toBeGreaterThanOrEqual(9);
    for (const [path] of gets) {
      const url = path.replace(/\{[^}]+\}/g, encodeURIComponent(id));
      for (const key of [api.keys.beta, undefined])
        for (const query of ['', `?scanId=${id}`, `?scanIds=${id}&group=alpha&visibility=private`]) {
          const r = await call(api.url, 'GET', url + query, { key });
          const refused = [400, 401, 403, 404].includes(r.status);
          expect(refused || !JSON.stringify(r.body).includes(id), `${key ? 'beta' : 'anonymous'} GET ${url}${query}: ${r.status}`).toBe(true);
        }
    }
  });

  it('lets another group read a public scan but not signal it (403)', async () => {
    const sub = await call(api.url, 'POST', '/api/scans', {
      key: api.keys.alpha,
      body: excursion({ name: 'shared', budget: 10, visibility: 'public', seed: 5 }),
    });
    const id = sub.body.scanId as string;
    expect((await call(api.url, 'GET', `/api/scans/${id}`, { key: api.keys.beta })).status).toBe(200);
    const r = await call(api.url, 'POST', `/api/scans/${id}/cancel`, { key: api.keys.beta });
    expect(r.status).toBe(403);
    expect(r.body.message).toMatch(/group 'alpha'/);
  });

  it('answers malformed specs, unknown fields and oversized input with 400 naming the field', async () => {
    const post = (body: unknown, key = api.keys.alpha) => call(api.url, 'POST', '/api/scans', { key, body });
    const fields = (r: { body: { fields: { field: string }[] } }) => r.body.fields.map((f) => f.field);
    let r = await post({ ...excursion(), colour: 'red' });
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(['colour']);
    expect(r.body.message).toMatch(/colour: unknown field/);
    r = await post({ ...excursion(), fidelity: { default: 'lookup', foo: 1 } });
    expect([r.status, fields(r)]).toEqual([400, ['fidelity.foo']]);
    r = await post(excursion({ budget: 'ten' }));
    expect(r.status).toBe(400);
    expect(fields(r)).toContain('budget');
    r = await post(excursion({ parameters: { x: { min: 2, max: 1.5 }, y: { min: 0, max: 1 } } }));
    expect([r.status, fields(r)]).toEqual([400, ['parameters.x.min']]);
    r = await post(excursion({ parameters: { x: { min: 0, max: 1, scale: 'cubic' }, y: { min: 0, max: 1 } } }));
    expect([r.status, fields(r)]).toEqual([400, ['parameters.x.scale']]);
    r = await post(excursion({ family: 'no-such-family' }));
    expect([r.status, fields(r)]).toEqual([400, ['family']]);
    r = await post(excursion({ searches: ['excursion-fast2d', 'ATLAS-NOPE'] }));
    expect([r.status, fields(r)]).toEqual([400, ['searches[1]']]);
    r = await post(excursion({ searches: Array.from({ length: 51 }, (_, i) => `S${i}`) }));
    expect([r.status, fields(r)]).toEqual([400, ['searches']]);
    r = await post(excursion({ budget: 10_000_000 }));
    expect([r.status, fields(r)]).toEqual([400, ['budget']]);
    r = await call(api.url, 'POST', '/api/scans', { key: api.keys.alpha, raw: '{"family": "excursion-fast2d",' });
    expect([r.status, fields(r)]).toEqual([400, ['body']]);
    r = await call(api.url, 'POST', '/api/scans', { key: api.keys.alpha, raw: JSON.stringify({ ...excursion(), name: 'x'.repeat(70_000) }) });
    expect([r.status, fields(r)]).toEqual([400, ['body']]);
    r = await post(excursion(), 'smk_not-a-key');
    expect(r.status).toBe(401);
    r = await call(api.url, 'POST', '/api/scans', { body: excursion() });
    expect(r.status).toBe(401);
    r = await call(api.url, 'POST', `/api/scans/nope/extend`, { key: api.keys.alpha, body: { points: 0 } });
    expect([r.status, fields(r)]).toEqual([400, ['points']]);
  });

  it('registers a search through the API; the map counts its cell', async () => {
    const before = (await call(api.url, 'GET', '/api/coverage')).body.summary;
    const rec = {
      id: 'E2E-EXO-1',
      experiment: 'CMS',
      sqrtS: 13,
      lumiFb: 138,
      signatures: ['mu-e', 'W-Z'],
      families: [],
      material: 'upper-limit-map',
      version: 'test:v1',
    };
    const emptyBefore = new Set<string>(before.emptyCells);
    const newlyCovered = ['e-mu', 'W-Z'].filter((k) => emptyBefore.has(k)).length;
    expect((await call(api.url, 'POST', '/api/catalogue', { body: rec })).status).toBe(401);
    const r = await call(api.url, 'POST', '/api/catalogue', { key: api.keys.beta, body: rec });
    expect(r.status).toBe(201);
    expect(r.body.signatures).toEqual(['e-mu', 'W-Z']);
    expect((await call(api.url, 'POST', '/api/catalogue', { key: api.keys.beta, body: rec })).status).toBe(409);
    const bad = await call(api.url, 'POST', '/api/catalogue', { key: api.keys.beta, body: { ...rec, id: 'E2E-EXO-2', signatures: ['e-mu', 'e-x'] } });
    expect([bad.status, bad.body.fields[0].field]).toEqual([400, 'signatures[1]']);
    // pending until a reviewer (group 'admin' by default) approves it: the public map does not move before
    expect(r.body.review).toBe('pending');
    expect((await call(api.url, 'GET', '/api/coverage')).body.summary.searches).toBe(before.searches);
    const ok = await call(api.url, 'POST', '/api/catalogue/E2E-EXO-1/review', { key: api.keys.admin, body: { decision: 'approve' } });
    expect([ok.status, ok.body.review]).toEqual([200, 'approved']);
    const after = await waitFor(
      () => call(api.url, 'GET', '/api/coverage'),
      (x) => x.body.summary.searches === before.searches + 1,
      10_000,
    );
    expect(after.body.summary.covered).toBe(before.covered + newlyCovered);
    const cell = await call(api.url, 'GET', '/api/coverage/cells/e-mu');
    expect(cell.body.searches.map((s: { id: string }) => s.id)).toContain('E2E-EXO-1');
  });
});

describe('API rate limiting', () => {
  let limited: Served;
  beforeAll(async () => {
    // client-only mode (Temporal not needed for this check): a separate home and a limit of 5 requests per minute
    limited = await serve({ groups: ['alpha'], args: ['--temporal', '127.0.0.1:1', '--rate-limit', '5'] });
  }, 120_000);
  afterAll(async () => {
    await limited?.stop();
  });

  it('answers 429 past the limit, per group or client address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await call(limited.url, 'GET', '/api/families')).status);
    expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(codes.slice(5)).toEqual([429, 429]);
    // a group key is tracked separately from the anonymous address
    expect((await call(limited.url, 'GET', '/api/families', { key: limited.keys.alpha })).status).toBe(200);
    // scan routes report an unreachable Temporal as 503
    expect((await call(limited.url, 'POST', '/api/scans', { key: limited.keys.alpha, body: excursion() })).status).toBe(503);
  });
});

describe('API active-scan limit per group', () => {
  let small: Served;
  beforeAll(async () => {
    small = await serve({ groups: ['alpha', 'beta'], env: { SIGMAP_API_MAX_ACTIVE_SCANS: '2' } });
  }, 300_000);
  afterAll(async () => {
    await small?.stop();
  });

  it("refuses a group's submission beyond its active scans (429 naming the group); other groups and ended scans do not count", async () => {
    const long = (seed: number) => excursion({ name: `active-${seed}`, budget: 400, batchSize: 2, initialPoints: 4, target: 0.00001, seed });
    const ids: string[] = [];
    for (const seed of [1, 2]) {
      const r = await call(small.url, 'POST', '/api/scans', { key: small.keys.alpha, body: long(seed) });
      expect(r.status).toBe(201);
      ids.push(r.body.scanId as string);
      // paused scans stay active (they count) without using the CPU
      expect((await call(small.url, 'POST', `/api/scans/${r.body.scanId}/pause`, { key: small.keys.alpha })).status).toBe(202);
    }
    const third = await call(small.url, 'POST', '/api/scans', { key: small.keys.alpha, body: long(3) });
    expect(third.status).toBe(429);
    expect(third.body.fields).toEqual([{ field: 'group', problem: 'at most 2 active scans' }]);
    // another group has its own allowance
    const beta = await call(small.url, 'POST', '/api/scans', {
      key: small.keys.beta,
      body: excursion({ name: 'beta-1', budget: 10, batchSize: 5, initialPoints: 5 }),
    });
    expect(beta.status).toBe(201);
    // once one of alpha's scans has ended, alpha may submit again
    expect((await call(small.url, 'POST', `/api/scans/${ids[0]}/cancel`, { key: small.keys.alpha })).status).toBe(202);
    await waitFor(
      () => call(small.url, 'GET', `/api/scans/${ids[0]}`, { key: small.keys.alpha }),
      (r) => r.body.status === 'cancelled',
      60_000,
    );
    const again = await call(small.url, 'POST', '/api/scans', {
      key: small.keys.alpha,
      body: excursion({ name: 'alpha-again', budget: 10, batchSize: 5, initialPoints: 5 }),
    });
    expect(again.status).toBe(201);
    expect((await call(small.url, 'POST', `/api/scans/${ids[1]}/cancel`, { key: small.keys.alpha })).status).toBe(202);
  }, 180_000);
});
