import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  pointKey,
  pointSeed,
  validateScanSpec,
  type LimitInput,
  type LimitResult,
  type ScanReport,
  type SimulateInput,
  type SimulateResult,
} from '@sigmap/contracts';
import type { Store } from '@sigmap/store';
import { progressQuery } from '@sigmap/workflows';
import { trainingSet } from '@sigmap/scan';
import type { SearchYields } from '@sigmap/families';
import type { ScanActivities } from '@sigmap/orchestration';
import { client, inProcessWorkers, tmp, type InProcessWorkers } from './helpers';
import { startScanWorkflow } from '@sigmap/workflows/client';

const SEARCH = 'own-dilepton-resonance-13tev';
const EVENTS = 300;

// A simulated family end to end against the real Temporal dev server: the sequential Z' (mass, g) plane in continuous
// mode at `fast` fidelity (event generation + the parametric detector on sim-gpu, CLs from the own dilepton search's
// pyhf workspace on stats-cpu), with in-process workers for all queues and a PGlite store.
describe("ScanWorkflow of the Z' family at fast fidelity (real dev server)", () => {
  let env: InProcessWorkers;
  let store: Store;
  let activities: ScanActivities;

  beforeAll(async () => {
    env = await inProcessWorkers(tmp('zprime'));
    ({ store, activities } = env);
  });

  afterAll(async () => {
    await env?.stop();
  });

  const spec = validateScanSpec({
    name: 'zprime-e2e',
    family: 'zprime-ssm',
    parameters: { mass: { min: 1500, max: 6000, scale: 'log' }, g: { min: 0.1, max: 1, scale: 'log' } },
    searches: [SEARCH],
    fidelity: { default: 'fast', events: EVENTS },
    mode: 'continuous',
    batchSize: 4,
    budget: 12,
    initialPoints: 8,
    target: 0,
    roundsPerRun: 2,
    seed: 11,
  });

  it('runs a continuous scan: yields stored for every point, CLs in [0, 1], the coverage child runs', async () => {
    const scanId = 'e2e-zprime-fast';
    const { client: c, close } = await client(env.server.address);
    const t0 = performance.now();
    try {
      const handle = await startScanWorkflow(c, { scanId, spec });
      const report = (await handle.result()) as ScanReport;
      const seconds = (performance.now() - t0) / 1000;
      expect(report.status).toBe('budget-spent');
      expect((await handle.query(progressQuery)).evaluated).toBe(12);

      const keys = new Set(report.evaluations.map((e) => e.key));
      expect(keys.size).toBe(12);
      expect(report.evaluations).toHaveLength(12);
      const rows = (
        await store.sql.query<{ point_key: string; fidelity: string; seed: number | string; yields: unknown }>(
          'SELECT point_key, fidelity, seed, yields FROM yields WHERE scan_id = $1',
          [scanId],
        )
      ).rows;
      const byKey = new Map(rows.map((r) => [r.point_key, r]));
      for (const e of report.evaluations) {
        expect(e.point.mass).toBeGreaterThanOrEqual(1500);
        expect(e.point.mass).toBeLessThanOrEqual(6000);
        expect(e.point.g).toBeGreaterThanOrEqual(0.1);
        expect(e.point.g).toBeLessThanOrEqual(1);
        expect(e.fidelity).toBe('fast');
        expect(e.seed).toBe(pointSeed(spec.seed, e.key));
        expect(e.region).toBe('SR_mll');
        for (const x of [e.clsObs, ...e.clsExp]) expect(x >= 0 && x <= 1, `${e.key}: ${x}`).toBe(true);
        expect(e.clsExp).toHaveLength(5);
        expect(e.excluded).toBe(e.clsObs < 0.05);
        // the yields simulate stored for this point
        const row = byKey.get(e.key);
        expect(row, e.key).toBeDefined();
        expect(Number(row!.seed)).toBe(e.seed);
        const y = (typeof row!.yields === 'string' ? JSON.parse(row!.yields) : row!.yields) as Record<string, SearchYields>;
        expect(y[SEARCH]).toMatchObject({ fidelity: 'fast', events: EVENTS, seed: e.seed, backend: 'fast' });
        expect(y[SEARCH].yields).toHaveLength(14);
      }
      // the plane holds both excluded (light, strongly coupled) and allowed (heavy, weakly coupled) points
      expect(report.evaluations.some((e) => e.excluded)).toBe(true);
      expect(report.evaluations.some((e) => !e.excluded)).toBe(true);
      expect(report.contour.length).toBeGreaterThan(0);
      const cov = await c.workflow.getHandle(`${scanId}-coverage`).result();
      expect(cov.rows.find((r: { family: string; search: string }) => r.family === 'zprime-ssm' && r.search === SEARCH).evaluated).toBe(12);
      const sample = [...report.evaluations].sort((a, b) => a.point.mass - b.point.mass).map((e) => `${e.key}: CLs ${e.clsObs.toExponential(2)}`);
      process.stdout.write(`zprime fast scan: ${report.evaluations.length} points in ${seconds.toFixed(1)} s\n  ${sample.join('\n  ')}\n`);

      // re-running computeLimit for a stored evaluation is a cache hit: same numbers, no new row
      const e0 = report.evaluations[0];
      const simInput: SimulateInput = { scanId, family: 'zprime-ssm', point: e0.point, searches: [SEARCH], fidelity: 'fast', events: EVENTS, seed: e0.seed };
      const sim = (await new MockActivityEnvironment().run(activities['sim-gpu'].simulate, simInput)) as SimulateResult;
      const limInput: LimitInput = { scanId, family: 'zprime-ssm', point: e0.point, search: SEARCH, fidelity: 'fast', seed: e0.seed, yieldsKey: sim.yieldsKey };
      const again = (await new MockActivityEnvironment().run(activities['stats-cpu'].computeLimit, limInput)) as LimitResult;
      expect(again.cached).toBe(true);
      expect(again.clsObs).toBe(e0.clsObs);
      expect(again.clsExp).toEqual(e0.clsExp);
      expect((await store.listEvaluations(scanId)).length).toBe(12);
    } finally {
      await close();
    }
  }, 600_000);

  it("at fixed coupling a heavier Z' is less excluded (larger CLs), through the same activities", async () => {
    const scanId = 'e2e-zprime-direct';
    await new MockActivityEnvironment().run(activities.orchestration.startScan, { scanId, spec });
    const cls: number[] = [];
    for (const mass of [2500, 4500]) {
      const point = { mass, g: 0.2 };
      const seed = pointSeed(5, pointKey(point));
      const sim: SimulateInput = { scanId, family: 'zprime-ssm', point, searches: [SEARCH], fidelity: 'fast', events: EVENTS, seed };
      const { yieldsKey } = (await new MockActivityEnvironment().run(activities['sim-gpu'].simulate, sim)) as SimulateResult;
      const lim: LimitInput = { scanId, family: 'zprime-ssm', point, search: SEARCH, fidelity: 'fast', seed, yieldsKey };
      const r = (await new MockActivityEnvironment().run(activities['stats-cpu'].computeLimit, lim)) as LimitResult;
      expect(r.cached).toBe(false);
      cls.push(r.clsObs);
    }
    process.stdout.write(`zprime g=0.2: CLs(m=2500) = ${cls[0].toExponential(3)}, CLs(m=4500) = ${cls[1].toExponential(3)}\n`);
    expect(cls[1]).toBeGreaterThan(cls[0]);
    expect(cls[0]).toBeLessThan(0.05);
  });

  it('multi-fidelity: surrogate points whose label depends on the ensemble spread are re-simulated (fast), and the GP learns those', async () => {
    const scanId = 'e2e-zprime-multifidelity';
    const BAND = 0.3;
    const mf = validateScanSpec({
      ...spec,
      name: 'zprime-mf',
      fidelity: { default: 'surrogate', escalate: 'fast', band: BAND, events: EVENTS },
      budget: 8,
      initialPoints: 8,
      seed: 12,
    });
    const { client: c, close } = await client(env.server.address);
    try {
      const handle = await startScanWorkflow(c, { scanId, spec: mf });
      const report = (await handle.result()) as ScanReport;
      expect(report.status).toBe('budget-spent');
      const surrogate = report.evaluations.filter((e) => e.fidelity === 'surrogate');
      const fast = new Map(report.evaluations.filter((e) => e.fidelity === 'fast').map((e) => [e.key, e]));
      expect(new Set(surrogate.map((e) => e.key)).size).toBe(8);
      expect(surrogate.length + fast.size).toBe(report.evaluations.length);
      // the band rule alone forces escalation: every surrogate point with |CLs - 0.05| < band has a fast evaluation
      for (const e of surrogate) if (Math.abs(e.clsObs - 0.05) < BAND) expect(fast.has(e.key), `${e.key} CLs ${e.clsObs}`).toBe(true);
      expect(fast.size).toBeGreaterThan(0);
      expect(fast.size).toBeLessThanOrEqual(8);
      // the progress the workflow recorded counts the escalated points
      expect((await handle.query(progressQuery)).escalated).toBe(fast.size);
      // the training set takes the fast (more faithful) CLs where both exist
      const rows = trainingSet(mf, await store.listEvaluations(scanId));
      expect(rows).toHaveLength(8);
      for (const r of rows) if (fast.has(r.key)) expect(r.cls[0]).toBe(fast.get(r.key)!.clsObs);
      process.stdout.write(`zprime multi-fidelity: ${fast.size} of 8 surrogate points escalated to fast\n`);
    } finally {
      await close();
    }
  }, 600_000);
});
