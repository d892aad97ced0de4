import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScanSpec, pointSeed, SLHA_TEMPLATE_FAMILY, validateScanSpec, type ScanReport } from '@sigmap/contracts';
import { dataRoot, decomposeSlha, parseSlha, readSlhaTemplate, fillSlhaTemplate, theoryPredictions, smodelsDatabase, clsToR } from '@sigmap/catalogue';
import type { Store } from '@sigmap/store';
import { progressQuery } from '@sigmap/workflows';
import { FamilyRegistry } from '@sigmap/families';
import { client, inProcessWorkers, REPO, tmp, type InProcessWorkers } from './helpers';
import { startScanWorkflow } from '@sigmap/workflows/client';

const TEMPLATE = join(REPO, 'examples', 'templates', 'T2tt.slha');
const XSEC = join(dataRoot(), 'xsec_lhc_susy_wg');
const BUDGET = 12;

// A scan family made of an SLHA template, end to end on the real Temporal dev server: the example spec's T2tt-like
// (m_stop, m_lsp) plane, each point filled into examples/templates/T2tt.slha (cross sections from the SUSY WG table),
// decomposed and tested against the whole SModelS database v3.0.0; the GP learns r_max >= 1.
describe('ScanWorkflow of an SLHA-template family (real dev server, SModelS database)', () => {
  let env: InProcessWorkers;
  let store: Store;

  beforeAll(async () => {
    smodelsDatabase(); // load (or build) the database cache once, outside the activity timeouts
    env = await inProcessWorkers(tmp('slha-template'));
    ({ store } = env);
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('validates the example spec and names the fields of bad ones', async () => {
    const spec = parseScanSpec(readFileSync(join(REPO, 'examples', 'slha-t2tt.yaml'), 'utf8'), 'examples/slha-t2tt.yaml');
    expect(spec.family).toBe(`${SLHA_TEMPLATE_FAMILY}:examples/templates/T2tt.slha`);
    expect(spec.mode).toBe('continuous');
    expect(validateScanSpec(spec)).toEqual(spec); // a validated spec validates to itself
    const base = {
      family: 'slha-template',
      parameters: { m_stop: { min: 700, max: 1500 }, m_lsp: { min: 0, max: 650 } },
      searches: ['smodels-best-sr'],
      budget: 5,
    };
    expect(() => validateScanSpec({ ...base })).toThrow(/^template: is required/);
    expect(() => validateScanSpec({ ...base, family: 'T2tt', template: TEMPLATE })).toThrow(/^template: applies to family/);
    expect(() => validateScanSpec({ ...base, template: TEMPLATE, fidelity: 'fast' })).toThrow(/^fidelity.default/);
    const f = new FamilyRegistry().get(`${SLHA_TEMPLATE_FAMILY}:${TEMPLATE}`)!;
    expect(() =>
      f.checkSpec(validateScanSpec({ ...base, template: TEMPLATE, parameters: { ...base.parameters, m_gluino: { min: 1000, max: 2000 } } })),
    ).toThrow(/^parameters.m_gluino: no \{m_gluino\} placeholder/);
    expect(() => f.checkSpec(validateScanSpec({ ...base, template: TEMPLATE, parameters: { m_stop: base.parameters.m_stop } }))).toThrow(
      new RegExp(`^${TEMPLATE}:7: placeholder \\{m_lsp\\} names no parameter`),
    );
    expect(() => f.checkSpec(validateScanSpec({ ...base, template: TEMPLATE, parameters: { ...base.parameters, m_stop: { min: 700, max: 4000 } } }))).toThrow(
      new RegExp(`^${TEMPLATE}:12: .*outside the table`),
    );
  });

  it('runs a short scan: r_max per point equals theoryPredictions on the filled template, excluded iff r >= 1', async () => {
    const spec = validateScanSpec({
      ...parseScanSpec(readFileSync(join(REPO, 'examples', 'slha-t2tt.yaml'), 'utf8')),
      family: SLHA_TEMPLATE_FAMILY,
      template: TEMPLATE,
      budget: BUDGET,
      batchSize: 4,
      initialPoints: 8,
      roundsPerRun: 2,
      target: 0,
      seed: 5,
    });
    const scanId = 'e2e-slha-template';
    const { client: c, close } = await client(env.server.address);
    try {
      const handle = await startScanWorkflow(c, { scanId, spec });
      const report = (await handle.result()) as ScanReport;
      expect(report.status).toBe('budget-spent');
      expect((await handle.query(progressQuery)).evaluated).toBe(BUDGET);
      expect(new Set(report.evaluations.map((e) => e.key)).size).toBe(BUDGET);
      expect(report.evaluations).toHaveLength(BUDGET);

      // recompute every point independently: fill the template, parse, decompose, predict over the whole database
      const tpl = readSlhaTemplate(TEMPLATE);
      const db = smodelsDatabase();
      for (const e of report.evaluations) {
        expect(e.search).toBe('smodels-best-sr');
        expect(e.seed).toBe(pointSeed(spec.seed, e.key));
        expect(e.point.m_stop).toBeGreaterThanOrEqual(700);
        expect(e.point.m_stop).toBeLessThanOrEqual(1500);
        const preds = theoryPredictions(decomposeSlha(parseSlha(fillSlhaTemplate(tpl, e.point, { xsecDir: XSEC }), TEMPLATE)), db.results, {
          combineSRs: false,
          pyhf: false,
        });
        const r = preds.mostConstraining?.rObs ?? 0;
        // the exact r travels in `region`; CLs = 0.05^r carries it to the GP
        const m = /r_obs=(\S+)/.exec(e.region ?? '');
        expect(m).not.toBeNull();
        expect(Number(m![1])).toBe(r);
        if (r < 200) expect(clsToR(e.clsObs)).toBeCloseTo(r, 8);
        if (preds.mostConstraining) expect(e.region!.startsWith(preds.mostConstraining.resultFolder)).toBe(true);
        expect(e.excluded).toBe(r >= 1);
        expect(e.excluded).toBe(e.clsObs < 0.05);
        expect(e.clsExp).toHaveLength(5);
      }
      // the plane straddles the T2tt exclusion boundary: both labels occur, the GP drew a contour
      expect(report.evaluations.some((e) => e.excluded)).toBe(true);
      expect(report.evaluations.some((e) => !e.excluded)).toBe(true);
      expect(report.contour.length).toBeGreaterThan(0);
      expect((await store.listEvaluations(scanId)).length).toBe(BUDGET);
    } finally {
      await close();
    }
  }, 600_000);
});
