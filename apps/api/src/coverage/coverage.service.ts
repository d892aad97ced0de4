import { Inject, Injectable, Logger, NotFoundException, OnApplicationBootstrap } from '@nestjs/common';
import { parseCell, renderCoverageSvg, type CoverageMap, type Recommendation } from '@sigmap/coverage';
import type { Store } from '@sigmap/store';
import { API_OPTIONS, STORE } from '../common/tokens';
import type { ApiOptions } from '../config';
import { CatalogueService } from '../catalogue/catalogue.service';
import { FamiliesService } from '../families/families.service';
import { coverageFingerprint, coverageFromStore } from '@sigmap/store';

interface Built {
  key: string;
  map: CoverageMap;
  recommendations: Recommendation[];
  json: string;
  svg: string;
  builtAt: string;
  buildMs: number;
}

/**
 * The coverage map built from PUBLIC scan results (readable by everyone), the shipped + registered catalogue and the
 * model families. Rebuilt when the store's results change: at most every `coverageTtlMs` the service checks a
 * cheap fingerprint (evaluation count and last id, scans, access rows, catalogue version) and reuses the map if unchanged.
 */
@Injectable()
export class CoverageService implements OnApplicationBootstrap {
  private readonly logger = new Logger('coverage');
  private built: Built | null = null;
  private checkedAt = -Infinity;
  private pending: Promise<Built> | null = null;

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
    private readonly catalogue: CatalogueService,
    private readonly families: FamiliesService,
  ) {}

  /** Builds the first map before the server listens, so no request waits for it. */
  async onApplicationBootstrap(): Promise<void> {
    await this.current();
  }

  private async fingerprint(): Promise<string> {
    return `${await coverageFingerprint(this.store)}|${this.catalogue.version}`;
  }

  private async build(key: string): Promise<Built> {
    const t0 = process.hrtime.bigint();
    const { map, recommendations, scans } = await coverageFromStore(this.store, this.catalogue.publicList(), this.families.list(), 100, this.catalogue.catalogueLine);
    const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
    this.logger.log(`coverage map rebuilt: ${map.summary.covered} covered / ${map.summary.empty} empty cells, ${scans.length} public scans, ${buildMs.toFixed(0)} ms`);
    const builtAt = new Date().toISOString();
    return { key, map, recommendations, json: JSON.stringify({ ...map, builtAt, buildMs }), svg: renderCoverageSvg(map), builtAt, buildMs };
  }

  /** The current map (rebuilt if the store changed since the last check, checked at most every coverageTtlMs). */
  async current(): Promise<Built> {
    const now = performance.now();
    if (this.built && now - this.checkedAt < this.options.coverageTtlMs) return this.built;
    if (this.pending) return this.pending;
    this.pending = (async () => {
      try {
        const key = await this.fingerprint();
        if (!this.built || this.built.key !== key) this.built = await this.build(key);
        this.checkedAt = performance.now();
        return this.built;
      } finally {
        this.pending = null;
      }
    })();
    return this.pending;
  }

  async matrix(): Promise<CoverageMap & { builtAt: string; buildMs: number }> {
    const b = await this.current();
    return { ...b.map, builtAt: b.builtAt, buildMs: b.buildMs };
  }

  /** The serialised matrix (what GET /api/coverage sends). */
  async matrixJson(): Promise<string> {
    const b = await this.current();
    return b.json;
  }

  async svg(): Promise<string> {
    return (await this.current()).svg;
  }

  async cell(key: string) {
    let canonical: string;
    try {
      canonical = parseCell(key, 'key').key;
    } catch {
      canonical = key;
    }
    const b = await this.current();
    const cell = b.map.cells.find((c) => c.key === canonical);
    if (!cell) throw new NotFoundException(`key: no cell '${key}' (pairs like 'b-b' or 'complex:<class>')`);
    return { ...cell, recommendations: b.recommendations.filter((r) => r.cell === cell.key).slice(0, 5) };
  }

  async recommendations(limit = 10) {
    const b = await this.current();
    return {
      method: b.recommendations[0]?.provenance.method ?? 'no candidate: no family feeds any cell',
      prior: b.map.summary.prior,
      recommendations: b.recommendations.slice(0, limit),
    };
  }
}
