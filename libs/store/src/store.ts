import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CoverageSummary, EvaluatedPoint, Fidelity, ModelPoint, ScanProgress, ScanSpec, ScanStatus } from '@sigmap/contracts';
import { lockDataDir } from './lock';
import { MIGRATIONS } from './migrations';

/** Queries on one connection inside one transaction (see Sql.transaction). */
export interface SqlTx {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  exec(text: string): Promise<void>;
}

/** The one SQL surface both backends offer: parameterised query -> rows. */
export interface Sql {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  exec(text: string): Promise<void>;
  /**
   * Runs fn in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws. On PostgreSQL a
   * `pg_advisory_xact_lock` taken inside is held until the end of the transaction; PGlite is one connection, so its
   * transactions already run one at a time.
   */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly kind: 'pglite' | 'postgres';
  readonly location: string;
}

export interface OpenStoreOptions {
  /** PostgreSQL URL (DATABASE_URL); absent -> embedded PGlite. */
  url?: string;
  /** PGlite data directory; default `${SIGMAP_HOME ?? '.sigmap'}/store`. */
  dataDir?: string;
}

export interface EvaluationRow extends EvaluatedPoint {
  scanId: string;
  createdAt: string;
}

export interface GpSnapshot {
  scanId: string;
  round: number;
  digest: string;
  trainingSize: number;
  misclassified: number | null;
  state: unknown;
}

export interface ScanRow {
  scanId: string;
  spec: ScanSpec;
  status: ScanStatus;
  createdAt: string;
  updatedAt: string;
}

function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SIGMAP_HOME ?? '.sigmap', 'store');
}

async function openPglite(dataDir: string): Promise<Sql> {
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(resolve(dataDir));
  const { PGlite } = await import('@electric-sql/pglite');
  let db: InstanceType<typeof PGlite>;
  try {
    db = await PGlite.create(dataDir);
  } catch (e) {
    unlock();
    throw e;
  }
  return {
    kind: 'pglite',
    location: dataDir,
    query: async <R>(text: string, params?: unknown[]) => {
      const r = await db.query<R>(text, params as unknown[] | undefined);
      return { rows: r.rows };
    },
    exec: async (text: string) => {
      await db.exec(text);
    },
    transaction: <T>(fn: (tx: SqlTx) => Promise<T>) =>
      db.transaction(async (t) =>
        fn({
          query: async <R>(text: string, params?: unknown[]) => ({ rows: (await t.query<R>(text, params as unknown[] | undefined)).rows }),
          exec: async (text: string) => {
            await t.exec(text);
          },
        }),
      ),
    close: async () => {
      try {
        await db.close();
      } finally {
        unlock();
      }
    },
  };
}

interface PgClient {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  release(err?: Error | boolean): void;
}

interface PgPool {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  connect(): Promise<PgClient>;
  end(): Promise<void>;
}

async function openPostgres(url: string): Promise<Sql> {
  const pg = require('pg') as { Pool: new (o: { connectionString: string; max?: number }) => PgPool };
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  return {
    kind: 'postgres',
    location: url.replace(/\/\/[^@/]*@/, '//***@'),
    query: async <R>(text: string, params?: unknown[]) => ({ rows: (await pool.query(text, params)).rows as R[] }),
    exec: async (text: string) => {
      await pool.query(text);
    },
    transaction: async <T>(fn: (tx: SqlTx) => Promise<T>) => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const out = await fn({
          query: async <R>(text: string, params?: unknown[]) => ({ rows: (await client.query(text, params)).rows as R[] }),
          exec: async (text: string) => {
            await client.query(text);
          },
        });
        await client.query('COMMIT');
        return out;
      } catch (e) {
        try {
          await client.query('ROLLBACK');
        } catch (r) {
          broken = r as Error; // the connection is unusable: the pool drops it
        }
        throw e;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

/** The advisory-lock key of the store's migrations (any fixed bigint; this one is 'sigmapmg' in ASCII). */
const MIGRATION_LOCK = '8316291906400185703';

const num = (x: unknown) => (x === null || x === undefined ? null : Number(x));

/**
 * Persistence for scans (DESIGN.md "Store"): PGlite by default, PostgreSQL when a URL is given.
 * Migrations are applied at open. Evaluations are idempotent: the key (scan_id, point_key, search_id, fidelity, seed)
 * is unique and `putEvaluation` is an upsert that keeps the first stored result.
 */
export class Store {
  private constructor(readonly sql: Sql) {}

  static async open(options: OpenStoreOptions = {}): Promise<Store> {
    const sql = options.url ? await openPostgres(options.url) : await openPglite(options.dataDir ?? defaultDataDir());
    const store = new Store(sql);
    await store.migrate();
    return store;
  }

  get kind() {
    return this.sql.kind;
  }

  get location() {
    return this.sql.location;
  }

  /**
   * Applies the missing migrations in one transaction that first takes a transaction-level advisory lock
   * (MIGRATION_LOCK): processes opening one empty PostgreSQL database together (the API and a worker) run them one
   * after the other, and the later ones find them done. Without it both ran `CREATE TABLE IF NOT EXISTS` at once and
   * one died on a duplicate key in pg_type. Returns how many this call applied.
   */
  async migrate(): Promise<number> {
    return this.sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
      await tx.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
      const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)));
      let applied = 0;
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        await tx.exec(m.sql);
        await tx.query('INSERT INTO schema_migrations (version) VALUES ($1) ON CONFLICT DO NOTHING', [m.version]);
        applied++;
      }
      return applied;
    });
  }

  async close(): Promise<void> {
    await this.sql.close();
  }

  // ---- scans ----
  /** `via`: a transaction of this store's Sql (Sql.transaction) to insert in; default its own pool. */
  async createScan(scanId: string, spec: ScanSpec, via: SqlTx = this.sql): Promise<void> {
    await via.query(`INSERT INTO scans (scan_id, family, spec, status) VALUES ($1, $2, $3, 'running') ON CONFLICT (scan_id) DO NOTHING`, [
      scanId,
      spec.family,
      JSON.stringify(spec),
    ]);
  }

  async getScan(scanId: string): Promise<ScanRow | null> {
    const r = await this.sql.query<{ scan_id: string; spec: ScanSpec | string; status: ScanStatus; created_at: Date; updated_at: Date }>(
      'SELECT scan_id, spec, status, created_at, updated_at FROM scans WHERE scan_id = $1',
      [scanId],
    );
    const row = r.rows[0];
    if (!row) return null;
    return {
      scanId: row.scan_id,
      spec: typeof row.spec === 'string' ? (JSON.parse(row.spec) as ScanSpec) : row.spec,
      status: row.status,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }

  async setScanStatus(scanId: string, status: ScanStatus): Promise<void> {
    await this.sql.query('UPDATE scans SET status = $2, updated_at = now() WHERE scan_id = $1', [scanId, status]);
  }

  // ---- evaluations ----
  /** Idempotent: a second put with the same key keeps the first row; returns whether this call inserted it. */
  async putEvaluation(scanId: string, e: EvaluatedPoint): Promise<boolean> {
    const r = await this.sql.query(
      `INSERT INTO evaluations (scan_id, point_key, search_id, fidelity, seed, point, cls_obs, cls_exp, region, excluded)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (scan_id, point_key, search_id, fidelity, seed) DO NOTHING RETURNING id`,
      [scanId, e.key, e.search, e.fidelity, e.seed, JSON.stringify(e.point), e.clsObs, JSON.stringify(e.clsExp), e.region, e.excluded],
    );
    return r.rows.length > 0;
  }

  async getEvaluation(scanId: string, key: string, search: string, fidelity: Fidelity, seed: number): Promise<EvaluatedPoint | null> {
    const r = await this.sql.query<EvalDbRow>(
      `SELECT * FROM evaluations WHERE scan_id = $1 AND point_key = $2 AND search_id = $3 AND fidelity = $4 AND seed = $5`,
      [scanId, key, search, fidelity, seed],
    );
    return r.rows[0] ? toEval(r.rows[0]) : null;
  }

  async listEvaluations(scanId: string): Promise<EvaluationRow[]> {
    const r = await this.sql.query<EvalDbRow>('SELECT * FROM evaluations WHERE scan_id = $1 ORDER BY id', [scanId]);
    return r.rows.map((row) => ({ ...toEval(row), scanId: row.scan_id, createdAt: new Date(row.created_at).toISOString() }));
  }

  // ---- limit cache (scan-independent lookup results, e.g. a published patch's CLs) ----
  async getLimit(search: string, key: string, fidelity: Fidelity): Promise<{ clsObs: number; clsExp: number[]; region: string | null } | null> {
    const r = await this.sql.query<{ cls_obs: number; cls_exp: number[] | string; region: string | null }>(
      'SELECT cls_obs, cls_exp, region FROM limits WHERE search_id = $1 AND point_key = $2 AND fidelity = $3',
      [search, key, fidelity],
    );
    const row = r.rows[0];
    if (!row) return null;
    return { clsObs: Number(row.cls_obs), clsExp: parseJson<number[]>(row.cls_exp), region: row.region };
  }

  async putLimit(search: string, key: string, fidelity: Fidelity, v: { clsObs: number; clsExp: number[]; region: string | null }): Promise<void> {
    await this.sql.query(
      `INSERT INTO limits (search_id, point_key, fidelity, cls_obs, cls_exp, region) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (search_id, point_key, fidelity) DO NOTHING`,
      [search, key, fidelity, v.clsObs, JSON.stringify(v.clsExp), v.region],
    );
  }

  // ---- yields (simulation output, per point and search) ----
  async putYields(scanId: string, key: string, fidelity: Fidelity, seed: number, yields: unknown): Promise<string> {
    const id = `${scanId}|${key}|${fidelity}|${seed}`;
    await this.sql.query(
      `INSERT INTO yields (yields_key, scan_id, point_key, fidelity, seed, yields) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (yields_key) DO NOTHING`,
      [id, scanId, key, fidelity, seed, JSON.stringify(yields)],
    );
    return id;
  }

  async getYields(yieldsKey: string): Promise<unknown | null> {
    const r = await this.sql.query<{ yields: unknown }>('SELECT yields FROM yields WHERE yields_key = $1', [yieldsKey]);
    return r.rows[0] ? parseJson(r.rows[0].yields) : null;
  }

  // ---- GP snapshots ----
  async putGpSnapshot(s: GpSnapshot): Promise<void> {
    await this.sql.query(
      `INSERT INTO gp_snapshots (scan_id, round, digest, training_size, misclassified, state) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (scan_id, round) DO UPDATE SET digest = EXCLUDED.digest, training_size = EXCLUDED.training_size,
         misclassified = EXCLUDED.misclassified, state = EXCLUDED.state, created_at = now()`,
      [s.scanId, s.round, s.digest, s.trainingSize, s.misclassified, JSON.stringify(s.state)],
    );
  }

  async latestGpSnapshot(scanId: string): Promise<GpSnapshot | null> {
    const r = await this.sql.query<{ scan_id: string; round: number; digest: string; training_size: number; misclassified: number | null; state: unknown }>(
      'SELECT * FROM gp_snapshots WHERE scan_id = $1 ORDER BY round DESC LIMIT 1',
      [scanId],
    );
    const row = r.rows[0];
    if (!row) return null;
    return {
      scanId: row.scan_id,
      round: Number(row.round),
      digest: row.digest,
      trainingSize: Number(row.training_size),
      misclassified: num(row.misclassified),
      state: parseJson(row.state),
    };
  }

  // ---- progress / events ----
  async putProgress(p: ScanProgress): Promise<void> {
    const payload = JSON.stringify(p);
    // idempotent: a retried activity call (same payload) adds no second event
    await this.sql.query(
      `INSERT INTO scan_events (scan_id, round, kind, payload, event_key) VALUES ($1, $2, 'progress', $3, $4) ON CONFLICT (scan_id, event_key) DO NOTHING`,
      [p.scanId, p.round, payload, `progress:${createHash('sha256').update(payload).digest('hex')}`],
    );
    await this.sql.query('UPDATE scans SET status = $2, updated_at = now() WHERE scan_id = $1', [p.scanId, p.status]);
  }

  async listEvents(scanId: string): Promise<{ round: number; kind: string; payload: unknown }[]> {
    const r = await this.sql.query<{ round: number; kind: string; payload: unknown }>(
      'SELECT round, kind, payload FROM scan_events WHERE scan_id = $1 ORDER BY id',
      [scanId],
    );
    return r.rows.map((x) => ({ round: Number(x.round), kind: x.kind, payload: parseJson(x.payload) }));
  }

  /** Progress events of a scan with id > afterId, in order (the API's event stream polls this). */
  async progressEventsAfter(scanId: string, afterId: number): Promise<{ id: number; payload: unknown }[]> {
    const r = await this.sql.query<{ id: number; payload: unknown }>(
      `SELECT id, payload FROM scan_events WHERE scan_id = $1 AND kind = 'progress' AND id > $2 ORDER BY id`,
      [scanId, afterId],
    );
    return r.rows.map((x) => ({ id: Number(x.id), payload: parseJson(x.payload) }));
  }

  // ---- coverage ----
  async coverageSummary(scanIds?: string[]): Promise<CoverageSummary> {
    const where = scanIds && scanIds.length ? 'WHERE e.scan_id = ANY($1)' : '';
    const r = await this.sql.query<{ family: string; search_id: string; n: number; excl: number; scans: number }>(
      `SELECT s.family, e.search_id, COUNT(*)::int AS n, SUM(CASE WHEN e.excluded THEN 1 ELSE 0 END)::int AS excl
         FROM evaluations e JOIN scans s ON s.scan_id = e.scan_id ${where}
        GROUP BY s.family, e.search_id ORDER BY s.family, e.search_id`,
      where ? [scanIds] : [],
    );
    const n = await this.sql.query<{ n: number }>(`SELECT COUNT(DISTINCT e.scan_id)::int AS n FROM evaluations e ${where}`, where ? [scanIds] : []);
    const rows = r.rows.map((x) => ({
      family: x.family,
      search: x.search_id,
      evaluated: Number(x.n),
      excluded: Number(x.excl),
      fractionExcluded: Number(x.excl) / Number(x.n),
    }));
    await this.sql.query(`INSERT INTO coverage_snapshots (summary) VALUES ($1)`, [JSON.stringify(rows)]);
    return { scans: Number(n.rows[0]?.n ?? 0), rows };
  }
}

interface EvalDbRow {
  id: number;
  scan_id: string;
  point_key: string;
  search_id: string;
  fidelity: Fidelity;
  seed: number | string;
  point: ModelPoint | string;
  cls_obs: number;
  cls_exp: number[] | string;
  region: string | null;
  excluded: boolean;
  created_at: Date;
}

function parseJson<T>(x: unknown): T {
  return (typeof x === 'string' ? JSON.parse(x) : x) as T;
}

function toEval(row: EvalDbRow): EvaluatedPoint {
  return {
    point: parseJson<ModelPoint>(row.point),
    key: row.point_key,
    search: row.search_id,
    fidelity: row.fidelity,
    seed: Number(row.seed),
    clsObs: Number(row.cls_obs),
    clsExp: parseJson<number[]>(row.cls_exp),
    region: row.region,
    excluded: row.excluded,
  };
}

/** `openStore({ url: process.env.DATABASE_URL })`: PostgreSQL when a URL is given, else PGlite in `dataDir`. */
export function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  return Store.open(options);
}
