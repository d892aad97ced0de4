import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { AuthedRequest } from '../common/auth';
import { AccessService } from '../infra/access.service';

/** Checks read access to :id before a streaming route opens its stream (so a refusal is a plain 404). */
@Injectable()
export class ScanReadableGuard implements CanActivate {
  constructor(private readonly access: AccessService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    await this.access.readable(String(req.params.id), req.group ?? null);
    return true;
  }
}
