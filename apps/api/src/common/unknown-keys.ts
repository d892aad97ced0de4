import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { keyOf } from './auth';
import type { KeyRing } from './keys';
import { SECURITY_HEADERS } from './security-headers';

/**
 * Requests that carry an API key matching no group, limited per client address, and answered at the HTTP server's
 * front door, before Express and Nest: a client guessing keys gets `limit` 401s per window (the 401 comes from the
 * auth guard), then 429s with Retry-After. Answered here, a 429 costs the API 0.27 ms of CPU instead of 0.44 ms
 * through Express and Nest (1 000 of them, 50 in flight, as in `sigmap bench soak`'s abuse wave; BENCHMARKS.md), so
 * that a guessing burst does not queue the service's other clients behind it. The limit is lower than the general
 * rate limit, as for failed logins.
 */
export class UnknownKeyLimiter {
  private readonly seen = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly keys: Pick<KeyRing, 'groupOf'>,
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Null when the request may go on; else the seconds until this address may try again. */
  check(address: string, key: string | null): number | null {
    if (!key || this.keys.groupOf(key) !== null) return null;
    const t = this.now();
    let e = this.seen.get(address);
    if (!e || e.resetAt <= t) {
      if (this.seen.size > 10_000) for (const [a, x] of this.seen) if (x.resetAt <= t) this.seen.delete(a);
      e = { count: 0, resetAt: t + this.windowMs };
      this.seen.set(address, e);
    }
    e.count++;
    return e.count > this.limit ? Math.max(1, Math.ceil((e.resetAt - t) / 1000)) : null;
  }

  /** Puts the limiter in front of the server's request handling (the Express app); call before listen. */
  attach(server: Server): void {
    const app = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const retry = this.check(req.socket?.remoteAddress ?? 'unknown', keyOf(req));
      if (retry === null) {
        for (const l of app) l.call(server, req, res);
        return;
      }
      const body = JSON.stringify({
        statusCode: 429,
        error: 'Too Many Requests',
        message: `x-api-key: more than ${this.limit} requests with unknown API keys from this address in ${this.windowMs / 1000} s; retry in ${retry} s`,
      });
      for (const [h, v] of SECURITY_HEADERS) res.setHeader(h, v);
      // a guessing client gets no kept-alive connection: its slot in the ConnectionGate goes to the next one
      res.writeHead(429, { 'Content-Type': 'application/json; charset=utf-8', 'Retry-After': String(retry), Connection: 'close' });
      res.end(body);
    });
  }
}
