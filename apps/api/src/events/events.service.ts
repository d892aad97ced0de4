import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Observable } from 'rxjs';
import { FINAL_SCAN_STATUSES, type ScanProgress } from '@sigmap/contracts';
import type { Store } from '@sigmap/store';
import { API_OPTIONS, STORE } from '../common/tokens';
import type { ApiOptions } from '../config';

/** Statuses after which a scan's event stream ends (the store's final states). */
const TERMINAL_STATUSES: readonly string[] = FINAL_SCAN_STATUSES;

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
      throw tooMany(
        'events',
        `group '${group}' has ${g} open event streams (limit ${this.options.sseMaxPerGroup} per group, SIGMAP_API_SSE_PER_GROUP); close one first`,
      );
    if (a >= this.options.sseMaxPerAddress)
      throw tooMany(
        'events',
        `client ${address} has ${a} open event streams (limit ${this.options.sseMaxPerAddress} per address, SIGMAP_API_SSE_PER_ADDRESS); close one first`,
      );
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
   * The store is polled every `pollMs` by one feed per scan that all of the scan's streams share (ScanFeed): N open
   * streams on a scan cost the store what one does (32 streams each polling PGlite on the event loop took ~200
   * queries/s and put /healthz's p99 over 100 ms in `sigmap bench soak`'s abuse wave).
   */
  events(scanId: string, pollMs = 300, finalGraceMs = 3000): Observable<StreamEvent> {
    const { sseIdleMs: idleMs, sseMaxMs: maxMs } = this.options;
    return new Observable((sub) => {
      let lastId = 0;
      let lastStatus: string | null = null;
      let terminalAt: number | null = null;
      const started = performance.now();
      let lastEventAt = started;
      let done = false;
      const finish = (status: string | undefined, reason: string) => {
        done = true;
        sub.next({ type: 'end', data: { scanId, status: status ?? 'unknown', reason } });
        sub.complete();
      };
      const onTick = (feed: FeedState) => {
        if (done) return;
        if (feed.error !== undefined) {
          done = true;
          sub.error(feed.error);
          return;
        }
        const status = feed.status;
        for (let i = firstAfter(feed.rows, lastId); i < feed.rows.length; i++) {
          const row = feed.rows[i];
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
        if (terminalAt !== null && (finalSeen || now - terminalAt > finalGraceMs)) return finish(status, 'final');
        if (now - lastEventAt > idleMs) return finish(status, 'idle');
        if (now - started > maxMs) return finish(status, 'max-age');
      };
      const leave = this.feedOf(scanId, pollMs).join(onTick);
      return () => {
        done = true;
        leave();
      };
    });
  }

  /** Feeds polling now (for tests). */
  feeds(): number {
    return this.scanFeeds.size;
  }

  private readonly scanFeeds = new Map<string, ScanFeed>();

  private feedOf(scanId: string, pollMs: number): ScanFeed {
    let f = this.scanFeeds.get(scanId);
    if (!f) {
      const feed: ScanFeed = new ScanFeed(this.store, scanId, pollMs, () => {
        if (this.scanFeeds.get(scanId) === feed) this.scanFeeds.delete(scanId);
      });
      this.scanFeeds.set(scanId, (f = feed));
    }
    return f;
  }
}

interface FeedState {
  status: string | undefined;
  rows: { id: number; payload: unknown }[];
  error?: unknown;
}

/**
 * One scan's progress as read from the store, shared by the scan's open streams: one poll per `pollMs` while anyone
 * listens (status first, then the events after the last seen id: the store writes a progress event before it updates
 * the status, so a terminal status read here means its final progress event is in `rows`). Stops and forgets its rows
 * when the last stream leaves.
 */
class ScanFeed implements FeedState {
  status: string | undefined;
  rows: { id: number; payload: unknown }[] = [];
  error?: unknown;
  private ticks = 0;
  private readonly listeners = new Set<(f: FeedState) => void>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly store: Store,
    private readonly scanId: string,
    private readonly pollMs: number,
    private readonly onIdle: () => void,
  ) {}

  join(listener: (f: FeedState) => void): () => void {
    this.listeners.add(listener);
    if (this.ticks > 0) listener(this);
    if (!this.running && !this.timer) void this.tick();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size > 0) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.onIdle();
    };
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.listeners.size === 0) return;
    this.running = true;
    try {
      const status = (await this.store.getScan(this.scanId))?.status;
      const after = this.rows.at(-1)?.id ?? 0;
      const rows = await this.store.progressEventsAfter(this.scanId, after);
      this.status = status;
      for (const r of rows) this.rows.push({ id: r.id, payload: r.payload });
    } catch (e) {
      this.error = e;
    } finally {
      this.running = false;
    }
    this.ticks++;
    for (const l of [...this.listeners]) l(this);
    if (this.error !== undefined) {
      this.listeners.clear();
      this.onIdle();
      return;
    }
    if (this.listeners.size > 0) this.timer = setTimeout(() => void this.tick(), this.pollMs);
  }
}

/** Index of the first row with id > lastId (rows ascend by id). */
function firstAfter(rows: { id: number }[], lastId: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].id <= lastId) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function dec(m: Map<string, number>, k: string): void {
  const n = (m.get(k) ?? 1) - 1;
  if (n <= 0) m.delete(k);
  else m.set(k, n);
}

function tooMany(field: string, problem: string): HttpException {
  return new HttpException(
    { statusCode: 429, error: 'Too Many Requests', message: `${field}: ${problem}`, fields: [{ field, problem }] },
    HttpStatus.TOO_MANY_REQUESTS,
  );
}
