/**
 * Issue 18 item 5: on PostgreSQL the per-group active-scan limit must hold under concurrent submissions (count and
 * insert used to be separate steps: 20 concurrent submissions were all accepted). The real ScansService and
 * AccessService run on a throwaway PostgreSQL server (infra/postgres/throwaway.sh); Temporal is a stub client whose
 * workflow.start succeeds, so only the store decides.
 */
import { HttpException } from '@nestjs/common';
import { openStore, throwawayPostgres, type Store } from '@sigmap/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessService } from '../infra/access.service';
import type { TemporalService } from '../infra/temporal.service';
import type { ApiOptions } from '../config';
import type { CreateScanDto } from './dto/create-scan.dto';
import { ReconcileService } from './reconcile.service';
import { ScansService } from './scans.service';
import { scanCost, validateScanSpec } from '@sigmap/contracts';

const pg = throwawayPostgres('sigmap-active-pg');
const pgUrl = pg.url;
afterAll(() => pg.stop());

const LIMIT = 3;
const targets = { get: (id: string) => (id === 'excursion-fast2d' ? { id, searches: ['s1'], parameters: ['x', 'y'] } : null), ids: () => ['excursion-fast2d'] };
const started_: string[] = [];
const client = { workflow: { start: async (_wf: unknown, o: { workflowId: string }) => void started_.push(o.workflowId) } };
const temporal = { get: async () => client, call: <T>(_what: string, fn: (c: typeof client) => Promise<T>) => fn(client) } as unknown as TemporalService;
const dto = (seed: number) =>
  ({
    name: `race-${seed}`,
    family: 'excursion-fast2d',
    parameters: { x: { min: 0, max: 1.5 }, y: { min: 0, max: 1.5 } },
    searches: ['s1'],
    budget: 10,
    batchSize: 2,
    seed,
  }) as unknown as CreateScanDto;

describe.runIf(!!pgUrl)('active-scan limit on PostgreSQL under concurrent submissions', () => {
  let store: Store;
  let scans: ScansService;
  let byCost: ScansService;
  beforeAll(async () => {
    store = await openStore({ url: pgUrl! });
    const access = new AccessService(store);
    await access.onModuleInit();
    const options = { maxActiveScans: LIMIT, maxEvents: 1e7, maxScanCost: 1e12, maxGroupCost: 1e12, reconcileMs: 60_000 } as ApiOptions;
    scans = new ScansService(store, access, temporal, new ReconcileService(store, options, temporal), targets, options);
    // the same limit expressed as cost: room for LIMIT scans' cost in a group of unlimited count
    const cost = scanCost(validateScanSpec(structuredClone(dto(0)) as never));
    const costOptions = { ...options, maxActiveScans: 1000, maxGroupCost: LIMIT * cost + cost / 2 } as ApiOptions;
    byCost = new ScansService(store, access, temporal, new ReconcileService(store, costOptions, temporal), targets, costOptions);
  });
  afterAll(async () => {
    await store?.close();
  });

  it(`accepts at most ${LIMIT} of 20 concurrent submissions of one group (the rest 429), and another group still gets its own`, async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => scans.submit('alpha', dto(i))));
    const accepted = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as unknown);
    expect(accepted.length).toBe(LIMIT);
    expect(refused.every((e) => e instanceof HttpException && e.getStatus() === 429)).toBe(true);
    const n = await store.sql.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM api_scan_access WHERE group_id = 'alpha'`);
    expect(n.rows[0].n).toBe(LIMIT);
    // refused submissions left no scan rows and started no workflow
    expect((await store.sql.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM scans`)).rows[0].n).toBe(LIMIT);
    expect(started_).toHaveLength(LIMIT);
    const beta = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => scans.submit('beta', dto(100 + i))));
    expect(beta.filter((r) => r.status === 'fulfilled')).toHaveLength(LIMIT);
  });

  it(`the group's cost limit holds the same way: ${LIMIT} of 20 concurrent submissions fit, the rest 429 naming budget`, async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => byCost.submit('gamma', dto(200 + i))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(LIMIT);
    for (const r of results.filter((x) => x.status === 'rejected')) {
      const e = (r as PromiseRejectedResult).reason as HttpException;
      expect([e.getStatus(), (e.getResponse() as { fields: { field: string }[] }).fields[0].field]).toEqual([429, 'budget']);
    }
  });
});

describe('PostgreSQL availability (active-scan limit)', () => {
  it.runIf(!pgUrl)('is skipped here: no PostgreSQL binaries and no SIGMAP_TEST_DATABASE_URL', () => {
    expect(pgUrl).toBeNull();
  });
});
