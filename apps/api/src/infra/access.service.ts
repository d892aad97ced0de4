import { Inject, Injectable, NotFoundException, ForbiddenException, OnModuleInit } from '@nestjs/common';
import type { SqlTx, Store } from '@sigmap/store';
import { STORE } from '../common/tokens';
import { lookupScanAccess, publicScanIds, recordScanAccess, visibleScans, type VisibleScanRow } from '@sigmap/store';

type Visibility = 'public' | 'private';

interface ScanAccess {
  scanId: string;
  group: string | null;
  visibility: Visibility;
}

/**
 * Who owns which scan: the store's api_scan_access table (migration 3; its queries are the store's, apiTables.ts);
 * a scan without a row was started outside the API (`sigmap scan`, an operator) or its row was lost: it is private
 * with no owning group (nobody reads or signals it through the API), so a missing row never publishes a scan.
 */
@Injectable()
export class AccessService implements OnModuleInit {
  constructor(@Inject(STORE) private readonly store: Store) {}

  /** The table comes from the store's migrations (opened before the app); fails fast on a store that lacks them. */
  async onModuleInit(): Promise<void> {
    await lookupScanAccess(this.store, '');
  }

  /** `via`: a transaction of the store (Sql.transaction) to insert in, default the store's pool. */
  async record(scanId: string, group: string, visibility: Visibility, via: SqlTx = this.store.sql): Promise<void> {
    await recordScanAccess(this.store, scanId, group, visibility, via);
  }

  lookup(scanId: string): Promise<ScanAccess | null> {
    return lookupScanAccess(this.store, scanId);
  }

  /** 404 when the scan does not exist or is another group's private scan (its existence is not revealed). */
  async readable(scanId: string, group: string | null): Promise<ScanAccess> {
    const a = await this.lookup(scanId);
    if (!a || (a.visibility === 'private' && (a.group === null || a.group !== group)))
      throw new NotFoundException(`scanId: no scan '${scanId}' visible to ${group ? `group '${group}'` : 'anonymous callers'}`);
    return a;
  }

  /** readable(), then 403 unless the caller's group owns the scan. */
  async writable(scanId: string, group: string | null): Promise<ScanAccess> {
    const a = await this.readable(scanId, group);
    if (!group || a.group !== group)
      throw new ForbiddenException(`scanId: scan '${scanId}' belongs to ${a.group ? `group '${a.group}'` : 'no API group'}; only its group can change it`);
    return a;
  }

  /** Scan ids whose results are public (feed the coverage map). */
  publicScanIds(): Promise<string[]> {
    return publicScanIds(this.store);
  }

  /** Scans visible to a group: public ones and its own. */
  visible(group: string | null): Promise<VisibleScanRow[]> {
    return visibleScans(this.store, group);
  }
}
