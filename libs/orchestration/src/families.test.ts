import { afterAll, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/activity';
import { DefaultLogger } from '@temporalio/worker';
import {
  pointKey,
  validateScanSpec,
  type EvaluatedPoint,
  type Fidelity,
  type LimitInput,
  type LimitResult,
  type ScanSpec,
  type SimulateInput,
  type SimulateResult,
} from '@sigmap/contracts';
import { getFamily, listFamilies, ownSearchesFor } from '@sigmap/physics';
import type { Store } from '@sigmap/store';
import { createOrchestrationActivities, createSimulationActivities, createStatsActivities, createSurrogateActivities } from './activities';
import { ThreadCompute, type Compute } from './compute/compute';
import { FamilyRegistry, PhysicsFamily, SlhaTemplateFamily, type SearchYields } from '@sigmap/families';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DILEPTON = 'own-dilepton-resonance-13tev';
const DIJET = 'own-dijet-resonance-13tev';

/** The part of the store the simulate / computeLimit activities use, in memory (same idempotent keys). */
function memoryStore() {
  const yields = new Map<string, unknown>();
  const evals = new Map<string, EvaluatedPoint>();
  const evalKey = (scan: string, key: string, search: string, fidelity: Fidelity, seed: number) => [scan, key, search, fidelity, seed].join('|');
  const store = {
    async putYields(scanId: string, key: string, fidelity: Fidelity, seed: number, y: unknown) {
      const id = `${scanId}|${key}|${fidelity}|${seed}`;
      if (!yields.has(id)) yields.set(id, JSON.parse(JSON.stringify(y)));
      return id;
    },
    async getYields(id: string) {
      return yields.get(id) ?? null;
    },
    // no scan row: simulate falls back to the builtin generator
    async getScan() {
      return null;
    },
    async getEvaluation(scanId: string, key: string, search: string, fidelity: Fidelity, seed: number) {
      return evals.get(evalKey(scanId, key, search, fidelity, seed)) ?? null;
    },
    async putEvaluation(scanId: string, e: EvaluatedPoint) {
      const k = evalKey(scanId, e.key, e.search, e.fidelity, e.seed);
      if (evals.has(k)) return false;
      evals.set(k, e);
      return true;
    },
    async createScan() {
      return undefined;
    },
  };
  return { store: store as unknown as Store, yields, evals };
}

const zpSpec = (over: Record<string, unknown> = {}): ScanSpec =>
  validateScanSpec({
    name: 'zp',
    family: 'zprime-ssm',
    parameters: { mass: { min: 1500, max: 6000, scale: 'log' }, g: { min: 0.1, max: 1, scale: 'log' } },
    searches: [DILEPTON],
    fidelity: { default: 'fast', events: 200 },
    mode: 'continuous',
    batchSize: 2,
    budget: 4,
    seed: 1,
    ...over,
  });

const quiet = new DefaultLogger('ERROR', () => undefined);

// the activities compute in a real compute thread, as the workers do
const compute: Compute = new ThreadCompute(1);
afterAll(() => compute.close());

/** Every queue's activities on one store; simulate goes to the queue its fidelity belongs to, as the workflow routes it. */
function activities(store: Store, log?: (l: string) => void) {
  const deps = { store, families: new FamilyRegistry(), compute, log };
  const sim = createSimulationActivities(deps);
  const sur = createSurrogateActivities(deps);
  return {
    ...createOrchestrationActivities(deps),
    ...createStatsActivities(deps),
    simulate: (i: SimulateInput) => (i.fidelity === 'surrogate' ? sur : sim).simulate(i),
    sim,
    sur,
  };
}

async function rejection(p: Promise<unknown>): Promise<ApplicationFailure> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ApplicationFailure);
  return e as ApplicationFailure;
}

describe('FamilyRegistry: the @sigmap/physics families', () => {
  const reg = new FamilyRegistry();

  it('registers every physics family next to the sbottom and excursion adapters', () => {
    expect(reg.get('atlas-sbottom')).not.toBeNull();
    expect(reg.get('excursion-fast2d')).not.toBeNull();
    for (const m of listFamilies()) {
      const f = reg.get(m.id);
      expect(f, m.id).toBeInstanceOf(PhysicsFamily);
      expect(f!.parameters).toEqual(m.params.map((p) => p.name));
      expect(f!.searches).toEqual(ownSearchesFor(m).map((s) => s.id));
      expect(f!.pool(zpSpec())).toBeNull();
    }
  });

  it('gives each family the own searches sharing a signature cell with it', () => {
    expect(reg.get('zprime-ssm')!.searches).toEqual([DILEPTON, DIJET]);
    expect(reg.get('zprime-ssm')!.parameters).toEqual(['mass', 'g']);
    expect(reg.get('wprime-ssm')!.searches).toEqual([DIJET, 'own-lepton-met-13tev']);
    expect(reg.get('T2bb')!.searches).toEqual(['own-bjets-met-13tev']);
    expect(reg.get('TChiWZ')!.searches).toEqual(['own-3l-met-13tev']);
    expect(reg.get('zprime-ssm')!.fidelities).toEqual(['full', 'fast', 'surrogate']);
    expect(reg.get('atlas-sbottom')!.fidelities).toEqual(['lookup']);
  });

  it('checks a spec: parameter names, ranges inside the family, fidelity, forbidden models', () => {
    const zp = reg.get('zprime-ssm')!;
    expect(() => zp.checkSpec(zpSpec())).not.toThrow();
    expect(() => zp.checkSpec(zpSpec({ parameters: { mass: { min: 500, max: 6000 }, coupling: { min: 0.01, max: 1 } } }))).toThrow(
      /parameters\.coupling: unknown parameter of zprime-ssm \(known: mass, g\)/,
    );
    expect(() => zp.checkSpec(zpSpec({ parameters: { mass: { min: 100, max: 6000 }, g: { fixed: 1 } } }))).toThrow(
      /parameters\.mass: \[100, 6000\] leaves the range of zprime-ssm: \[500, 7000\] GeV/,
    );
    expect(() => zp.checkSpec(zpSpec({ fidelity: 'lookup' }))).toThrow(/fidelity\.default: zprime-ssm supports full, fast, surrogate, not 'lookup'/);
    expect(() =>
      reg.get('excursion-fast2d')!.checkSpec(zpSpec({ family: 'excursion-fast2d', parameters: { x: { min: 0, max: 1 }, y: { min: 0, max: 1 } } })),
    ).toThrow(/supports lookup, not 'fast'/);
    const forbidden = listFamilies().find((f) => !f.allowed)!;
    expect(reg.get(forbidden.id)!.searches).toEqual([]);
    expect(() => reg.get(forbidden.id)!.checkSpec(zpSpec({ family: forbidden.id }))).toThrow(new RegExp(`family: ${forbidden.id} is not a valid model`));
  });

  it('limitFromYields: CLs in [0, 1] from the search workspace; an epistemic spread weakens the exclusion', () => {
    const zp = reg.get('zprime-ssm')!;
    const nb = 14;
    const y: SearchYields = {
      search: DILEPTON,
      fidelity: 'surrogate',
      events: 1000,
      seed: 1,
      crossSectionPb: 0.01,
      effAcc: 0.1,
      observable: 'm_ll',
      binEdges: [],
      yields: Array.from({ length: nb }, (_, i) => (i === 10 ? 6 : i === 11 ? 4 : 0)),
      yieldErrors: new Array<number>(nb).fill(0.2),
      backend: 'test',
    };
    const sharp = zp.limitFromYields!({ mass: 3000, g: 0.3 }, y);
    const spread = zp.limitFromYields!({ mass: 3000, g: 0.3 }, { ...y, epistemic: y.yields.map((v) => 0.6 * v) });
    for (const l of [sharp, spread]) {
      expect(l.region).toBe('SR_mll');
      expect(l.clsExp).toHaveLength(5);
      for (const c of [l.clsObs, ...l.clsExp]) expect(c >= 0 && c <= 1).toBe(true);
    }
    expect(spread.clsObs).toBeGreaterThan(sharp.clsObs);
  });
});

describe('simulate and computeLimit activities for a simulated family', () => {
  const point = { mass: 3000, g: 0.3 };
  const base: SimulateInput = { scanId: 's1', family: 'zprime-ssm', point, searches: [DILEPTON, DIJET], fidelity: 'fast', events: 150, seed: 7 };

  it('simulates every search (heartbeat after each), stores the yields, computes and caches CLs', async () => {
    const { store, yields } = memoryStore();
    const logs: string[] = [];
    const acts = activities(store, (l) => logs.push(l));
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(JSON.parse(JSON.stringify(d))));
    const sim = (await env.run(acts.simulate, base)) as SimulateResult;
    expect(sim.backend).toBe('fast');
    expect(sim.events).toBe(150);
    const stored = yields.get(sim.yieldsKey) as Record<string, SearchYields>;
    expect(Object.keys(stored)).toEqual([DILEPTON, DIJET]);
    expect(stored[DILEPTON].yields).toHaveLength(14);
    expect(stored[DILEPTON].yields.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(stored[DILEPTON]).toMatchObject({ fidelity: 'fast', events: 150, seed: 7, backend: 'fast' });
    // the heartbeat after the first search carries its yields (what a retry resumes from)
    const after1 = beats.map((b) => Object.keys((b as { yields: object }).yields));
    expect(after1).toContainEqual([DILEPTON]);
    expect(after1[after1.length - 1]).toEqual([DILEPTON, DIJET]);
    expect(logs.join('\n')).toMatch(/simulate zprime-ssm g=0.3,mass=3000 \(fast, builtin, 150 events, backend fast\): 2 searches/);

    const input: LimitInput = { scanId: 's1', family: 'zprime-ssm', point, search: DILEPTON, fidelity: 'fast', seed: 7, yieldsKey: sim.yieldsKey };
    const first = (await new MockActivityEnvironment().run(acts.computeLimit, input)) as LimitResult;
    expect(first.cached).toBe(false);
    expect(first.region).toBe('SR_mll');
    expect(first.pointKey).toBe(pointKey(point));
    for (const c of [first.clsObs, ...first.clsExp]) expect(c >= 0 && c <= 1).toBe(true);
    expect(first.excluded).toBe(first.clsObs < 0.05);
    const again = (await new MockActivityEnvironment().run(acts.computeLimit, input)) as LimitResult;
    expect(again).toEqual({ ...first, cached: true });
  });

  it('a retried attempt resumes after the searches of its last heartbeat', async () => {
    const { store, yields } = memoryStore();
    const acts = activities(store);
    const marker: SearchYields = {
      search: DILEPTON,
      fidelity: 'fast',
      events: 150,
      seed: 7,
      crossSectionPb: 1,
      effAcc: 0.5,
      observable: 'm_ll',
      binEdges: [],
      yields: new Array<number>(14).fill(1.5),
      yieldErrors: new Array<number>(14).fill(0.1),
      backend: 'from-heartbeat',
    };
    const env = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: { yields: { [DILEPTON]: marker } } });
    const sim = (await env.run(acts.simulate, base)) as SimulateResult;
    const stored = yields.get(sim.yieldsKey) as Record<string, SearchYields>;
    expect(stored[DILEPTON]).toEqual(marker);
    expect(stored[DIJET].backend).toBe('fast');
    expect(sim.backend).toBe('from-heartbeat, fast');
  });

  it('surrogate fidelity: ensemble yields with their epistemic spread, which enters the limit', async () => {
    const { store, yields } = memoryStore();
    const acts = activities(store);
    const input: SimulateInput = { ...base, searches: [DILEPTON], fidelity: 'surrogate', events: 200 };
    const sim = (await new MockActivityEnvironment().run(acts.simulate, input)) as SimulateResult;
    expect(sim.backend).toMatch(/^surrogate \((wasm|cpu|tensorflow)/);
    const y = (yields.get(sim.yieldsKey) as Record<string, SearchYields>)[DILEPTON];
    expect(y.epistemic).toHaveLength(14);
    expect(y.epistemic!.some((e) => e > 0)).toBe(true);
    const lim: LimitInput = { scanId: 's1', family: 'zprime-ssm', point, search: DILEPTON, fidelity: 'surrogate', seed: 7, yieldsKey: sim.yieldsKey };
    const r = (await new MockActivityEnvironment().run(acts.computeLimit, lim)) as LimitResult;
    const sharp = new PhysicsFamily(getFamily('zprime-ssm')).limitFromYields(point, { ...y, epistemic: undefined });
    expect(r.clsObs).toBeGreaterThan(sharp.clsObs);
  });

  it('input errors are non-retryable InputErrors with the message', async () => {
    const { store } = memoryStore();
    const acts = activities(store);
    const env = () => new MockActivityEnvironment(undefined, { logger: quiet });
    let e = await rejection(env().run(acts.simulate, { ...base, point: { mass: 9000, g: 1 } }));
    expect(e.nonRetryable).toBe(true);
    expect(e.type).toBe('InputError');
    expect(e.message).toMatch(/point\.mass: 9000 is outside \[500, 7000\] GeV/);
    e = await rejection(env().run(acts.simulate, { ...base, searches: ['own-3l-met-13tev'] }));
    expect(e.message).toMatch(/searches: zprime-ssm has no own search 'own-3l-met-13tev'/);
    e = await rejection(env().run(acts.simulate, { ...base, family: 'excursion-fast2d', point: { x: 1, y: 1 } }));
    expect(e.message).toMatch(/fidelity: excursion-fast2d is not simulated/);
    const lim: LimitInput = { scanId: 's1', family: 'zprime-ssm', point, search: DILEPTON, fidelity: 'fast', seed: 7 };
    e = await rejection(env().run(acts.computeLimit, lim));
    expect([e.type, e.nonRetryable, e.message]).toEqual(['InputError', true, "yieldsKey: is required for fidelity 'fast' (the key simulate returned)"]);
    e = await rejection(env().run(acts.computeLimit, { ...lim, yieldsKey: 'nope' }));
    expect(e.message).toBe("yieldsKey: no stored yields under 'nope'");
    e = await rejection(env().run(acts.computeLimit, { ...lim, family: 'no-such-family' }));
    expect(e.message).toMatch(
      /^family: unknown model family 'no-such-family' \(known: atlas-sbottom, excursion-fast2d, .* and \d+ more \(sigmap families lists them\)\)$/,
    );
  });

  it('each queue simulates only its fidelities: a misrouted call is refused, naming the field', async () => {
    const { store } = memoryStore();
    const acts = activities(store);
    const env = () => new MockActivityEnvironment(undefined, { logger: quiet });
    let e = await rejection(env().run(acts.sim.simulate, { ...base, fidelity: 'surrogate' as const }));
    expect([e.type, e.nonRetryable, e.message]).toEqual(['InputError', true, "fidelity: the sim-gpu queue simulates full, fast, not 'surrogate'"]);
    e = await rejection(env().run(acts.sur.simulate, base));
    expect(e.message).toBe("fidelity: the surrogate-gpu queue simulates surrogate, not 'fast'");
  });

  it('startScan rejects a spec that does not fit the family', async () => {
    const { store } = memoryStore();
    const acts = activities(store);
    const e = await rejection(
      new MockActivityEnvironment(undefined, { logger: quiet }).run(acts.startScan, {
        scanId: 'bad',
        spec: zpSpec({ parameters: { mass: { min: 500, max: 6000 }, coupling: { min: 0.01, max: 1 } } }),
      }),
    );
    expect([e.type, e.nonRetryable]).toEqual(['InputError', true]);
    expect(e.message).toMatch(/parameters\.coupling: unknown parameter of zprime-ssm/);
    const ok = await new MockActivityEnvironment().run(acts.startScan, { scanId: 'good', spec: zpSpec() });
    expect(ok).toEqual({
      poolSize: null,
      family: expect.stringMatching(/^zprime-ssm: sequential Z'.*own-dilepton-resonance-13tev, own-dijet-resonance-13tev$/),
    });
  });
});

describe('SLHA-template family: cached lookup limits', () => {
  it('scopes its limits by the template content, so two templates (or one edited) never share a cached r', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigmap-tpl-'));
    const base = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'templates', 'T2tt.slha'), 'utf8');
    const a = join(dir, 'a.slha');
    const b = join(dir, 'b.slha');
    writeFileSync(a, base);
    writeFileSync(b, base.replace(/^(\s*DECAY\s+1000006\s+)\S+/m, '$12.0'));
    expect(readFileSync(b, 'utf8')).not.toBe(base);
    const fa = new SlhaTemplateFamily(a);
    expect(fa.limitScope()).toBe(new SlhaTemplateFamily(a).limitScope());
    expect(new SlhaTemplateFamily(b).limitScope()).not.toBe(fa.limitScope());
    rmSync(dir, { recursive: true, force: true });
  });
});
