import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Observable } from 'rxjs';
import { FINAL_SCAN_STATUSES, type ScanProgress } from '@sigmap/contracts';
import type { Store } from '@sigmap/store';
import { API_OPTIONS, STORE } from '../common/tokens';
import type { ApiOptions } from '../config';

/** Statuses after which a scan's event stream ends (the store's final states). */
export const TERMINAL_STATUSES: readonly string[] = FINAL_SCAN_STATUSES;

export type StreamEvent = { type: string; data: unknown; id?: string };

/**
 * Server-sent events of a scan's progress, read from the store only, and the bookkeeping of open streams: at most
 * options.sseMaxPerGroup per API group and options.sseMaxPerAddress per client address (keyed or anonymous); a
 * stream with no new event for options.sseIdleMs, or open longer than options.sseMaxMs, ends with an 'end' event
 * naming the reason (clients reconnect). Without these, ~400-770 idle anonymous streams from one client (each polling
 * the store every 300 ms for up to 30 min) took /api/coverage's p50 from 5.5 ms to 294 ms (issue 18 item 4).
 */
@Injectable()
export class EventsService {
  private readonly byGroup = new Map<string, number>();
  private readonly byAddress = new Map<string, number>();

  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {}

  /** Open streams now (for tests and the soak bench's report). */
  open(): { total: number; groups: Record<string, number>; addresses: Record<string, number> } {
    const total = [...this.byAddress.values()].reduce((a, b) => a + b, 0);
    return { total, groups: Object.fromEntries(this.byGroup), addresses: Object.fromEntries(this.byAddress) };
  }

  /**
   * Takes a slot for one stream, or throws 429 naming the limit that is reached. Returns the release (idempotent).
   */
  acquire(group: string | null, address: string): () => void {
    const a = this.byAddress.get(address) ?? 0;
    const g = group ? (this.byGroup.get(group) ?? 0) : 0;
    if (group && g >= this.options.sseMaxPerGroup)
      throw tooMany('events', `group '${group}' has ${g} open event streams (limit ${this.options.sseMaxPerGroup} per group, SIGMAP_API_SSE_PER_GROUP); close one first`);
    if (a >= this.options.sseMaxPerAddress)
      throw tooMany('events', `client ${address} has ${a} open event streams (limit ${this.options.sseMaxPerAddress} per address, SIGMAP_API_SSE_PER_ADDRESS); close one first`);
    this.byAddress.set(address, a + 1);
    if (group) this.byGroup.set(group, g + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      dec(this.byAddress, address);
      if (group) dec(this.byGroup, group);
    };
  }

  /**
   * Every progress record the workflow stores (kind 'progress'), then an 'end' event once the scan reaches a terminal
   * status (reason 'final'), after sseIdleMs without a new event (reason 'idle') or after sseMaxMs (reason 'max-age').
   * The store is polled every `pollMs`.
   */
  events(scanId: string, pollMs = 300, finalGraceMs = 3000): Observable<StreamEvent> {
    const { sseIdleMs: idleMs, sseMaxMs: maxMs } = this.options;
    return new Observable((sub) => {
      let lastId = 0;
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      let lastStatus: string | null = null;
      let terminalAt: number | null = null;
      const started = performance.now();
      let lastEventAt = started;
      const end = (status: string | undefined, reason: string) => {
        sub.next({ type: 'end', data: { scanId, status: status ?? 'unknown', reason } });
        sub.complete();
      };
      const tick = async () => {
        if (stopped) return;
        try {
          // status first, then events: the store writes a progress event before it updates the status, so a terminal
          // status read here means its final progress event is already visible to the query below
          const status = (await this.store.getScan(scanId))?.status;
          const rows = await this.store.progressEventsAfter(scanId, lastId);
          if (stopped) return;
          for (const row of rows) {
            lastId = row.id;
            const p = row.payload as ScanProgress;
            lastStatus = p.status;
            lastEventAt = performance.now();
            sub.next({ type: 'progress', id: String(lastId), data: p });
          }
          const now = performance.now();
          // the final report sets the scan's status just before the workflow records its last progress:
          // wait (up to finalGraceMs) for that progress event so the stream ends with it
          if (status && TERMINAL_STATUSES.includes(status) && terminalAt === null) terminalAt = now;
          const finalSeen = lastStatus !== null && TERMINAL_STATUSES.includes(lastStatus);
          if (terminalAt !== null && (finalSeen || now - terminalAt > finalGraceMs)) return end(status, 'final');
          if (now - lastEventAt > idleMs) return end(status, 'idle');
          if (now - started > maxMs) return end(status, 'max-age');
        } catch (e) {
          sub.error(e);
          return;
        }
        timer = setTimeout(tick, pollMs);
      };
      void tick();
      return () => {
        stopped = true;
        if (timer) clearTimeout(timer);
      };
    });
  }
}

function dec(m: Map<string, number>, k: string): void {
  const n = (m.get(k) ?? 1) - 1;
  if (n <= 0) m.delete(k);
  else m.set(k, n);
}

function tooMany(field: string, problem: string): HttpException {
  return new HttpException({ statusCode: 429, error: 'Too Many Requests', message: `${field}: ${problem}`, fields: [{ field, problem }] }, HttpStatus.TOO_MANY_REQUESTS);
}
