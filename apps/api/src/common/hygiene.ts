import { BadRequestException, CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';

/** Deepest JSON nesting a request body may have: a scan spec needs 3 levels; recursion in the DTO pipes stays bounded. */
const MAX_BODY_DEPTH = 32;

/** A 400 naming the field, as body-parser errors are answered (the exception filter passes it through). */
function refuse(field: string, problem: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `${field}: ${problem}`, fields: [{ field, problem }] });
}

/**
 * Nesting depth of a JSON text, by one pass over its bytes (strings skipped, escapes honoured); no recursion, so a
 * body nested 10^5 levels costs O(n) and never reaches JSON.parse. Stops as soon as `limit` is exceeded.
 */
function jsonDepth(buf: Uint8Array, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** body-parser `verify` hook: refuses a body nested deeper than MAX_BODY_DEPTH before it is parsed. */
export function verifyDepth(_req: unknown, _res: unknown, buf: Buffer): void {
  if (jsonDepth(buf, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) throw refuse('body', `nested deeper than ${MAX_BODY_DEPTH} levels`);
}

// NUL (PostgreSQL text cannot hold it) and UTF-16 surrogates without their pair (not encodable as UTF-8)
// eslint-disable-next-line no-control-regex
const BAD_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function badText(s: string): string | null {
  const m = BAD_TEXT.exec(s);
  if (!m) return null;
  return m[0] === '\u0000' ? 'contains a NUL character' : 'contains an unpaired UTF-16 surrogate (not valid Unicode text)';
}

/** The first string (key or value) in a parsed value that badText refuses, as [field path, problem]. */
function firstBadText(v: unknown, path: string, depth = 0): [string, string] | null {
  if (typeof v === 'string') {
    const p = badText(v);
    return p ? [path, p] : null;
  }
  // depth is bounded by verifyDepth for bodies; this guard keeps the walk bounded for any other source
  if (!v || typeof v !== 'object' || depth > MAX_BODY_DEPTH + 1) return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = firstBadText(v[i], `${path}[${i}]`, depth + 1);
      if (r) return r;
    }
    return null;
  }
  for (const [k, x] of Object.entries(v)) {
    const field = path ? `${path}.${k}` : k;
    const pk = badText(k);
    if (pk) return [path ? `${path}.(key)` : '(key)', `field name ${pk}`];
    const r = firstBadText(x, field, depth + 1);
    if (r) return r;
  }
  return null;
}

/**
 * Global guard, first in line: path parameters, query values and body strings must be text the store can hold.
 * Runs before the routes' own guards, which already query the store with :id.
 */
@Injectable()
export class TextHygieneGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<Request>();
    for (const [name, value] of Object.entries(req.params ?? {})) {
      const p = typeof value === 'string' ? badText(value) : null;
      if (p) throw refuse(name, p);
    }
    const q = firstBadText(req.query ?? {}, '');
    if (q) throw refuse(q[0], q[1]);
    const b = firstBadText(req.body, '');
    if (b) throw refuse(b[0] || 'body', b[1]);
    return true;
  }
}
