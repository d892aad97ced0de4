import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { NextFunction, Request, Response } from 'express';

/** What the gate keeps on an admitted socket. */
interface Slot {
  address: string;
  release(): void;
  /** Requests on it whose response has not ended. */
  busy: number;
  /** At least one response ended on it (an idle keep-alive connection when busy is 0). */
  served: boolean;
}

const SLOT = Symbol('sigmap.connectionSlot');
type Slotted = Socket & { [SLOT]?: Slot };

/**
 * Fair turns between client addresses: at most `perAddress` connections of one address are read at once; the
 * address's further connections wait before the HTTP server sees them (accepted paused: their bytes stay in the
 * kernel, no parsing, no CPU) until one of its connections closes; beyond `maxWaiting` waiting connections an
 * address's new ones are closed. A burst from one client (1 000 requests, 50 in flight, in `sigmap bench soak`'s
 * abuse wave) then costs the others a few of its requests' time instead of fifty.
 *
 * While an address has connections waiting, its kept-alive connections do not sit on their slots: an idle one is
 * closed when a connection starts to wait, and a busy one closes after its response (Connection: close). Event
 * streams give their slot back once routed (`middleware`): they are long-lived by design and have their own
 * per-address limit (SIGMAP_API_SSE_PER_ADDRESS).
 */
export class ConnectionGate {
  private readonly admitted = new Map<string, Set<Slotted>>();
  private readonly waiting = new Map<string, Slotted[]>();
  private deliver: (s: Socket) => void = () => undefined;

  constructor(
    readonly perAddress: number,
    readonly maxWaiting = 1000,
  ) {}

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

  /** Connections holding a slot and waiting, per address (for tests). */
  state(address: string): { active: number; waiting: number } {
    return { active: this.admitted.get(address)?.size ?? 0, waiting: this.waiting.get(address)?.length ?? 0 };
  }

  /**
   * Middleware: counts each request on its connection's slot; a request routed to an event stream gives the slot
   * back; while the address has connections waiting, the response closes its connection.
   */
  middleware(isStream: (req: Request) => boolean) {
    return (req: Request, res: Response, next: NextFunction) => {
      const s = req.socket as Slotted;
      const slot = s[SLOT];
      if (!slot) return next();
      if (isStream(req)) {
        slot.release();
        return next();
      }
      slot.busy++;
      if (this.waiting.has(slot.address)) res.setHeader('Connection', 'close');
      res.once('close', () => {
        slot.busy--;
        slot.served = true;
        if (slot.busy === 0 && this.waiting.has(slot.address) && !s.destroyed) s.end();
      });
      next();
    };
  }

  private admit(s: Slotted): void {
    const a = s.remoteAddress ?? 'unknown';
    if ((this.admitted.get(a)?.size ?? 0) < this.perAddress) return this.take(a, s);
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
    // kept-alive connections with nothing in flight make way
    for (const o of this.admitted.get(a) ?? []) if (o[SLOT]?.served && o[SLOT].busy === 0 && !o.destroyed) o.end();
  }

  private take(a: string, s: Slotted): void {
    const set = this.admitted.get(a) ?? new Set<Slotted>();
    set.add(s);
    this.admitted.set(a, set);
    let held = true;
    s[SLOT] = {
      address: a,
      busy: 0,
      served: false,
      release: () => {
        if (!held) return;
        held = false;
        set.delete(s);
        if (set.size === 0 && this.admitted.get(a) === set) this.admitted.delete(a);
        this.next(a);
      },
    };
    s.once('close', () => s[SLOT]?.release());
    this.deliver(s);
  }

  private next(a: string): void {
    const q = this.waiting.get(a);
    while (q && q.length > 0 && (this.admitted.get(a)?.size ?? 0) < this.perAddress) {
      const s = q.shift()!;
      if (q.length === 0) this.waiting.delete(a);
      if (s.destroyed) continue;
      this.take(a, s);
    }
  }
}
