import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { KEY_RING } from './tokens';
import type { KeyRing } from './keys';

export type AuthedRequest = Request & { group?: string | null };

const REQUIRES_GROUP = 'sigmap:requiresGroup';
/** The route needs a valid API key (header `x-api-key` or `Authorization: Bearer <key>`). */
export const RequireGroup = () => SetMetadata(REQUIRES_GROUP, true);

/** The caller's group (null: anonymous). */
export const Group = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AuthedRequest>().group ?? null);

export function keyOf(req: Pick<Request, 'headers'>): string | null {
  const h = req.headers['x-api-key'];
  if (typeof h === 'string' && h) return h;
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  // never from the URL (it lands in logs, history and Referer): the dashboard streams events with fetch and a header
  return null;
}

/**
 * Global guard: resolves the API key to its group. A key that matches no group is a 401 on every route (a typo
 * should not silently fall back to anonymous); routes marked @RequireGroup() need a key.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(KEY_RING) private readonly keys: KeyRing,
    private readonly reflector: Reflector,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const key = keyOf(req);
    req.group = key ? this.keys.groupOf(key) : null;
    if (key && !req.group) throw new UnauthorizedException('x-api-key: unknown API key');
    const needs = this.reflector.getAllAndOverride<boolean>(REQUIRES_GROUP, [ctx.getHandler(), ctx.getClass()]);
    if (needs && !req.group) throw new UnauthorizedException('x-api-key: this route needs a group API key (header x-api-key)');
    return true;
  }
}
