import { BadRequestException, ConflictException, ForbiddenException, Inject, Injectable, Logger, NotFoundException, OnModuleInit } from '@nestjs/common';
import { parseCell, type SearchRecord } from '@sigmap/coverage';
import { deleteCatalogueEntry, insertCatalogueEntry, listCatalogueEntries, reviewCatalogueEntry, type Review, type Store } from '@sigmap/store';
import { loadShippedCatalogueOffThread } from '@sigmap/catalogue';
import { API_OPTIONS, SCAN_TARGETS, STORE, type ScanTargets } from '../common/tokens';
import type { ApiOptions } from '../config';
import { FamiliesService } from '../families/families.service';
import type { RegisterSearchDto } from './dto/register-search.dto';

type RegisteredSearch = SearchRecord & { registeredBy: string; review: Review; reviewedBy: string | null; reviewedAt: string | null };

/**
 * The search catalogue as the API serves it: the catalogue library's records plus searches registered through the
 * API (the store's api_catalogue table, migration 4, with the registering group). A registration counts in the public
 * coverage map only once a reviewer (a key of options.reviewerGroups, default 'admin') approved it; until then it is
 * visible to its own group (and the reviewers) only, listed as pending. Unknown families are refused (400 naming
 * families[i]); the owning group or a reviewer can delete a registration. Before this, one fake search registered by
 * any group moved the public map from 18 to 60 of 61 covered cells (issue 18 item 6).
 */
@Injectable()
export class CatalogueService implements OnModuleInit {
  private readonly logger = new Logger('catalogue');
  private shipped: SearchRecord[] = [];
  private registered: RegisteredSearch[] = [];
  private source = '';
  /** What the published layer holds, for the coverage map's summary. */
  catalogueLine = '';
  /** Bumped on every change; part of the coverage cache key. */
  version = 0;

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
    @Inject(SCAN_TARGETS) private readonly targets: ScanTargets,
    private readonly families: FamiliesService,
  ) {}

  async onModuleInit(): Promise<void> {
    const { searches, source, catalogue } = await loadShippedCatalogueOffThread(this.options.home);
    this.shipped = searches;
    this.source = source;
    this.catalogueLine = catalogue;
    await this.reload();
    this.logger.log(
      `${this.shipped.length} shipped searches (${source}), ${this.registered.length} registered through the API (${this.approved().length} approved)`,
    );
  }

  private async reload(): Promise<void> {
    this.registered = (await listCatalogueEntries(this.store)).map((x) => ({
      ...(x.record as SearchRecord),
      registeredBy: x.group,
      review: x.review,
      reviewedBy: x.reviewedBy,
      reviewedAt: x.reviewedAt,
    }));
    this.version++;
  }

  isReviewer(group: string | null): boolean {
    return group !== null && this.options.reviewerGroups.includes(group);
  }

  private approved(): RegisteredSearch[] {
    return this.registered.filter((r) => r.review === 'approved');
  }

  /** What the public coverage map is built from: the shipped searches and the approved registrations. */
  publicList(): SearchRecord[] {
    return [...this.shipped, ...this.approved()];
  }

  /** What a caller sees: the public list, plus its own group's unapproved registrations (a reviewer sees all). */
  list(group: string | null = null): SearchRecord[] {
    const reviewer = this.isReviewer(group);
    return [...this.shipped, ...this.registered.filter((r) => r.review === 'approved' || reviewer || (group !== null && r.registeredBy === group))];
  }

  /** Registrations waiting for review: the group's own, or all of them for a reviewer. */
  pending(group: string): RegisteredSearch[] {
    const reviewer = this.isReviewer(group);
    return this.registered.filter((r) => r.review === 'pending' && (reviewer || r.registeredBy === group));
  }

  describe(group: string | null = null) {
    const mine = group ? this.registered.filter((r) => r.registeredBy === group || this.isReviewer(group)) : [];
    return {
      source: this.source,
      shipped: this.shipped.length,
      registered: this.approved().length,
      pending: mine.filter((r) => r.review === 'pending').length,
      reviewers: this.options.reviewerGroups,
    };
  }

  private knownFamilies(): Set<string> {
    return new Set([...this.families.list().map((f) => f.id), ...this.targets.ids()]);
  }

  async register(group: string, dto: RegisterSearchDto) {
    const known = this.knownFamilies();
    dto.families.forEach((f, i) => {
      if (!known.has(f))
        throw new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: `families[${i}]: unknown model family '${f}' (GET /api/families lists them)`,
          fields: [{ field: `families[${i}]`, problem: `unknown model family '${f}'` }],
        });
    });
    if (this.shipped.some((s) => s.id === dto.id) || this.registered.some((s) => s.id === dto.id))
      throw new ConflictException({
        statusCode: 409,
        message: `id: a search '${dto.id}' is already catalogued`,
        fields: [{ field: 'id', problem: 'already catalogued' }],
      });
    // every signature is parsed; an unknown object is an InputError naming signatures[i] (-> 400)
    const signatures = [...new Set(dto.signatures.map((s, i) => parseCell(s, `signatures[${i}]`).key))];
    const record: SearchRecord = { ...dto, families: [...new Set(dto.families)], signatures };
    const reviewer = this.isReviewer(group);
    const review: Review = reviewer ? 'approved' : 'pending';
    if (!(await insertCatalogueEntry(this.store, dto.id, group, record, review, reviewer ? group : null)))
      throw new ConflictException({
        statusCode: 409,
        message: `id: a search '${dto.id}' is already catalogued`,
        fields: [{ field: 'id', problem: 'already catalogued' }],
      });
    await this.reload();
    this.logger.log(`group ${group} registered ${dto.id} (${review})`);
    return {
      ...record,
      registeredBy: group,
      review,
      counts: review === 'approved' ? 'in the public coverage map' : `after review by ${this.options.reviewerGroups.join(', ')}`,
    };
  }

  private find(id: string, group: string): RegisteredSearch {
    const r = this.registered.find((s) => s.id === id);
    if (r && (r.registeredBy === group || this.isReviewer(group) || r.review === 'approved')) return r;
    if (this.shipped.some((s) => s.id === id))
      throw new ForbiddenException({
        statusCode: 403,
        message: `id: '${id}' is a shipped search (libs/catalogue); it is not changed through the API`,
        fields: [{ field: 'id', problem: 'shipped search' }],
      });
    throw new NotFoundException({
      statusCode: 404,
      message: `id: no registered search '${id}' visible to group '${group}'`,
      fields: [{ field: 'id', problem: 'not found' }],
    });
  }

  async review(group: string, id: string, decision: 'approve' | 'reject') {
    if (!this.isReviewer(group))
      throw new ForbiddenException({
        statusCode: 403,
        message: `group: '${group}' is not a catalogue reviewer (reviewers: ${this.options.reviewerGroups.join(', ')}; SIGMAP_API_REVIEWERS)`,
        fields: [{ field: 'group', problem: 'not a reviewer' }],
      });
    this.find(id, group);
    const review: Review = decision === 'approve' ? 'approved' : 'rejected';
    await reviewCatalogueEntry(this.store, id, review, group);
    await this.reload();
    this.logger.log(`reviewer ${group}: ${id} ${review}`);
    return this.registered.find((s) => s.id === id)!;
  }

  async remove(group: string, id: string) {
    const r = this.find(id, group);
    if (r.registeredBy !== group && !this.isReviewer(group))
      throw new ForbiddenException({
        statusCode: 403,
        message: `id: '${id}' was registered by group '${r.registeredBy}'; only that group or a reviewer deletes it`,
        fields: [{ field: 'id', problem: 'registered by another group' }],
      });
    await deleteCatalogueEntry(this.store, id);
    await this.reload();
    this.logger.log(`group ${group} deleted ${id}`);
    return { id, deleted: true };
  }
}
