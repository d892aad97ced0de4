import type { NextFunction, Request, Response } from 'express';
import { keyOf } from './auth';
import type { KeyRing } from './keys';

/**
 * Requests that carry an API key matching no group, limited per client address, and answered before the Nest
 * pipeline: a client guessing keys gets `limit` 401s per window (the 401 comes from the auth guard), then cheap 429s
 * with Retry-After, so that a guessing burst does not queue the service's other clients behind it (`sigmap bench
 * soak`, abuse wave). The limit is lower than the general rate limit, as for failed logins.
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

  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const retry = this.check(req.socket?.remoteAddress ?? 'unknown', keyOf(req));
      if (retry === null) return next();
      res.setHeader('Retry-After', String(retry));
      res.status(429).json({
        statusCode: 429,
        error: 'Too Many Requests',
        message: `x-api-key: more than ${this.limit} requests with unknown API keys from this address in ${this.windowMs / 1000} s; retry in ${retry} s`,
      });
    };
  }
}
