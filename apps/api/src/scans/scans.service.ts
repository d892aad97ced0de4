import { randomUUID } from 'node:crypto';
import { startScanWorkflow } from '@sigmap/workflows/client';
import { BadRequestException, HttpException, HttpStatus, Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  checkScanCost,
  costBreakdown,
  fmtCost,
  InputError,
  isFinalScanStatus,
  SCAN_LIMITS,
  scanCost,
  validateScanSpec,
  type ContourLine,
  type ScanProgress,
  type ScanSpec,
} from '@sigmap/contracts';
import { admitScan, bookExtension, evaluationCounts, extendedPoints, latestProgress, releaseExtension, settleScanStatus, type Store } from '@sigmap/store';
import { cancelSignal, contourQuery, extendBudgetUpdate, pauseSignal, progressQuery, resumeSignal } from '@sigmap/workflows';
import { API_OPTIONS, SCAN_TARGETS, STORE, type ScanTargets } from '../common/tokens';
import type { ApiOptions } from '../config';
import { AccessService } from '../infra/access.service';
import { TemporalService } from '../infra/temporal.service';
import type { CreateScanDto } from './dto/create-scan.dto';
import { ReconcileService } from './reconcile.service';

type ScanSignal = 'pause' | 'resume' | 'cancel';

const tooMany = (field: string, problem: string, message: string) =>
  new HttpException({ statusCode: 429, error: 'Too Many Requests', message, fields: [{ field, problem }] }, HttpStatus.TOO_MANY_REQUESTS);

@Injectable()
export class ScansService {
  private readonly logger = new Logger('scans');

  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly access: AccessService,
    private readonly temporal: TemporalService,
    private readonly reconciler: ReconcileService,
    @Inject(SCAN_TARGETS) private readonly targets: ScanTargets,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {}

  /**
   * Inserts the scan and its access row unless the group is at its limits (store admitScan, one transaction under a
   * per-group lock): options.maxActiveScans scans not in a final status (429 naming group), or the cost of its active
   * scans together over options.maxGroupCost (429 naming budget). The group's scans are reconciled with Temporal
   * first, so terminated or failed workflows never count as active.
   */
  private async createWithinLimits(group: string, scanId: string, spec: ScanSpec, visibility: 'public' | 'private', cost: number) {
    // Temporal gone meanwhile: 503 now (the workflow could not be started either)
    const swept = await this.reconciler.sweep({ group });
    if (swept.unreachable) throw swept.unreachable;
    const r = await admitScan(this.store, {
      scanId,
      spec,
      group,
      visibility,
      cost,
      maxActive: this.options.maxActiveScans,
      maxGroupCost: this.options.maxGroupCost,
    });
    if (r.admitted) return;
    if (r.limit === 'active')
      throw tooMany(
        'group',
        `at most ${this.options.maxActiveScans} active scans`,
        `group: '${group}' has ${r.active} active scans (limit ${this.options.maxActiveScans}); wait for one to end or cancel one`,
      );
    throw tooMany(
      'budget',
      `the group's active scans may cost ${fmtCost(this.options.maxGroupCost)} together`,
      `budget: this scan would cost ${fmtCost(cost)} event equivalents, and group '${group}' has ${r.active} active scans costing ${fmtCost(r.groupCost)} of its limit of ${fmtCost(this.options.maxGroupCost)} (SIGMAP_API_MAX_GROUP_COST); wait for one to end, cancel one, or lower budget or events`,
    );
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
    for (const name of fam.parameters)
      if (!(name in spec.parameters)) throw new InputError(`parameters.${name}`, `family ${fam.id} needs a range or a fixed value for ${name}`);
    spec.searches.forEach((s, i) => {
      if (!fam.searches.includes(s))
        throw new InputError(`searches[${i}]`, `family ${fam.id} has no material for search '${s}' (it has: ${fam.searches.join(', ')})`);
    });
    // the family's bounds and fidelities, checked here so a bad range is a 400 rather than a failing workflow
    fam.checkSpec?.(spec);
    // what it may cost: events per point and the whole scan (400 naming fidelity.events or budget)
    const cost = checkScanCost(spec, this.options);
    const slug =
      spec.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 40) || 'scan';
    const scanId = `${slug}-${randomUUID().slice(0, 8)}`;
    // Temporal first: no lock is held while connecting, and no row is written when it is unreachable
    const client = await this.temporal.get();
    await this.createWithinLimits(group, scanId, spec, visibility, cost);
    try {
      await this.temporal.call('start the scan workflow', () => startScanWorkflow(client, { scanId, spec }));
    } catch (e) {
      // the rows exist but no workflow runs: mark the scan so it does not look like it is running
      await settleScanStatus(this.store, scanId, 'failed');
      if (e instanceof ServiceUnavailableException) throw e;
      throw new ServiceUnavailableException(`temporal: could not start the scan workflow (${(e as Error).message.split('\n')[0]})`);
    }
    this.logger.log(`group ${group} started scan ${scanId} (${spec.family}, ${visibility})`);
    return { scanId, group, visibility, status: 'running', spec, cost, links: this.links(scanId) };
  }

  private links(scanId: string) {
    const base = `/api/scans/${encodeURIComponent(scanId)}`;
    return { self: base, events: `${base}/events`, contour: `${base}/contour`, points: `${base}/points` };
  }

  /** The visible scans; those the store says are active are reconciled with Temporal first (briefly, see beforeRead). */
  async list(group: string | null) {
    let rows = await this.access.visible(group);
    const active = rows.filter((s) => !isFinalScanStatus(s.status)).map((s) => s.scanId);
    if (active.length) {
      await this.reconciler.beforeRead(active);
      rows = await this.access.visible(group);
    }
    return { scans: rows.map((s) => ({ ...s, links: this.links(s.scanId) })) };
  }

  async get(group: string | null, scanId: string) {
    const a = await this.access.readable(scanId, group);
    let row = await this.store.getScan(scanId);
    if (row && !isFinalScanStatus(row.status)) {
      await this.reconciler.beforeRead([scanId]);
      row = await this.store.getScan(scanId);
    }
    const c = await evaluationCounts(this.store, scanId);
    return {
      scanId,
      group: a.group,
      visibility: a.visibility,
      status: row?.status ?? 'unknown',
      spec: row?.spec ?? null,
      createdAt: row?.createdAt ?? null,
      updatedAt: row?.updatedAt ?? null,
      progress: await latestProgress(this.store, scanId),
      evaluations: c.evaluations,
      points: c.points,
      excludedPoints: c.excludedPoints,
      extendedPoints: await extendedPoints(this.store, scanId),
      links: this.links(scanId),
    };
  }

  async points(group: string | null, scanId: string) {
    await this.access.readable(scanId, group);
    const rows = await this.store.listEvaluations(scanId);
    return {
      scanId,
      evaluations: rows.map((r) => ({
        point: r.point,
        key: r.key,
        search: r.search,
        fidelity: r.fidelity,
        clsObs: r.clsObs,
        clsExp: r.clsExp,
        region: r.region,
        excluded: r.excluded,
      })),
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
      if (e instanceof WorkflowNotFoundError)
        throw new BadRequestException({
          statusCode: 400,
          message: `scanId: scan '${scanId}' is not running`,
          fields: [{ field: 'scanId', problem: 'not running' }],
        });
      throw e;
    }
    return { scanId, signal: which, accepted: true };
  }

  /**
   * Adds points to a running scan's budget, within the limits (checked before the update is applied): the points all
   * extends of the scan add together (options.maxExtendPoints), the spec's budget cap, the per-scan cost with the
   * extended budget (400 naming points) and the group's active cost (429 naming points).
   */
  async extend(group: string | null, scanId: string, points: number) {
    const a = await this.access.writable(scanId, group);
    const row = await this.store.getScan(scanId);
    if (!row || isFinalScanStatus(row.status))
      throw new BadRequestException({
        statusCode: 400,
        message: `scanId: scan '${scanId}' is not running (${row?.status ?? 'unknown'})`,
        fields: [{ field: 'scanId', problem: 'not running' }],
      });
    // Temporal first: nothing is booked while it is unreachable
    await this.temporal.get();
    const spec = row.spec;
    const before = await extendedPoints(this.store, scanId);
    const budget = spec.budget + before + points;
    if (budget > SCAN_LIMITS.budget)
      throw new InputError(
        'points',
        `the budget would be ${budget} points (${spec.budget} + ${before} extended + ${points}), over the limit of ${SCAN_LIMITS.budget}`,
      );
    if (scanCost(spec, budget) > this.options.maxScanCost)
      throw new InputError(
        'points',
        `the extended scan would cost ${costBreakdown(spec, budget)}, over the per-scan limit of ${fmtCost(this.options.maxScanCost)} (SIGMAP_API_MAX_SCAN_COST)`,
      );
    const cost = scanCost(spec, points);
    const booked = await bookExtension(this.store, {
      scanId,
      group: a.group!,
      points,
      cost,
      maxExtendPoints: this.options.maxExtendPoints,
      maxGroupCost: this.options.maxGroupCost,
    });
    if (!booked.granted && booked.limit === 'points')
      throw new InputError(
        'points',
        `extends of scan '${scanId}' may add ${this.options.maxExtendPoints} points in all (SIGMAP_API_MAX_EXTEND_POINTS); ${booked.extendedPoints} added so far, ${points} more asked`,
      );
    if (!booked.granted)
      throw tooMany(
        'points',
        `the group's active scans may cost ${fmtCost(this.options.maxGroupCost)} together`,
        `points: ${points} more points cost ${fmtCost(cost)} event equivalents; group '${a.group}' has active scans costing ${fmtCost(booked.groupCost)} of its limit of ${fmtCost(this.options.maxGroupCost)} (SIGMAP_API_MAX_GROUP_COST)`,
      );
    try {
      const newBudget = await this.temporal.call('the extend update', (client) =>
        client.workflow.getHandle(scanId).executeUpdate(extendBudgetUpdate, { args: [points] }),
      );
      return { scanId, added: points, budget: newBudget, extendedPoints: booked.extendedPoints };
    } catch (e) {
      await releaseExtension(this.store, scanId, points, cost);
      if (e instanceof WorkflowNotFoundError)
        throw new BadRequestException({
          statusCode: 400,
          message: `scanId: scan '${scanId}' is not running`,
          fields: [{ field: 'scanId', problem: 'not running' }],
        });
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
