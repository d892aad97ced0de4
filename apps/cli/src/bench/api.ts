import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError, isFinalScanStatus } from '@sigmap/contracts';
import { integerOption, parseCli } from '../args';
import type { CliCommand } from '../command';
import { formatTable, writeJsonFile } from '../output';
import { freePort } from '@sigmap/orchestration';

interface AutocannonResult {
  requests: { average: number; mean: number; stddev: number; total: number };
  latency: { average: number; p50: number; p90: number; p99: number; max: number };
  throughput: { average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  duration: number;
}
type Autocannon = (o: {
  url: string;
  connections: number;
  duration: number;
  pipelining?: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;

const BIN = resolve(__dirname, '..', '..', 'bin', 'sigmap.js');

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const r = await fetch(url, init);
  const body = (await r.json()) as T;
  if (!r.ok) throw new Error(`${url}: ${r.status} ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

export const bench: CliCommand = {
  summary: 'coverage-matrix requests per second and p99 latency of the API on loopback (autocannon)',
  usage: `usage: sigmap bench api [--duration 10] [--connections 10] [--scans 2] [--home DIR] [--json FILE]
Starts 'sigmap serve' (embedded: Temporal dev server + in-process workers + PGlite) on 127.0.0.1 in a child process,
fills its store by running --scans real public scans through the API (excursion-fast2d, lookup fidelity), then
drives GET /api/coverage with autocannon for --duration seconds over --connections connections and reports
requests/s and latency percentiles with the number of scans, evaluations and distinct points in the store.
The server's rate limit is raised for the run (--rate-limit), everything else is the default configuration.
--home DIR benches an existing SIGMAP_HOME (its scans as they are; --scans 0 to add none). Writes reports/bench/api.json.`,
  async run(argv) {
    const { values } = parseCli(
      argv,
      { duration: { type: 'string' }, connections: { type: 'string' }, scans: { type: 'string' }, home: { type: 'string' }, json: { type: 'string' } },
      false,
    );
    const duration = integerOption('duration', values.duration, 10);
    if (duration > 60) throw new InputError('--duration', 'at most 60 seconds (the machine is shared)');
    const connections = integerOption('connections', values.connections, 10);
    const nScans = integerOption('scans', values.scans, 2, 0);
    const home = values.home ? resolve(values.home) : mkdtempSync(join(tmpdir(), 'sigmap-bench-api-'));
    const env: NodeJS.ProcessEnv = { ...process.env, SIGMAP_HOME: home, SIGMAP_TEMPORAL_PORT: String(await freePort()) };
    delete env.TEMPORAL_ADDRESS;
    const key = spawnSync(process.execPath, [BIN, 'serve', '--add-key', 'bench'], { env, encoding: 'utf8' }).stdout.trim();
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--rate-limit', '1000000000'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      const base = await new Promise<string>((res, rej) => {
        const t = setTimeout(() => rej(new Error(`sigmap serve did not start:\n${out}`)), 120_000);
        child.stdout.on('data', () => {
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) {
            clearTimeout(t);
            res(m[1]);
          }
        });
        child.once('exit', (c) => rej(new Error(`sigmap serve exited with ${c}:\n${out}`)));
      });
      for (let i = 0; i < nScans; i++) {
        const spec = {
          name: `bench-${i}`,
          family: 'excursion-fast2d',
          parameters: { x: { min: 0, max: 1.5 }, y: { min: 0, max: 1.5 } },
          searches: ['excursion-fast2d'],
          mode: 'continuous',
          batchSize: 5,
          budget: 40,
          initialPoints: 10,
          target: 0.005,
          seed: 100 + i,
          visibility: 'public',
        };
        const sub = await json<{ scanId: string }>(`${base}/api/scans`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          body: JSON.stringify(spec),
        });
        process.stderr.write(`scan ${sub.scanId} submitted; waiting for it to finish\n`);
        for (;;) {
          const s = await json<{ status: string }>(`${base}/api/scans/${sub.scanId}`);
          if (isFinalScanStatus(s.status)) break;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      await new Promise((r) => setTimeout(r, 1100)); // let the coverage cache see the last results
      const first = performance.now();
      const map = await json<{ summary: { scans: number; evaluations: number; searches: number; cells: number }; buildMs: number }>(`${base}/api/coverage`);
      const firstMs = performance.now() - first;
      const scans = (await json<{ scans: { scanId: string }[] }>(`${base}/api/scans`)).scans;
      let points = 0;
      for (const s of scans) points += (await json<{ points: number }>(`${base}/api/scans/${s.scanId}`)).points;
      const bytes = Buffer.byteLength(JSON.stringify(map));
      const autocannon = require('autocannon') as Autocannon;
      const url = `${base}/api/coverage`;
      await autocannon({ url, connections, duration: 2 }); // warm-up
      const r = await autocannon({ url, connections, duration });
      const row = {
        endpoint: 'GET /api/coverage',
        url,
        connections,
        durationS: duration,
        requests: r.requests.total,
        rps: r.requests.average,
        latencyMs: { mean: r.latency.average, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        responseBytes: bytes,
        store: {
          kind: 'pglite',
          scans: scans.length,
          publicScansInMap: map.summary.scans,
          evaluations: map.summary.evaluations,
          points,
          searches: map.summary.searches,
          cells: map.summary.cells,
        },
        mapBuildMs: map.buildMs,
        firstRequestMs: firstMs,
      };
      process.stdout.write(
        formatTable(
          ['endpoint', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'KB/resp', 'scans', 'points', 'evals'],
          [
            [
              row.endpoint,
              connections,
              row.rps,
              row.latencyMs.p50,
              row.latencyMs.p99,
              row.latencyMs.max,
              row.non2xx + row.errors,
              bytes / 1024,
              scans.length,
              points,
              row.store.evaluations,
            ],
          ],
        ),
      );
      process.stdout.write(
        `map build ${row.mapBuildMs.toFixed(0)} ms (served from cache afterwards); server and autocannon share this machine (${cpus().length} cores)\n`,
      );
      const file = values.json ?? 'reports/bench/api.json';
      writeJsonFile(file, { bench: 'api', node: process.versions.node, cores: cpus().length, at: new Date().toISOString(), results: [row] });
      process.stderr.write(`wrote ${file}\n`);
      return row.non2xx + row.errors === 0 ? 0 : 1;
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      if (!values.home) rmSync(home, { recursive: true, force: true });
    }
  },
};
