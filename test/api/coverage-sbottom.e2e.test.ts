/**
 * The coverage map from a real reinterpretation: a small public scan of the ATLAS SUSY-2018-31 sbottom model over its
 * published full likelihoods (HEPData ins1748602, lookup fidelity) through the API, then the complex:sbottom cell:
 * the search's excluded points, the family's excluded volume fraction and mass reach, with provenance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, readSse, serve, type Served } from './harness';

let api: Served;
beforeAll(async () => {
  api = await serve({ groups: ['atlas'] });
}, 180_000);
afterAll(async () => {
  await api?.stop();
});

describe('coverage of complex:sbottom from an ATLAS SUSY-2018-31 scan', () => {
  it('fills the cell with excluded points per search, excluded volume and mass reach, with provenance', async () => {
    const spec = {
      name: 'sbottom-e2e',
      family: 'atlas-sbottom',
      parameters: { m_sbottom: { min: 400, max: 1600 }, m_chi2: { min: 100, max: 1600 }, m_chi1: { fixed: 60 } },
      searches: ['ATLAS-SUSY-2018-31'],
      fidelity: { default: 'lookup' },
      mode: 'pool',
      batchSize: 5,
      budget: 10,
      initialPoints: 10,
      seed: 7,
      visibility: 'public',
    };
    const sub = await call(api.url, 'POST', '/api/scans', { key: api.keys.atlas, body: spec });
    expect(sub.status).toBe(201);
    const id = sub.body.scanId as string;
    const sse = await readSse(`${api.url}/api/scans/${id}/events`, undefined, 400_000);
    expect(sse.events.at(-1)!.event).toBe('end');
    const points = (await call(api.url, 'GET', `/api/scans/${id}/points`)).body.evaluations as { clsObs: number; excluded: boolean; key: string }[];
    expect(points.length).toBe(10);
    for (const p of points) expect(p.excluded).toBe(p.clsObs < 0.05);
    const nExcluded = points.filter((p) => p.excluded).length;

    const catalogue = (await call(api.url, 'GET', '/api/catalogue')).body.searches as { id: string; version: string; sha: string }[];
    const record = catalogue.find((s) => s.id === 'ATLAS-SUSY-2018-31')!;
    const cell = (await call(api.url, 'GET', '/api/coverage/cells/complex:sbottom')).body;
    const search = cell.searches.find((s: { id: string }) => s.id === 'ATLAS-SUSY-2018-31');
    expect(search).toMatchObject({ evaluatedPoints: 10, excludedPoints: nExcluded, scanIds: [id], version: record.version, sha: record.sha });
    const fam = cell.families.find((f: { family: string }) => f.family === 'sbottom');
    expect(fam.searches).toEqual(['ATLAS-SUSY-2018-31']);
    const ex = fam.excluded;
    expect(ex.over).toEqual(['m_sbottom', 'm_chi2']);
    expect(ex.fixed).toEqual({ m_chi1: 60 });
    expect(ex.provenance.scanIds).toEqual([id]);
    // the final report stores its learner fitted on all 10 evaluated points as the last GP snapshot: the map uses it
    expect(ex.provenance.method).toMatch(/^gp-grid: \d+ GP-classified nodes \(P\(excluded\) >= 0\.5\)/);
    expect(ex.points).toBe(10);
    expect(ex.provenance.searches).toEqual([{ id: 'ATLAS-SUSY-2018-31', version: record.version, sha: record.sha }]);
    // the scanned box is part of the allowed declared box, and only scanned volume can be excluded
    expect(ex.scannedFraction).toBeGreaterThan(0);
    expect(ex.scannedFraction).toBeLessThan(1);
    expect(ex.fraction).toBeLessThanOrEqual(ex.scannedFraction);
    if (nExcluded > 0) expect(ex.fraction).toBeGreaterThan(0);
    if (nExcluded < points.length) expect(ex.fraction).toBeLessThan(ex.scannedFraction);
    expect(cell.maxExcludedFraction).toBe(ex.fraction);
    if (nExcluded > 0) {
      expect(fam.massReach.parameter).toBe('m_sbottom');
      expect(fam.massReach.mass).toBeGreaterThanOrEqual(400);
      expect(fam.massReach.mass).toBeLessThanOrEqual(1600);
    }
    const map = (await call(api.url, 'GET', '/api/coverage')).body;
    expect(map.warnings.join('\n')).toMatch(new RegExp(`scan ${id} of worker family 'atlas-sbottom' counts for declared family 'sbottom'`));
  }, 420_000);
});
