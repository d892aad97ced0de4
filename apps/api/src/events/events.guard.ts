import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { AuthedRequest } from '../common/auth';
import { AccessService } from '../infra/access.service';
import { EventsService } from './events.service';

/**
 * Before a stream opens (so a refusal is a plain JSON reply): read access to :id (404 otherwise), then a slot within
 * the per-group and per-address limits (429 naming the limit). The slot is released when the response closes, which
 * covers the stream's end, the client going away and errors.
 */
@Injectable()
export class EventStreamGuard implements CanActivate {
  constructor(
    private readonly access: AccessService,
    private readonly events: EventsService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const res = ctx.switchToHttp().getResponse<Response>();
    await this.access.readable(String(req.params.id), req.group ?? null);
    const release = this.events.acquire(req.group ?? null, req.ip ?? req.socket?.remoteAddress ?? 'unknown');
    res.once('close', release);
    if (res.writableEnded || res.destroyed) release();
    return true;
  }
}
