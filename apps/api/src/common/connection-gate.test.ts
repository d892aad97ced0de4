import { Agent, createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { NextFunction, Request, Response } from 'express';
import { ConnectionGate } from './connection-gate';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ConnectionGate: fair turns between client addresses', () => {
  const sockets: Socket[] = [];
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    sockets.forEach((s) => s.destroy());
    sockets.length = 0;
    await close?.();
  });

  it('reads at most perAddress connections of one address; the others wait, paused, and go on when one closes; other addresses pass', async () => {
    const seen: string[] = [];
    const held: ServerResponse[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      seen.push(`${req.socket.remoteAddress} ${req.url}`);
      if (req.url === '/hold') held.push(res);
      else res.end('ok');
    });
    const gate = new ConnectionGate(2, 1);
    gate.attach(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    close = () => new Promise((r) => server.close(() => r()));
    const port = (server.address() as { port: number }).port;
    const open = (from: string, path: string) => {
      const s = connect({ host: '127.0.0.1', port, localAddress: from });
      s.on('error', () => undefined);
      s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
      sockets.push(s);
      return s;
    };
    const a = [open('127.0.0.5', '/hold'), open('127.0.0.5', '/hold'), open('127.0.0.5', '/hold')];
    await sleep(150);
    expect(seen).toEqual(['127.0.0.5 /hold', '127.0.0.5 /hold']);
    expect(gate.state('127.0.0.5')).toEqual({ active: 2, waiting: 1 });
    // beyond maxWaiting (1), the address's new connections are closed
    const refused = open('127.0.0.5', '/hold');
    const closed = new Promise((r) => refused.once('close', r));
    await closed;
    // another address is read at once
    open('127.0.0.6', '/now');
    await sleep(100);
    expect(seen.at(-1)).toBe('127.0.0.6 /now');
    // one of the first two closes: the waiting one is read
    a[0].destroy();
    await sleep(150);
    expect(seen.filter((s) => s === '127.0.0.5 /hold')).toHaveLength(3);
    expect(gate.state('127.0.0.5')).toEqual({ active: 2, waiting: 0 });
    held.forEach((r) => r.end());
  });

  it('kept-alive connections make way while others of their address wait: 12 parallel requests through 2 slots end in well under the keep-alive timeout', async () => {
    const gate = new ConnectionGate(2);
    const mw = gate.middleware(() => false);
    const server = createServer((req, res) =>
      mw(req as unknown as Request, res as unknown as Response, (() => setTimeout(() => res.end('ok'), 20)) as NextFunction),
    );
    server.keepAliveTimeout = 5000;
    gate.attach(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    close = () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      });
    const port = (server.address() as { port: number }).port;
    const agent = new Agent({ keepAlive: true, maxSockets: 12 });
    const one = () =>
      new Promise<number>((res, rej) => {
        get({ host: '127.0.0.1', port, path: '/', agent }, (r) => {
          r.resume();
          r.on('end', () => res(r.statusCode ?? 0));
        }).on('error', rej);
      });
    // warm 2 kept-alive connections, idle afterwards
    await Promise.all([one(), one()]);
    const t0 = performance.now();
    const codes = await Promise.all(Array.from({ length: 12 }, one));
    const ms = performance.now() - t0;
    agent.destroy();
    expect(codes).toEqual(Array(12).fill(200));
    // without making way, the waiting connections sit behind idle kept-alive ones for keepAliveTimeout (5 s)
    expect(ms).toBeLessThan(2000);
    expect(gate.state('127.0.0.1').waiting).toBe(0);
  });
});
