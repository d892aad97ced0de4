import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@sigmap/orchestration';
import { send, type Latency, type MonitorJob } from './probe';

/**
 * The abuse wave of `sigmap bench soak` (issue 18): against a real `sigmap serve` (embedded Temporal dev server,
 * workers with compute threads, PGlite; default limits), at once
 *   - the maximal scan the default cost limits admit (full fidelity, 10^6 events per point, 200 points: 2e8 event
 *     equivalents, SIGMAP_API_MAX_SCAN_COST), public, so that anonymous clients may follow it;
 *   - 1 000 idle event streams opened by one anonymous client (one source address) on that scan;
 *   - 1 000 requests with unknown API keys from another address, 50 in flight;
 * while a monitor from a third address samples /healthz every 200 ms and /api/coverage every 500 ms. The monitor
 * runs in its own thread (own event loop), so that the abusers' client work in this thread does not add to the
 * latency it measures. The report gives the monitor's latency (p50 / p99 / max), the status counts of the abusers' requests, and the API process's
 * CPU while the scan simulates.
 */
export interface AbuseReport {
  seconds: number;
  scan: { status: number; cost?: number; scanId?: string };
  sse: { attempted: number; statuses: Record<string, number>; openAtEnd: number };
  unknownKeys: { attempted: number; statuses: Record<string, number> };
  healthz: Latency;
  coverage: Latency;
  apiCpuPerSecond: number;
}

const REPO = resolve(__dirname, '..', '..', '..', '..');
const BIN = join(REPO, 'apps', 'cli', 'bin', 'sigmap.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens an event stream and leaves it open (not read): resolves with the status once the headers arrive. */
function openStream(url: URL, path: string, from: string): Promise<{ status: number; req: ClientRequest }> {
  return new Promise((res) => {
    const req = request({ host: url.hostname, port: url.port, path, localAddress: from, agent: false, headers: { accept: 'text/event-stream' } }, (r) => {
      if (r.statusCode !== 200) r.resume();
      res({ status: r.statusCode ?? 0, req });
    });
    req.on('error', () => res({ status: 0, req }));
    req.end();
  });
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** The latency monitors in a thread of their own; resolves with one Latency per route when `seconds` have passed. */
function runMonitors(job: MonitorJob): Promise<Latency[]> {
  return new Promise((res, rej) => {
    const w = new Worker(join(__dirname, 'monitor-entry.js'), { workerData: job });
    w.once('message', (m: Latency[]) => res(m));
    w.once('error', rej);
    w.once('exit', (code) => (code === 0 ? undefined : rej(new Error(`latency monitor thread exited with code ${code}`))));
  });
}

const count = (xs: number[]) => xs.reduce<Record<string, number>>((m, s) => ((m[String(s)] = (m[String(s)] ?? 0) + 1), m), {});

export async function abuseWave(o: { seconds: number; log: (line: string) => void }): Promise<AbuseReport> {
  const home = mkdtempSync(join(tmpdir(), 'sigmap-bench-abuse-'));
  const env: NodeJS.ProcessEnv = { ...process.env, SIGMAP_HOME: home, SIGMAP_TEMPORAL_PORT: String(await freePort()) };
  delete env.TEMPORAL_ADDRESS;
  delete env.DATABASE_URL;
  const add = spawnSync(process.execPath, [BIN, 'serve', '--add-key', 'bench'], { env, encoding: 'utf8', cwd: REPO });
  if (add.status !== 0) throw new Error(`sigmap serve --add-key failed: ${add.stderr}`);
  const key = add.stdout.trim();
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const streams: ClientRequest[] = [];
  try {
    const { base, pid } = await new Promise<{ base: string; pid: number }>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`sigmap serve did not start in 150 s:\n${out}`)), 150_000);
      child.stdout!.on('data', () => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+).* pid=(\d+)/.exec(out);
        if (m) {
          clearTimeout(t);
          res({ base: m[1], pid: Number(m[2]) });
        }
      });
      child.once('exit', (c) => rej(new Error(`sigmap serve exited with ${c}:\n${out}`)));
    });
    const url = new URL(base);
    o.log(`abuse wave: sigmap serve at ${base} (pid ${pid}), default limits`);

    // the maximal allowed scan (the default per-scan cost limit is 200 points x 10^6 full events)
    const scanBody = {
      name: 'abuse-maximal',
      family: 'zprime-ssm',
      parameters: { mass: { min: 1500, max: 6000, scale: 'log' }, g: { min: 0.1, max: 1, scale: 'log' } },
      searches: ['own-dilepton-resonance-13tev'],
      fidelity: { default: 'full', events: 1_000_000 },
      mode: 'continuous',
      batchSize: 200,
      budget: 200,
      seed: 1,
      visibility: 'public',
    };
    const sub = await send(url, { method: 'POST', path: '/api/scans', key, from: '127.0.0.1', body: scanBody });
    const subBody = JSON.parse(sub.body) as { scanId?: string; cost?: number };
    o.log(`abuse wave: maximal scan ${sub.status} ${subBody.scanId ?? sub.body.slice(0, 200)} (cost ${subBody.cost})`);
    if (sub.status !== 201 || !subBody.scanId) throw new Error(`the maximal allowed scan was refused: ${sub.status} ${sub.body.slice(0, 300)}`);
    // wait until its simulations run (the API process works hard)
    let c0 = cpuSeconds(pid);
    for (let i = 0; i < 120; i++) {
      await sleep(1000);
      const c1 = cpuSeconds(pid);
      if (c1 - c0 > 0.6) break;
      c0 = c1;
    }

    const t0 = performance.now();
    const cpu0 = cpuSeconds(pid);
    const monitors = runMonitors({
      url: url.href,
      key,
      from: '127.0.0.4',
      seconds: o.seconds,
      routes: [
        { path: '/healthz', everyMs: 200 },
        { path: '/api/coverage', everyMs: 500 },
      ],
    });

    // 1 000 idle anonymous event streams from one address
    const sseStatuses: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const s = await openStream(url, `/api/scans/${subBody.scanId}/events`, '127.0.0.2');
      sseStatuses.push(s.status);
      streams.push(s.req);
    }
    o.log(`abuse wave: 1000 event streams opened: ${JSON.stringify(count(sseStatuses))}`);

    // 1 000 unknown-key requests from another address, 50 in flight
    const keyStatuses: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < 1000) {
          const i = next++;
          try {
            keyStatuses.push((await send(url, { path: '/api/scans', key: `smk_unknown-${i}`, from: '127.0.0.3' })).status);
          } catch {
            keyStatuses.push(0);
          }
        }
      }),
    );
    o.log(`abuse wave: 1000 unknown-key requests: ${JSON.stringify(count(keyStatuses))}`);
    const [healthz, coverage] = await monitors;
    const seconds = (performance.now() - t0) / 1000;
    const apiCpuPerSecond = (cpuSeconds(pid) - cpu0) / seconds;
    const openAtEnd = streams.filter((r) => !r.destroyed && r.socket && !r.socket.destroyed).length;
    await send(url, { method: 'POST', path: `/api/scans/${subBody.scanId}/cancel`, key, from: '127.0.0.1' }).catch(() => undefined);
    return {
      seconds,
      scan: { status: sub.status, cost: subBody.cost, scanId: subBody.scanId },
      sse: { attempted: 1000, statuses: count(sseStatuses), openAtEnd },
      unknownKeys: { attempted: 1000, statuses: count(keyStatuses) },
      healthz,
      coverage,
      apiCpuPerSecond,
    };
  } finally {
    streams.forEach((r) => r.destroy());
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    }
    rmSync(home, { recursive: true, force: true });
  }
}
