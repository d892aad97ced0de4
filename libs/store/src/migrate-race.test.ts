/**
 * Issue 18 item 7: the API and a worker starting together on one empty PostgreSQL database both run the migrations;
 * without a lock one of them died on `duplicate key value violates unique constraint "pg_type_typname_nsp_index"`.
 * Here several store opens race on fresh empty databases of a throwaway server (infra/postgres/throwaway.sh).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, openStore, throwawayPostgres } from './index';

const pg = throwawayPostgres('sigmap-migrate-race');
const pgUrl = pg.url;
afterAll(() => pg.stop());

describe.runIf(!!pgUrl)('migrations under concurrent start on PostgreSQL', () => {
  it('lets 4 processes open one empty database at once, 5 times over: all open, each migration applied once', async () => {
    const admin = await openStore({ url: pgUrl! });
    try {
      for (let round = 0; round < 5; round++) {
        const db = `race_${round}_${process.pid}`;
        await admin.sql.exec(`CREATE DATABASE ${db}`);
        const url = pgUrl!.replace(/\/[^/]*$/, `/${db}`);
        const opened = await Promise.allSettled(Array.from({ length: 4 }, () => openStore({ url })));
        const errors = opened.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason));
        const stores = opened.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<Awaited<ReturnType<typeof openStore>>>).value);
        try {
          expect(errors).toEqual([]);
          const v = await stores[0].sql.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
          expect(v.rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
          // a later open finds nothing to do
          expect(await stores[0].migrate()).toBe(0);
        } finally {
          await Promise.all(stores.map((s) => s.close()));
        }
      }
    } finally {
      await admin.close();
    }
  });
});

describe('PostgreSQL availability (migration race)', () => {
  it.runIf(!pgUrl)('is skipped here: no PostgreSQL binaries and no SIGMAP_TEST_DATABASE_URL', () => {
    expect(pgUrl).toBeNull();
  });
});
