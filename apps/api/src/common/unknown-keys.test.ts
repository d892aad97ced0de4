import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { UnknownKeyLimiter } from './unknown-keys';

const ring = { groupOf: (k: string) => (k === 'smk_good' ? 'alpha' : null) };

describe('UnknownKeyLimiter', () => {
  it('counts only unknown keys, per address, and opens again when the window ends', () => {
    let t = 1_000_000;
    const l = new UnknownKeyLimiter(ring, 2, 60_000, () => t);
    expect([l.check('a', 'x'), l.check('a', 'y'), l.check('a', 'z')]).toEqual([null, null, 60]);
    // valid and absent keys are not counted nor refused here (the general rate limit is the throttler's)
    expect(l.check('a', 'smk_good')).toBeNull();
    expect(l.check('a', null)).toBeNull();
    // another address has its own count
    expect(l.check('b', 'x')).toBeNull();
    t += 30_500;
    expect(l.check('a', 'w')).toBe(30);
    t += 30_000;
    expect(l.check('a', 'v')).toBeNull();
  });

  describe('at the front door of an HTTP server', () => {
    let server: Server | undefined;
    afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

    const get = (port: number, key: string) =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((res, rej) => {
        const req = request({ host: '127.0.0.1', port, path: '/x', agent: false, headers: { 'x-api-key': key } }, (r) => {
          let body = '';
          r.setEncoding('utf8');
          r.on('data', (d) => (body += d));
          r.on('end', () => res({ status: r.statusCode ?? 0, headers: r.headers, body }));
        });
        req.on('error', rej);
        req.end();
      });

    it('answers past the limit itself (429, Retry-After, security headers, connection closed); the app never sees those', async () => {
      const seen: string[] = [];
      server = createServer((req, res) => {
        seen.push(String(req.headers['x-api-key']));
        res.statusCode = 401;
        res.end('app');
      });
      new UnknownKeyLimiter(ring, 2, 60_000).attach(server);
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const port = (server.address() as AddressInfo).port;
      const replies = [];
      for (const k of ['g1', 'g2', 'g3', 'smk_good', 'g4']) replies.push(await get(port, k));
      expect(replies.map((r) => r.status)).toEqual([401, 401, 429, 401, 429]);
      expect(seen).toEqual(['g1', 'g2', 'smk_good']);
      const refused = replies[2];
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.headers['connection']).toBe('close');
      expect(refused.headers['x-content-type-options']).toBe('nosniff');
      expect(JSON.parse(refused.body)).toMatchObject({ statusCode: 429, message: expect.stringMatching(/^x-api-key: more than 2 requests/) });
    });
  });
});
