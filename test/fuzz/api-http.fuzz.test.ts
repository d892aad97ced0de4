/**
 * Hostile HTTP input against the real `sigmap serve` (client-only: no Temporal needed to refuse input): bodies nested
 * up to 6 000 levels and NUL / lone-surrogate text in path parameters, query values and body fields (scans, catalogue
 * registration, review and delete, event streams, recommendations). Every answer is
 * a 4xx (a 400 names its field) or a success, never a 500 (issue 18, acceptance 3).
 * NUM_RUNS cases per surface (10^4 in CI; SIGMAP_FUZZ_RUNS overrides); seed fixed, SIGMAP_FUZZ_SEED explores.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, excursion, serve, type Reply, type Served } from '../api/harness';

const NUM_RUNS = Number(process.env.SIGMAP_FUZZ_RUNS ?? 10_000);
fc.configureGlobal({ seed: Number(process.env.SIGMAP_FUZZ_SEED ?? 20261129) });

let api: Served;
beforeAll(async () => {
  api = await serve({ groups: ['alpha', 'admin'], args: ['--temporal', '127.0.0.1:1', '--rate-limit', '100000000'] });
}, 180_000);
afterAll(async () => {
  await api?.stop();
});

const seen = new Map<number, number>();
function check(r: Reply, what: string) {
  seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
  expect(r.status, `${what}: ${JSON.stringify(r.body).slice(0, 300)}`).toBeLessThan(500);
  if (r.status === 400) expect(r.body.fields?.[0]?.field, what).toEqual(expect.any(String));
}

/** A JSON text nested `levels` deep, each level an array or a one-key object, around a leaf. */
const deepJson = fc
  .tuple(fc.integer({ min: 1, max: 6000 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }))
  .map(([levels, kinds, leaf]) => {
    let open = '';
    let close = '';
    for (let i = 0; i < levels; i++) {
      const obj = kinds[i % kinds.length];
      open += obj ? '{"parameters":' : '[';
      close = (obj ? '}' : ']') + close;
    }
    return open + JSON.stringify(leaf) + close;
  });

/** Text with NUL bytes and unpaired surrogates mixed into ordinary characters. */
const badText = fc
  .array(fc.oneof(fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff'), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join(''))
  .filter((s) => s.includes('\u0000') || /[\ud800-\udfff]/.test(s));

const SCAN_FIELDS = ['name', 'family', 'searches', 'parameters', 'fidelity'] as const;
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

describe(`HTTP surfaces under nesting and bad text (${NUM_RUNS} cases each, real server)`, () => {
  it('deeply nested bodies: 400 naming body past the depth limit, never a 500', async () => {
    const routes = ['/api/scans', '/api/catalogue', '/api/scans/x/extend', '/api/catalogue/x/review'];
    await fc.assert(
      fc.asyncProperty(deepJson, fc.constantFrom(...routes), async (raw, route) => {
        const r = await call(api.url, 'POST', route, { key: route.endsWith('/review') ? api.keys.admin : api.keys.alpha, raw });
        check(r, `POST ${route} (${raw.length} bytes)`);
      }),
      { numRuns: NUM_RUNS },
    );
    expect(seen.get(400)).toBeGreaterThan(0);
  }, 900_000);

  it('NUL and lone surrogates in ids, query values and body fields: 400, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(badText, fc.integer({ min: 0, max: 9 }), fc.constantFrom(...SCAN_FIELDS), async (text, where, field) => {
        const id = encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '')) || '%00';
        let r: Reply;
        if (where === 0) r = await call(api.url, 'GET', `/api/scans/${id}`);
        else if (where === 1) r = await call(api.url, 'POST', `/api/scans/${id}/cancel`, { key: api.keys.alpha });
        else if (where === 2) r = await call(api.url, 'GET', `/api/coverage/recommendations?limit=${id}`);
        else if (where === 3)
          r = await call(api.url, 'POST', '/api/scans', { key: api.keys.alpha, body: excursion({ [field]: field === 'searches' ? [text] : text }) });
        else if (where === 4) r = await call(api.url, 'POST', '/api/catalogue', { key: api.keys.alpha, body: { ...search, id: text } });
        else if (where === 5)
          r = await call(api.url, 'POST', '/api/scans', { key: api.keys.alpha, body: excursion({ parameters: { [text]: { min: 0, max: 1 } } }) });
        else if (where === 6) r = await call(api.url, 'POST', `/api/catalogue/${id}/review`, { key: api.keys.admin, body: { decision: text } });
        else if (where === 7) r = await call(api.url, 'POST', `/api/catalogue/${id}/review`, { key: api.keys.admin, body: { decision: 'approve' } });
        else if (where === 8) r = await call(api.url, 'DELETE', `/api/catalogue/${id}`, { key: api.keys.alpha });
        else r = await call(api.url, 'GET', `/api/scans/${id}/events`);
        check(r, `case ${where} ${JSON.stringify(text)}`);
        if (where >= 3 && where <= 6) expect(r.status).toBe(400);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 900_000);
});
