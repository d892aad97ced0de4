/**
 * The API's tables (api_scan_access, api_catalogue; created by migrations 3 and 4) and every query on them: the API
 * calls these, it runs no SQL of its own on them.
 */
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
  const r = await store.sql.query<{ scan_id: string; family: string; status: string; created_at: Date; updated_at: Date; group_id: string | null; visibility: Visibility | null }>(
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
  const r = await store.sql.query<{ search_id: string; group_id: string; record: unknown; review: Review; reviewed_by: string | null; reviewed_at: Date | null; created_at: Date }>(
    'SELECT search_id, group_id, record, review, reviewed_by, reviewed_at, created_at FROM api_catalogue ORDER BY search_id',
  );
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
export async function insertCatalogueEntry(store: Store, searchId: string, group: string, record: unknown, review: Review = 'pending', reviewedBy: string | null = null): Promise<boolean> {
  const r = await store.sql.query(
    `INSERT INTO api_catalogue (search_id, group_id, record, review, reviewed_by, reviewed_at) VALUES ($1, $2, $3, $4, $5, CASE WHEN $5::text IS NULL THEN NULL ELSE now() END)
     ON CONFLICT (search_id) DO NOTHING RETURNING search_id`,
    [searchId, group, JSON.stringify(record), review, reviewedBy],
  );
  return r.rows.length > 0;
}

/** Sets the review of a registration; false when there is no such entry. */
export async function reviewCatalogueEntry(store: Store, searchId: string, review: Review, reviewer: string): Promise<boolean> {
  const r = await store.sql.query('UPDATE api_catalogue SET review = $2, reviewed_by = $3, reviewed_at = now() WHERE search_id = $1 RETURNING search_id', [searchId, review, reviewer]);
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
