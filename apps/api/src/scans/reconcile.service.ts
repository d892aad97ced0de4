import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ScanStatus } from '@sigmap/contracts';
import { activeScans, settleScanStatus, type ActiveScanRow, type Store } from '@sigmap/store';
import { API_OPTIONS, STORE } from '../common/tokens';
import type { ApiOptions } from '../config';
import { TemporalService } from '../infra/temporal.service';

/** Temporal's final workflow states and the scan status each becomes in the store. */
const FINAL_WORKFLOW_STATES: Record<string, ScanStatus> = {
  TERMINATED: 'terminated',
  FAILED: 'failed',
  TIMED_OUT: 'timed-out',
  CANCELLED: 'cancelled',
  // the workflow writes its own final status before it completes; this only covers a lost write
  COMPLETED: 'completed',
};

/** A scan row older than this whose workflow Temporal does not know is failed (its start never reached Temporal). */
const NOT_FOUND_GRACE_MS = 60_000;
/** One scan is asked about at most this often on reads. */
const RECHECK_MS = 2000;
/** Reads wait at most this long for reconciliation (Temporal slow or down: they answer from the store). */
const READ_WAIT_MS = 300;
/** Temporal calls at once per sweep. */
const PARALLEL = 8;
/** What asking Temporal about one scan gave: a final status set now, nothing changed, or Temporal's failure. */
type Outcome = ScanStatus | null | { unreachable: ServiceUnavailableException };
const isUnreachable = (o: Outcome): o is { unreachable: ServiceUnavailableException } => typeof o === 'object' && o !== null;

interface SweepResult {
  /** Scans that got a final status. */
  settled: number;
  /** Temporal did not answer (the 503 it gave); the scans not asked keep their status. */
  unreachable: ServiceUnavailableException | null;
}

/**
 * Keeps the store's scan status honest (issue 18 item 3): a scan the store says is running or paused whose workflow
 * was terminated, failed, timed out or was cancelled in Temporal gets that final status. Runs when the API starts,
 * every options.reconcileMs, before a group's active scans are counted (the 429 limit), and on reads of a scan or the
 * scan list. Temporal unreachable: nothing changes (the next run tries again).
 */
@Injectable()
export class ReconcileService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('reconcile');
  private timer: NodeJS.Timeout | null = null;
  private readonly pending = new Map<string, Promise<Outcome>>();
  private readonly checkedAt = new Map<string, number>();

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
    private readonly temporal: TemporalService,
  ) {}

  onApplicationBootstrap(): void {
    void this.quietly(this.sweep()).then((r) => r?.settled && this.logger.log(`start: ${r.settled} scan(s) settled from Temporal's workflow states`));
    this.timer = setInterval(() => void this.quietly(this.sweep()), this.options.reconcileMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Reconciles the active scans (of one group, of some ids, or all). */
  async sweep(o: { group?: string; scanIds?: string[] } = {}): Promise<SweepResult> {
    let rows: ActiveScanRow[];
    try {
      rows = await activeScans(this.store, { ...o, limit: 1000 });
    } catch (e) {
      this.logger.warn(`reading active scans: ${(e as Error).message}`);
      return { settled: 0, unreachable: null };
    }
    let settled = 0;
    let unreachable: ServiceUnavailableException | null = null;
    for (let i = 0; i < rows.length; i += PARALLEL) {
      const got = await Promise.all(rows.slice(i, i + PARALLEL).map((r) => this.reconcile(r)));
      settled += got.filter((g) => typeof g === 'string').length;
      const failed = got.find(isUnreachable);
      if (failed) {
        // Temporal unreachable: the rest would fail the same way
        unreachable = failed.unreachable;
        break;
      }
    }
    return { settled, unreachable };
  }

  /**
   * For reads: reconciles these scans (those not checked in the last RECHECK_MS), waiting at most READ_WAIT_MS;
   * what takes longer finishes in the background and shows on the next read.
   */
  async beforeRead(scanIds: string[]): Promise<void> {
    const now = Date.now();
    const due = scanIds.filter((id) => now - (this.checkedAt.get(id) ?? 0) > RECHECK_MS);
    if (due.length === 0) return;
    if (this.checkedAt.size > 10_000) this.checkedAt.clear();
    for (const id of due) this.checkedAt.set(id, now);
    const work = this.quietly(this.sweep({ scanIds: due.slice(0, 200) }));
    await Promise.race([work, new Promise((r) => setTimeout(r, READ_WAIT_MS).unref())]);
  }

  /** Background sweeps: a store error is logged, never an unhandled rejection. */
  private quietly<T>(p: Promise<T>): Promise<T | null> {
    return p.catch((e) => {
      this.logger.warn(`reconciliation: ${(e as Error).message.split('\n')[0]}`);
      return null;
    });
  }

  /** One scan: its final status when it got one now; null when nothing changed; { unreachable } when Temporal did not answer. */
  private reconcile(row: ActiveScanRow): Promise<Outcome> {
    let p = this.pending.get(row.scanId);
    if (!p) {
      p = this.ask(row).finally(() => this.pending.delete(row.scanId));
      this.pending.set(row.scanId, p);
    }
    return p;
  }

  private async ask(row: ActiveScanRow): Promise<Outcome> {
    let final: ScanStatus | null = null;
    try {
      const d = await this.temporal.call('describe the scan workflow', (client) => client.workflow.getHandle(row.scanId).describe());
      final = FINAL_WORKFLOW_STATES[d.status.name] ?? null;
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) {
        if (Date.now() - Date.parse(row.createdAt) > NOT_FOUND_GRACE_MS) final = 'failed';
      } else if (e instanceof ServiceUnavailableException) return { unreachable: e };
      else {
        // anything else (a permission error, an unexpected answer) leaves the scan as it is
        this.logger.warn(`describe ${row.scanId}: ${(e as Error).message.split('\n')[0]}`);
        return null;
      }
    }
    if (!final) return null;
    const changed = await settleScanStatus(this.store, row.scanId, final);
    if (changed) this.logger.log(`scan ${row.scanId}: the store said ${row.status}, Temporal says its workflow is ${final}`);
    return changed ? final : null;
  }
}
