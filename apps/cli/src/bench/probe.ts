import { request } from 'node:http';

/** HTTP probes of the abuse wave (bench/abuse.ts): one request from a chosen source address, and a latency monitor. */

export interface Reply {
  status: number;
  body: string;
}

export interface Latency {
  path: string;
  samples: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The slowest samples: seconds after the monitor started, and the latency. */
  slowest: { atS: number; ms: number }[];
}

export interface MonitorJob {
  url: string;
  key: string;
  from: string;
  seconds: number;
  routes: { path: string; everyMs: number }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

/** One HTTP request from a chosen loopback source address (the API limits per client address). */
export function send(url: URL, o: { method?: string; path: string; from: string; key?: string; body?: unknown; timeoutMs?: number }): Promise<Reply> {
  return new Promise((res, rej) => {
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: o.path,
        method: o.method ?? 'GET',
        localAddress: o.from,
        agent: false,
        headers: { ...(o.key ? { 'x-api-key': o.key } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        timeout: o.timeoutMs ?? 30_000,
      },
      (r) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (d) => (text += d));
        r.on('end', () => res({ status: r.statusCode ?? 0, body: text }));
        r.on('error', rej);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', rej);
    req.end(body);
  });
}

/** Samples each route every `everyMs` for `seconds`, from `from`, with the group's key; one Latency per route. */
export async function monitor(job: MonitorJob): Promise<Latency[]> {
  const url = new URL(job.url);
  const t0 = performance.now();
  const until = t0 + job.seconds * 1000;
  return Promise.all(
    job.routes.map(async ({ path, everyMs }) => {
      const ms: number[] = [];
      const at: number[] = [];
      let failures = 0;
      while (performance.now() < until) {
        const s = performance.now();
        try {
          const r = await send(url, { path, key: job.key, from: job.from, timeoutMs: 10_000 });
          if (r.status !== 200) failures++;
        } catch {
          failures++;
        }
        const dt = performance.now() - s;
        ms.push(dt);
        at.push((s - t0) / 1000);
        if (dt < everyMs) await sleep(everyMs - dt);
      }
      const slowest = ms
        .map((v, i) => ({ atS: Math.round(at[i] * 10) / 10, ms: Math.round(v * 10) / 10 }))
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 5);
      return { path, samples: ms.length, failures, p50Ms: quantile(ms, 0.5), p99Ms: quantile(ms, 0.99), maxMs: Math.max(...ms), slowest };
    }),
  );
}
