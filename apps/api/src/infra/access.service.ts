import { Inject, Injectable, NotFoundException, ForbiddenException, OnModuleInit } from '@nestjs/common';
import type { SqlTx, Store } from '@sigmap/store';
import { STORE } from '../common/tokens';
import { ensureAccessTable, publicScanIds } from '@sigmap/store';

export type Visibility = 'public' | 'private';

export interface ScanAccess {
  scanId: string;
  group: string | null;
  visibility: Visibility;
}

/**
 * Who owns which scan. The API keeps its own table in the store (api_scan_access) beside the scans table;
 * a scan without a row was started outside the API (`sigmap scan`, an operator) or its row was lost: it is private
 * with no owning group (nobody reads or signals it through the API), so a missing row never publishes a scan.
 */
@Injectable()
export class AccessService implements OnModuleInit {
  constructor(@Inject(STORE) private readonly store: Store) {}

  async onModuleInit(): Promise<void> {
    await ensureAccessTable(this.store);
  }

  /** `via`: a transaction of the store (Sql.transaction) to insert in, default the store's pool. */
  async record(scanId: string, group: string, visibility: Visibility, via: SqlTx = this.store.sql): Promise<void> {
    await via.query('INSERT INTO api_scan_access (scan_id, group_id, visibility) VALUES ($1, $2, $3)', [scanId, group, visibility]);
  }

  async lookup(scanId: string): Promise<ScanAccess | null> {
    const scan = await this.store.sql.query<{ scan_id: string; group_id: string | null; visibility: Visibility | null }>(
      `SELECT s.scan_id, a.group_id, a.visibility FROM scans s LEFT JOIN api_scan_access a ON a.scan_id = s.scan_id WHERE s.scan_id = $1
       UNION ALL SELECT a.scan_id, a.group_id, a.visibility FROM api_scan_access a WHERE a.scan_id = $1 AND NOT EXISTS (SELECT 1 FROM scans s WHERE s.scan_id = $1)`,
      [scanId],
    );
    const row = scan.rows[0];
    if (!row) return null;
    return { scanId: row.scan_id, group: row.group_id, visibility: row.visibility ?? 'private' };
  }

  /** 404 when the scan does not exist or is another group's private scan (its existence is not revealed). */
  async readable(scanId: string, group: string | null): Promise<ScanAccess> {
    const a = await this.lookup(scanId);
    if (!a || (a.visibility === 'private' && (a.group === null || a.group !== group))) throw new NotFoundException(`scanId: no scan '${scanId}' visible to ${group ? `group '${group}'` : 'anonymous callers'}`);
    return a;
  }

  /** readable(), then 403 unless the caller's group owns the scan. */
  async writable(scanId: string, group: string | null): Promise<ScanAccess> {
    const a = await this.readable(scanId, group);
    if (!group || a.group !== group) throw new ForbiddenException(`scanId: scan '${scanId}' belongs to ${a.group ? `group '${a.group}'` : 'no API group'}; only its group can change it`);
    return a;
  }

  /** Scan ids whose results are public (feed the coverage map). */
  publicScanIds(): Promise<string[]> {
    return publicScanIds(this.store);
  }

  /** Scans visible to a group: public ones and its own. */
  async visible(group: string | null): Promise<(ScanAccess & { family: string; status: string; createdAt: string; updatedAt: string })[]> {
    const r = await this.store.sql.query<{ scan_id: string; family: string; status: string; created_at: Date; updated_at: Date; group_id: string | null; visibility: Visibility | null }>(
      `SELECT s.scan_id, s.family, s.status, s.created_at, s.updated_at, a.group_id, a.visibility
         FROM scans s LEFT JOIN api_scan_access a ON a.scan_id = s.scan_id
        WHERE a.visibility = 'public' OR a.group_id = $1
        ORDER BY s.created_at DESC, s.scan_id LIMIT 1000`,
      [group ?? ''],
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
}
