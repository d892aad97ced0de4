/**
 * The API's tables (api_scan_access, api_catalogue; created by migrations 3 and 4) and every query on them: the API
 * calls these, it runs no SQL of its own on them.
 */
import { FINAL_SCAN_STATUSES, type ScanProgress, type ScanSpec, type ScanStatus } from '@sigmap/contracts';
import type { SqlTx, Store } from './store';

export type Visibility = 'public' | 'private';
export type Review = 'pending' | 'approved' | 'rejected';

export interface ScanAccessRow {
  scanId: string;
  group: string | null;
  visibility: Visibility;
}

export interface VisibleScanRow extends ScanAccessRow {
  family: string;
  status: string;
  createdAt: string;
  updatedAt: string;
}

/** `via`: a transaction of the store (Sql.transaction) to insert in, default the store's pool. */
export async function recordScanAccess(store: Store, scanId: string, group: string, visibility: Visibility, via: SqlTx = store.sql): Promise<void> {
  await via.query('INSERT INTO api_scan_access (scan_id, group_id, visibility) VALUES ($1, $2, $3)', [scanId, group, visibility]);
}

/** First key of the per-group advisory lock of submissions and extends (the second is hashtext(group)); 'sgma'. */
const GROUP_LOCK = 0x73676d61;

export interface ScanAdmission {
  scanId: string;
  spec: ScanSpec;
  group: string;
  visibility: Visibility;
  /** What the scan costs (full-event equivalents; @sigmap/contracts scanCost). */
  cost: number;
  /** The group's limits: active (non-final) scans, and their cost together. */
  maxActive: number;
  maxGroupCost: number;
}

export type AdmissionResult =
  { admitted: true } | { admitted: false; limit: 'active'; active: number } | { admitted: false; limit: 'cost'; active: number; groupCost: number };

/**
 * Inserts the scan and its access row unless the group is at its limits: options.maxActive scans not in a final
 * status, or their cost together plus this one's over maxGroupCost. Count and inserts run in one transaction that
 * first takes an advisory lock per group, so concurrent submissions of one group are counted one after the other (on
 * PostgreSQL separate count and insert steps let 20 concurrent submissions through a limit of 8; PGlite is one
 * connection, its transactions are serial already).
 */
export async function admitScan(store: Store, a: ScanAdmission): Promise<AdmissionResult> {
  return store.sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [GROUP_LOCK, a.group]);
    const r = await tx.query<{ n: number; cost: number }>(
      `SELECT COUNT(*)::int AS n, COALESCE(SUM(a.cost), 0)::float8 AS cost FROM api_scan_access a JOIN scans s ON s.scan_id = a.scan_id WHERE a.group_id = $1 AND s.status <> ALL($2::text[])`,
      [a.group, FINAL_SCAN_STATUSES],
    );
    const active = Number(r.rows[0]?.n ?? 0);
    const groupCost = Number(r.rows[0]?.cost ?? 0);
    if (active >= a.maxActive) return { admitted: false, limit: 'active', active };
    if (groupCost + a.cost > a.maxGroupCost) return { admitted: false, limit: 'cost', active, groupCost };
    await store.createScan(a.scanId, a.spec, tx);
    await tx.query('INSERT INTO api_scan_access (scan_id, group_id, visibility, cost) VALUES ($1, $2, $3, $4)', [a.scanId, a.group, a.visibility, a.cost]);
    return { admitted: true };
  });
}

export type ExtensionResult =
  | { granted: true; extendedPoints: number }
  | { granted: false; limit: 'points'; extendedPoints: number }
  | { granted: false; limit: 'cost'; groupCost: number };

/**
 * Books `points` more points on a scan's extends (cumulative: at most maxExtendPoints per scan) and `cost` more on
 * its cost (the group's active scans together at most maxGroupCost), atomically per group; undo with
 * releaseExtension when the extend is not applied after all.
 */
export async function bookExtension(
  store: Store,
  e: { scanId: string; group: string; points: number; cost: number; maxExtendPoints: number; maxGroupCost: number },
): Promise<ExtensionResult> {
  return store.sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [GROUP_LOCK, e.group]);
    const cur = await tx.query<{ extended_points: number }>('SELECT extended_points FROM api_scan_access WHERE scan_id = $1', [e.scanId]);
    const extendedPoints = Number(cur.rows[0]?.extended_points ?? 0);
    if (extendedPoints + e.points > e.maxExtendPoints) return { granted: false, limit: 'points', extendedPoints };
    const r = await tx.query<{ cost: number }>(
      `SELECT COALESCE(SUM(a.cost), 0)::float8 AS cost FROM api_scan_access a JOIN scans s ON s.scan_id = a.scan_id WHERE a.group_id = $1 AND s.status <> ALL($2::text[])`,
      [e.group, FINAL_SCAN_STATUSES],
    );
    const groupCost = Number(r.rows[0]?.cost ?? 0);
    if (groupCost + e.cost > e.maxGroupCost) return { granted: false, limit: 'cost', groupCost };
    const u = await tx.query<{ extended_points: number }>(
      'UPDATE api_scan_access SET extended_points = extended_points + $2, cost = cost + $3 WHERE scan_id = $1 RETURNING extended_points',
      [e.scanId, e.points, e.cost],
    );
    return { granted: true, extendedPoints: Number(u.rows[0]?.extended_points ?? extendedPoints + e.points) };
  });
}

/** Gives back what bookExtension booked (the extend update was refused or Temporal did not answer). */
export async function releaseExtension(store: Store, scanId: string, points: number, cost: number): Promise<void> {
  await store.sql.query('UPDATE api_scan_access SET extended_points = GREATEST(0, extended_points - $2), cost = GREATEST(0, cost - $3) WHERE scan_id = $1', [
    scanId,
    points,
    cost,
  ]);
}

/** Points the extends of a scan added so far (0 without an access row). */
export async function extendedPoints(store: Store, scanId: string): Promise<number> {
  const r = await store.sql.query<{ extended_points: number }>('SELECT extended_points FROM api_scan_access WHERE scan_id = $1', [scanId]);
  return Number(r.rows[0]?.extended_points ?? 0);
}

export interface ActiveScanRow {
  scanId: string;
  status: ScanStatus;
  createdAt: string;
}

/**
 * Scans not in a final status (what reconciliation with Temporal checks), oldest update first, at most `limit`; of
 * one group, of several scan ids, or all.
 */
export async function activeScans(store: Store, o: { group?: string; scanIds?: string[]; limit?: number } = {}): Promise<ActiveScanRow[]> {
  const r = await store.sql.query<{ scan_id: string; status: ScanStatus; created_at: Date }>(
    `SELECT s.scan_id, s.status, s.created_at FROM scans s LEFT JOIN api_scan_access a ON a.scan_id = s.scan_id
      WHERE s.status <> ALL($1::text[]) AND ($2::text IS NULL OR a.group_id = $2) AND ($3::text[] IS NULL OR s.scan_id = ANY($3::text[]))
      ORDER BY s.updated_at, s.scan_id LIMIT $4`,
    [FINAL_SCAN_STATUSES, o.group ?? null, o.scanIds ?? null, o.limit ?? 1000],
  );
  return r.rows.map((x) => ({ scanId: x.scan_id, status: x.status, createdAt: new Date(x.created_at).toISOString() }));
}

/**
 * Moves a scan that is not in a final status to the final `status` (what Temporal says became of its workflow); a
 * status the workflow wrote meanwhile is kept. True when the row changed.
 */
export async function settleScanStatus(store: Store, scanId: string, status: ScanStatus): Promise<boolean> {
  const r = await store.sql.query('UPDATE scans SET status = $2, updated_at = now() WHERE scan_id = $1 AND status <> ALL($3::text[]) RETURNING scan_id', [
    scanId,
    status,
    FINAL_SCAN_STATUSES,
  ]);
  return r.rows.length > 0;
}

/** The latest progress event of a scan (null before the first). */
export async function latestProgress(store: Store, scanId: string): Promise<ScanProgress | null> {
  const r = await store.sql.query<{ payload: unknown }>(`SELECT payload FROM scan_events WHERE scan_id = $1 AND kind = 'progress' ORDER BY id DESC LIMIT 1`, [
    scanId,
  ]);
  const p = r.rows[0]?.payload;
  return p ? ((typeof p === 'string' ? JSON.parse(p) : p) as ScanProgress) : null;
}

/** Evaluations, distinct points and distinct excluded points of a scan. */
export async function evaluationCounts(store: Store, scanId: string): Promise<{ evaluations: number; points: number; excludedPoints: number }> {
  const r = await store.sql.query<{ n: number; points: number; excluded: number }>(
    `SELECT COUNT(*)::int AS n, COUNT(DISTINCT point_key)::int AS points, COUNT(DISTINCT CASE WHEN excluded THEN point_key END)::int AS excluded FROM evaluations WHERE scan_id = $1`,
    [scanId],
  );
  const c = r.rows[0];
  return { evaluations: Number(c?.n ?? 0), points: Number(c?.points ?? 0), excludedPoints: Number(c?.excluded ?? 0) };
}

/** The scan's owner and visibility; a scan without an access row is private with no group. Null: no such scan. */
export async function lookupScanAccess(store: Store, scanId: string): Promise<ScanAccessRow | null> {
  const scan = await store.sql.query<{ scan_id: string; group_id: string | null; visibility: Visibility | null }>(
    `SELECT s.scan_id, a.group_id, a.visibility FROM scans s LEFT JOIN api_scan_access a ON a.scan_id = s.scan_id WHERE s.scan_id = $1
     UNION ALL SELECT a.scan_id, a.group_id, a.visibility FROM api_scan_access a WHERE a.scan_id = $1 AND NOT EXISTS (SELECT 1 FROM scans s WHERE s.scan_id = $1)`,
    [scanId],
  );
  const row = scan.rows[0];
  if (!row) return null;
  return { scanId: row.scan_id, group: row.group_id, visibility: row.visibility ?? 'private' };
}

/** Scans visible to a group (public ones and its own), newest first, at most `limit`. */
export async function visibleScans(store: Store, group: string | null, limit = 1000): Promise<VisibleScanRow[]> {
  const r = await store.sql.query<{
    scan_id: string;
    family: string;
    status: string;
    created_at: Date;
    updated_at: Date;
    group_id: string | null;
    visibility: Visibility | null;
  }>(
    `SELECT s.scan_id, s.family, s.status, s.created_at, s.updated_at, a.group_id, a.visibility
       FROM scans s LEFT JOIN api_scan_access a ON a.scan_id = s.scan_id
      WHERE a.visibility = 'public' OR a.group_id = $1
      ORDER BY s.created_at DESC, s.scan_id LIMIT $2`,
    [group ?? '', limit],
  );
  return r.rows.map((x) => ({
    scanId: x.scan_id,
    family: x.family,
    status: x.status,
    createdAt: new Date(x.created_at).toISOString(),
    updatedAt: new Date(x.updated_at).toISOString(),
    group: x.group_id,
    visibility: x.visibility ?? 'private',
  }));
}

/** A cheap fingerprint of what the public coverage map is built from (evaluations, scans, public access rows). */
export async function coverageFingerprint(store: Store): Promise<string> {
  const r = await store.sql.query<{ n: number; last: number; scans: number; acc: number }>(
    `SELECT (SELECT COUNT(*)::int FROM evaluations) AS n, (SELECT COALESCE(MAX(id), 0)::int FROM evaluations) AS last,
            (SELECT COUNT(*)::int FROM scans) AS scans, (SELECT COUNT(*)::int FROM api_scan_access WHERE visibility = 'public') AS acc`,
  );
  const x = r.rows[0];
  return `${x.n}|${x.last}|${x.scans}|${x.acc}`;
}

export interface CatalogueEntryRow {
  searchId: string;
  group: string;
  record: unknown;
  review: Review;
  reviewedBy: string | null;
  reviewedAt: string | null;
  createdAt: string;
}

export async function listCatalogueEntries(store: Store): Promise<CatalogueEntryRow[]> {
  const r = await store.sql.query<{
    search_id: string;
    group_id: string;
    record: unknown;
    review: Review;
    reviewed_by: string | null;
    reviewed_at: Date | null;
    created_at: Date;
  }>('SELECT search_id, group_id, record, review, reviewed_by, reviewed_at, created_at FROM api_catalogue ORDER BY search_id');
  return r.rows.map((x) => ({
    searchId: x.search_id,
    group: x.group_id,
    record: typeof x.record === 'string' ? JSON.parse(x.record) : x.record,
    review: x.review,
    reviewedBy: x.reviewed_by,
    reviewedAt: x.reviewed_at ? new Date(x.reviewed_at).toISOString() : null,
    createdAt: new Date(x.created_at).toISOString(),
  }));
}

/** Inserts a registration; false when the id is taken (nothing written). */
export async function insertCatalogueEntry(
  store: Store,
  searchId: string,
  group: string,
  record: unknown,
  review: Review = 'pending',
  reviewedBy: string | null = null,
): Promise<boolean> {
  const r = await store.sql.query(
    `INSERT INTO api_catalogue (search_id, group_id, record, review, reviewed_by, reviewed_at) VALUES ($1, $2, $3, $4, $5, CASE WHEN $5::text IS NULL THEN NULL ELSE now() END)
     ON CONFLICT (search_id) DO NOTHING RETURNING search_id`,
    [searchId, group, JSON.stringify(record), review, reviewedBy],
  );
  return r.rows.length > 0;
}

/** Sets the review of a registration; false when there is no such entry. */
export async function reviewCatalogueEntry(store: Store, searchId: string, review: Review, reviewer: string): Promise<boolean> {
  const r = await store.sql.query('UPDATE api_catalogue SET review = $2, reviewed_by = $3, reviewed_at = now() WHERE search_id = $1 RETURNING search_id', [
    searchId,
    review,
    reviewer,
  ]);
  return r.rows.length > 0;
}

/** Deletes a registration; false when there is no such entry. */
export async function deleteCatalogueEntry(store: Store, searchId: string): Promise<boolean> {
  const r = await store.sql.query('DELETE FROM api_catalogue WHERE search_id = $1 RETURNING search_id', [searchId]);
  return r.rows.length > 0;
}

/**
 * @deprecated api_scan_access is created by migration 3 when the store opens; this only repeats its idempotent
 * CREATE for callers written before that migration (a store opened by an older build of this file).
 */
export async function ensureAccessTable(store: Store): Promise<void> {
  await store.sql.exec(`CREATE TABLE IF NOT EXISTS api_scan_access (
    scan_id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
}
