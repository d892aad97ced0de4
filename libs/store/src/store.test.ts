import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateScanSpec, type EvaluatedPoint } from '@sigmap/contracts';
import { openStore, throwawayPostgres, type Store } from './index';

/**
 * The store's contract on both backends: embedded PGlite (the default) and a real PostgreSQL server (DATABASE_URL in
 * production). The PostgreSQL run uses a throwaway server (infra/postgres/throwaway.sh) when Debian's postgresql
 * binaries are installed (scripts/bootstrap.sh installs them), or SIGMAP_TEST_DATABASE_URL when set.
 */
const pg = throwawayPostgres('sigmap-store');
const dir = pg.dir;
const pgUrl = pg.url;
afterAll(() => pg.stop());

const spec = validateScanSpec({
  family: 'excursion-fast2d',
  parameters: { x: { min: 0, max: 1.5 }, y: { min: 0, max: 1.5 } },
  searches: ['s1'],
  budget: 10,
  batchSize: 2,
  seed: 4,
});
const evaluation = (x: number, over: Partial<EvaluatedPoint> = {}): EvaluatedPoint => ({
  point: { x, y: 0.5 },
  key: `x=${x};y=0.5`,
  search: 's1',
  fidelity: 'lookup',
  seed: 17,
  clsObs: x / 10,
  clsExp: [0.01, 0.02, 0.03, 0.04, 0.05].map((c) => c * x),
  region: x > 0.3 ? 'SR' : null,
  excluded: x / 10 < 0.05,
  ...over,
});

const backends: [string, () => Promise<Store>][] = [['pglite', () => openStore({ dataDir: join(dir, 'pglite') })]];
if (pgUrl) backends.push(['postgres', () => openStore({ url: pgUrl! })]);

describe.each(backends)('store on %s', (kind, open) => {
  let store: Store;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('reports its backend', () => {
    expect(store.kind).toBe(kind);
  });

  it('keeps one evaluation per (scan, point, search, fidelity, seed), bit for bit', async () => {
    await store.createScan('scan-a', spec);
    expect((await store.getScan('scan-a'))?.status).toBe('running');
    const e = evaluation(0.1);
    expect(await store.putEvaluation('scan-a', e)).toBe(true);
    // a retried activity writes the same key again: no second row, the first value stays
    expect(await store.putEvaluation('scan-a', { ...e, clsObs: 0.9 })).toBe(false);
    await store.putEvaluation('scan-a', evaluation(0.1, { fidelity: 'full' }));
    await store.putEvaluation('scan-a', evaluation(0.7));
    const rows = await store.listEvaluations('scan-a');
    expect(rows).toHaveLength(3);
    const got = await store.getEvaluation('scan-a', e.key, 's1', 'lookup', 17);
    expect(got).toMatchObject({ point: e.point, clsObs: e.clsObs, clsExp: e.clsExp, region: null, excluded: true });
    expect(await store.getEvaluation('scan-a', e.key, 's1', 'lookup', 18)).toBeNull();
    await store.setScanStatus('scan-a', 'converged');
    expect((await store.getScan('scan-a'))?.status).toBe('converged');
  });

  it('caches limits and yields by key, and keeps progress events and GP snapshots', async () => {
    await store.putLimit('s1', 'x=1;y=2', 'lookup', { clsObs: 0.25, clsExp: [0.1, 0.2, 0.3, 0.4, 0.5], region: 'RegionA' });
    expect(await store.getLimit('s1', 'x=1;y=2', 'lookup')).toEqual({ clsObs: 0.25, clsExp: [0.1, 0.2, 0.3, 0.4, 0.5], region: 'RegionA' });
    expect(await store.getLimit('s1', 'x=1;y=2', 'full')).toBeNull();
    const k1 = await store.putYields('scan-a', 'x=1;y=2', 'fast', 3, { s1: { yields: [1.5, 2.25] } });
    const k2 = await store.putYields('scan-a', 'x=1;y=2', 'fast', 3, { s1: { yields: [1.5, 2.25] } });
    expect(k2).toBe(k1);
    expect(await store.getYields(k1)).toEqual({ s1: { yields: [1.5, 2.25] } });
    expect(await store.getYields('nope')).toBeNull();
    await store.putGpSnapshot({ scanId: 'scan-a', round: 2, digest: '3:abc', trainingSize: 3, misclassified: 0.04, state: { l: [0.3, 0.2] } });
    expect(await store.latestGpSnapshot('scan-a')).toMatchObject({ round: 2, digest: '3:abc', trainingSize: 3, misclassified: 0.04 });
    const progress = {
      scanId: 'scan-a',
      status: 'running' as const,
      round: 1,
      evaluated: 3,
      budget: 10,
      inFlight: 0,
      misclassified: 0.04,
      target: 0.02,
      gpDigest: '3:abc',
      startedAtMs: 1,
      updatedAtMs: 2,
    };
    await store.putProgress(progress);
    // a retried recordProgress (same payload) is not a second event; a new state is
    await store.putProgress({ ...progress });
    await store.putProgress({ ...progress, evaluated: 4, updatedAtMs: 3 });
    expect(
      (await store.listEvents('scan-a')).filter((e) => e.kind === 'progress').map((e) => [e.round, (e.payload as { evaluated: number }).evaluated]),
    ).toEqual([
      [1, 3],
      [1, 4],
    ]);
  });

  it('aggregates coverage over scans', async () => {
    const c = await store.coverageSummary(['scan-a']);
    expect(c.scans).toBe(1);
    const row = c.rows.find((r) => r.search === 's1')!;
    expect(row.family).toBe('excursion-fast2d');
    expect(row.evaluated).toBeGreaterThanOrEqual(2);
    expect(row.excluded).toBeGreaterThanOrEqual(1);
  });
});

describe('PostgreSQL availability', () => {
  it.runIf(!pgUrl)('is skipped here: no PostgreSQL binaries and no SIGMAP_TEST_DATABASE_URL', () => {
    expect(pgUrl).toBeNull();
  });
  it.runIf(!!pgUrl)('runs the same contract against a real PostgreSQL server', () => {
    expect(backends.map((b) => b[0])).toEqual(['pglite', 'postgres']);
  });
});
