import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { keyOf, type AuthedRequest } from './auth';
import type { KeyRing } from './keys';
import { KEY_RING } from './tokens';

/**
 * Rate limit per API group (valid keys) or per client address (no key, or a key that matches no group). Runs
 * before authentication, so it resolves the key itself: requests with unknown keys are counted too.
 */
@Injectable()
export class GroupThrottlerGuard extends ThrottlerGuard {
  @Inject(KEY_RING) private readonly keys!: KeyRing;

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const r = req as unknown as AuthedRequest;
    const key = keyOf(r);
    const group = key ? this.keys.groupOf(key) : null;
    return group ? `group:${group}` : `ip:${r.ip ?? r.socket?.remoteAddress ?? 'unknown'}`;
  }
}
