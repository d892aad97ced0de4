import { randomUUID } from 'node:crypto';
import { startScanWorkflow } from '@sigmap/workflows/client';
import { BadRequestException, HttpException, HttpStatus, Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import { InputError, validateScanSpec, type ContourLine, type ScanProgress, type ScanSpec } from '@sigmap/contracts';
import type { Store } from '@sigmap/store';
import { cancelSignal, contourQuery, extendBudgetUpdate, pauseSignal, progressQuery, resumeSignal } from '@sigmap/workflows';
import { API_OPTIONS, SCAN_TARGETS, STORE, type ScanTargets } from '../common/tokens';
import type { ApiOptions } from '../config';
import { AccessService } from '../infra/access.service';
import { TemporalService } from '../infra/temporal.service';
import type { CreateScanDto } from './dto/create-scan.dto';

export const TERMINAL = ['completed', 'cancelled', 'budget-spent', 'converged', 'exhausted', 'failed'];
/** First key of the per-group advisory lock of submissions (the second is hashtext(group)); 'sgma' in ASCII. */
const ACTIVE_SCANS_LOCK = 0x73676d61;
export type ScanSignal = 'pause' | 'resume' | 'cancel';

@Injectable()
export class ScansService {
  private readonly logger = new Logger('scans');

  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly access: AccessService,
    private readonly temporal: TemporalService,
    @Inject(SCAN_TARGETS) private readonly targets: ScanTargets,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {}

  /**
   * Inserts the scan and its access row unless the group already has options.maxActiveScans scans running or paused
   * (then 429). Count and inserts run in one transaction that first takes an advisory lock per group, so concurrent
   * submissions of one group are counted one after the other: on PostgreSQL, separate count and insert steps let 20
   * concurrent submissions all through a limit of 8 (issue 18 item 5). PGlite is one connection, so its transactions
   * are serial already.
   */
  private async createWithinActiveLimit(group: string, scanId: string, spec: ScanSpec, visibility: 'public' | 'private') {
    await this.store.sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [ACTIVE_SCANS_LOCK, group]);
      const r = await tx.query<{ n: number }>(
        `SELECT COUNT(*)::int AS n FROM api_scan_access a JOIN scans s ON s.scan_id = a.scan_id WHERE a.group_id = $1 AND s.status <> ALL($2::text[])`,
        [group, TERMINAL],
      );
      const active = r.rows[0]?.n ?? 0;
      if (active >= this.options.maxActiveScans)
        throw new HttpException(
          { statusCode: 429, error: 'Too Many Requests', message: `group: '${group}' has ${active} active scans (limit ${this.options.maxActiveScans}); wait for one to end or cancel one`, fields: [{ field: 'group', problem: `at most ${this.options.maxActiveScans} active scans` }] },
          HttpStatus.TOO_MANY_REQUESTS,
        );
      await this.store.createScan(scanId, spec, tx);
      await this.access.record(scanId, group, visibility, tx);
    });
  }

  async submit(group: string, dto: CreateScanDto) {
    const { visibility = 'private', ...raw } = dto;
    // structuredClone, not a JSON round trip: that turns a 1e400 (Infinity) into null ('is required')
    const spec: ScanSpec = validateScanSpec(structuredClone(raw));
    // what the workers can run decides: the family adapter, its parameters and its searches
    const fam = this.targets.get(spec.family);
    if (!fam) throw new InputError('family', `no worker adapter for family '${spec.family}' (scannable: ${this.targets.ids().join(', ')})`);
    for (const name of Object.keys(spec.parameters))
      if (!fam.parameters.includes(name)) throw new InputError(`parameters.${name}`, `not a parameter of family ${fam.id} (${fam.parameters.join(', ')})`);
    for (const name of fam.parameters) if (!(name in spec.parameters)) throw new InputError(`parameters.${name}`, `family ${fam.id} needs a range or a fixed value for ${name}`);
    spec.searches.forEach((s, i) => {
      if (!fam.searches.includes(s)) throw new InputError(`searches[${i}]`, `family ${fam.id} has no material for search '${s}' (it has: ${fam.searches.join(', ')})`);
    });
    // the family's bounds and fidelities, checked here so a bad range is a 400 rather than a failing workflow
    fam.checkSpec?.(spec);
    const slug = spec.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'scan';
    const scanId = `${slug}-${randomUUID().slice(0, 8)}`;
    // Temporal first: no lock is held while connecting, and no row is written when it is unreachable
    const client = await this.temporal.get();
    await this.createWithinActiveLimit(group, scanId, spec, visibility);
    try {
      await this.temporal.call('start the scan workflow', () => startScanWorkflow(client, { scanId, spec }));
    } catch (e) {
      // the rows exist but no workflow runs: mark the scan so it does not look like it is running
      await this.store.sql.query(`UPDATE scans SET status = 'failed', updated_at = now() WHERE scan_id = $1`, [scanId]);
      if (e instanceof ServiceUnavailableException) throw e;
      throw new ServiceUnavailableException(`temporal: could not start the scan workflow (${(e as Error).message.split('\n')[0]})`);
    }
    this.logger.log(`group ${group} started scan ${scanId} (${spec.family}, ${visibility})`);
    return { scanId, group, visibility, status: 'running', spec, links: this.links(scanId) };
  }

  private links(scanId: string) {
    const base = `/api/scans/${encodeURIComponent(scanId)}`;
    return { self: base, events: `${base}/events`, contour: `${base}/contour`, points: `${base}/points` };
  }

  async list(group: string | null) {
    return { scans: (await this.access.visible(group)).map((s) => ({ ...s, links: this.links(s.scanId) })) };
  }

  private async latestProgress(scanId: string): Promise<ScanProgress | null> {
    const r = await this.store.sql.query<{ payload: unknown }>(`SELECT payload FROM scan_events WHERE scan_id = $1 AND kind = 'progress' ORDER BY id DESC LIMIT 1`, [scanId]);
    const p = r.rows[0]?.payload;
    return p ? ((typeof p === 'string' ? JSON.parse(p) : p) as ScanProgress) : null;
  }

  async get(group: string | null, scanId: string) {
    const a = await this.access.readable(scanId, group);
    const row = await this.store.getScan(scanId);
    const counts = await this.store.sql.query<{ n: number; points: number; excluded: number }>(
      `SELECT COUNT(*)::int AS n, COUNT(DISTINCT point_key)::int AS points, COUNT(DISTINCT CASE WHEN excluded THEN point_key END)::int AS excluded FROM evaluations WHERE scan_id = $1`,
      [scanId],
    );
    const c = counts.rows[0];
    return {
      scanId,
      group: a.group,
      visibility: a.visibility,
      status: row?.status ?? 'unknown',
      spec: row?.spec ?? null,
      createdAt: row?.createdAt ?? null,
      updatedAt: row?.updatedAt ?? null,
      progress: await this.latestProgress(scanId),
      evaluations: Number(c?.n ?? 0),
      points: Number(c?.points ?? 0),
      excludedPoints: Number(c?.excluded ?? 0),
      links: this.links(scanId),
    };
  }

  async points(group: string | null, scanId: string) {
    await this.access.readable(scanId, group);
    const rows = await this.store.listEvaluations(scanId);
    return {
      scanId,
      evaluations: rows.map((r) => ({ point: r.point, key: r.key, search: r.search, fidelity: r.fidelity, clsObs: r.clsObs, clsExp: r.clsExp, region: r.region, excluded: r.excluded })),
    };
  }

  /** The live contour from the workflow (contour query), falling back to the stored report when the workflow is gone. */
  async contour(group: string | null, scanId: string): Promise<{ scanId: string; source: string; contour: ContourLine[] }> {
    await this.access.readable(scanId, group);
    try {
      const contour = await this.temporal.call('the contour query', (client) => client.workflow.getHandle(scanId).query(contourQuery));
      return { scanId, source: 'workflow contour query', contour };
    } catch (e) {
      // Temporal unreachable (or no answer within its timeout): 503, as on every route that needs it
      if (e instanceof ServiceUnavailableException) throw e;
      if (!(e instanceof WorkflowNotFoundError)) this.logger.warn(`contour query for ${scanId}: ${(e as Error).message}`);
      return { scanId, source: `unavailable (${(e as Error).message.split('\n')[0]})`, contour: [] };
    }
  }

  async signal(group: string | null, scanId: string, which: ScanSignal) {
    await this.access.writable(scanId, group);
    const sig = which === 'pause' ? pauseSignal : which === 'resume' ? resumeSignal : cancelSignal;
    try {
      await this.temporal.call(`the ${which} signal`, (client) => client.workflow.getHandle(scanId).signal(sig));
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) throw new BadRequestException({ statusCode: 400, message: `scanId: scan '${scanId}' is not running`, fields: [{ field: 'scanId', problem: 'not running' }] });
      throw e;
    }
    return { scanId, signal: which, accepted: true };
  }

  async extend(group: string | null, scanId: string, points: number) {
    await this.access.writable(scanId, group);
    try {
      const budget = await this.temporal.call('the extend update', (client) => client.workflow.getHandle(scanId).executeUpdate(extendBudgetUpdate, { args: [points] }));
      return { scanId, added: points, budget };
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) throw new BadRequestException({ statusCode: 400, message: `scanId: scan '${scanId}' is not running`, fields: [{ field: 'scanId', problem: 'not running' }] });
      throw e;
    }
  }

  async liveProgress(scanId: string): Promise<ScanProgress | null> {
    try {
      return await this.temporal.call('the progress query', (client) => client.workflow.getHandle(scanId).query(progressQuery));
    } catch {
      return null;
    }
  }
}
