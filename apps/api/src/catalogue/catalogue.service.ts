import { ConflictException, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { parseCell, type SearchRecord } from '@sigmap/coverage';
import type { Store } from '@sigmap/store';
import { API_OPTIONS, STORE } from '../common/tokens';
import type { ApiOptions } from '../config';
import type { RegisterSearchDto } from './dto/register-search.dto';
import { loadShippedCatalogue } from '@sigmap/catalogue';

/**
 * The search catalogue as the API serves it: the catalogue library's records plus searches registered through the
 * API (stored in the store's api_catalogue table with the registering group). Registered records carry no
 * material, so they appear in the coverage map but cannot be scanned until their material is catalogued.
 */
@Injectable()
export class CatalogueService implements OnModuleInit {
  private readonly logger = new Logger('catalogue');
  private shipped: SearchRecord[] = [];
  private registered: (SearchRecord & { registeredBy: string })[] = [];
  private source = '';
  /** What the published layer holds, for the coverage map's summary. */
  catalogueLine = '';
  /** Bumped on every change; part of the coverage cache key. */
  version = 0;

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    const { searches, source, catalogue } = loadShippedCatalogue(this.options.home);
    this.shipped = searches;
    this.source = source;
    this.catalogueLine = catalogue;
    await this.store.sql.exec(`CREATE TABLE IF NOT EXISTS api_catalogue (
      search_id TEXT PRIMARY KEY,
      group_id TEXT NOT NULL,
      record JSONB NOT NULL,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    await this.reload();
    this.logger.log(`${this.shipped.length} shipped searches (${source}), ${this.registered.length} registered through the API`);
  }

  private async reload(): Promise<void> {
    const r = await this.store.sql.query<{ group_id: string; record: unknown }>('SELECT group_id, record FROM api_catalogue ORDER BY search_id');
    this.registered = r.rows.map((x) => ({ ...((typeof x.record === 'string' ? JSON.parse(x.record) : x.record) as SearchRecord), registeredBy: x.group_id }));
    this.version++;
  }

  list(): SearchRecord[] {
    return [...this.shipped, ...this.registered];
  }

  describe() {
    return { source: this.source, shipped: this.shipped.length, registered: this.registered.length };
  }

  async register(group: string, dto: RegisterSearchDto) {
    if (this.list().some((s) => s.id === dto.id)) throw new ConflictException({ statusCode: 409, message: `id: a search '${dto.id}' is already catalogued`, fields: [{ field: 'id', problem: 'already catalogued' }] });
    // every signature is parsed; an unknown object is an InputError naming signatures[i] (-> 400)
    const signatures = [...new Set(dto.signatures.map((s, i) => parseCell(s, `signatures[${i}]`).key))];
    const record: SearchRecord = { ...dto, signatures };
    await this.store.sql.query('INSERT INTO api_catalogue (search_id, group_id, record) VALUES ($1, $2, $3)', [dto.id, group, JSON.stringify(record)]);
    await this.reload();
    return { ...record, registeredBy: group };
  }
}
