import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { NextFunction, Request, Response } from 'express';

const SLOT = Symbol('sigmap.connectionSlot');
type Slotted = Socket & { [SLOT]?: () => void };

/**
 * Fair turns between client addresses: at most `perAddress` connections of one address are read at once; the
 * address's further connections wait before the HTTP server sees them (accepted paused: their bytes stay in the
 * kernel, no parsing, no CPU) until one of its connections closes; beyond `maxWaiting` waiting connections an address's new ones are closed. A burst from one
 * client (1 000 requests, 50 in flight, in `sigmap bench soak`'s abuse wave) then costs the others a few of its
 * requests' time instead of fifty. Event streams give their slot back once routed (`releaseForStreams`): they are
 * long-lived by design and have their own per-address limit (SIGMAP_API_SSE_PER_ADDRESS).
 */
export class ConnectionGate {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Slotted[]>();

  constructor(
    readonly perAddress: number,
    readonly maxWaiting = 1000,
  ) {}

  private deliver: (s: Socket) => void = () => undefined;

  /** Puts the gate in front of the server's own connection handling (call before listen). */
  attach(server: Server): void {
    const http = server.listeners('connection') as ((s: Socket) => void)[];
    server.removeAllListeners('connection');
    // net.Server: sockets start paused, nothing is read until resumed
    (server as Server & { pauseOnConnect: boolean }).pauseOnConnect = true;
    this.deliver = (s) => {
      for (const l of http) l.call(server, s);
      s.resume();
    };
    server.on('connection', (s: Socket) => this.admit(s as Slotted));
  }

  /** Connections being read and waiting per address (for tests). */
  state(address: string): { active: number; waiting: number } {
    return { active: this.active.get(address) ?? 0, waiting: this.waiting.get(address)?.length ?? 0 };
  }

  private admit(s: Slotted): void {
    const a = s.remoteAddress ?? 'unknown';
    const n = this.active.get(a) ?? 0;
    if (n < this.perAddress) return this.take(a, s);
    const q = this.waiting.get(a) ?? [];
    if (q.length >= this.maxWaiting) {
      s.destroy();
      return;
    }
    q.push(s);
    this.waiting.set(a, q);
    s.on('error', () => undefined); // not read while it waits; the HTTP server's handler takes over on delivery
    s.once('close', () => {
      const i = q.indexOf(s);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0 && this.waiting.get(a) === q) this.waiting.delete(a);
    });
  }

  private take(a: string, s: Slotted): void {
    this.active.set(a, (this.active.get(a) ?? 0) + 1);
    let held = true;
    s[SLOT] = () => {
      if (!held) return;
      held = false;
      const left = (this.active.get(a) ?? 1) - 1;
      if (left > 0) this.active.set(a, left);
      else this.active.delete(a);
      this.next(a);
    };
    s.once('close', () => s[SLOT]?.());
    this.deliver(s);
  }

  private next(a: string): void {
    const q = this.waiting.get(a);
    while (q && q.length > 0 && (this.active.get(a) ?? 0) < this.perAddress) {
      const s = q.shift()!;
      if (q.length === 0) this.waiting.delete(a);
      if (s.destroyed) continue;
      this.take(a, s);
    }
  }

  /** Middleware: a request routed to an event stream gives its connection's slot back. */
  releaseForStreams(isStream: (req: Request) => boolean) {
    return (req: Request, _res: Response, next: NextFunction) => {
      if (isStream(req)) (req.socket as Slotted)[SLOT]?.();
      next();
    };
  }
}
