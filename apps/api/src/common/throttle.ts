import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthedRequest } from './auth';

/** Rate limit per API group (keyed requests) or per client address (anonymous ones). */
@Injectable()
export class GroupThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const r = req as unknown as AuthedRequest;
    return r.group ? `group:${r.group}` : `ip:${r.ip ?? r.socket?.remoteAddress ?? 'unknown'}`;
  }
}
