import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { InputError, TASK_QUEUES, validateScanSpec, type ScanSpec } from '@sigmap/contracts';
import { openStore } from '@sigmap/store';
import { FamilyRegistry } from '@sigmap/families';
import { connect, createWorkers, freePort, startDevServer } from '@sigmap/orchestration';
import { integerOption, parseCli } from '../args';
import type { CliCommand } from '../command';
import { formatTable, writeJsonFile } from '../output';
import { startScanWorkflow } from '@sigmap/workflows/client';
import { abuseWave, type AbuseReport } from './abuse';
import { quantile, type Latency } from './probe';

/** One small real scan: the analytic excursion family (GP rounds, batches, limits, store writes; cheap activities). */
function smallScan(seed: number, budget: number): ScanSpec {
  return validateScanSpec({
    name: `soak-${seed}`,
    family: 'excursion-fast2d',
    parameters: { x: { min: 0, max: 1.5 }, y: { min: 0, max: 1.5 } },
    searches: ['excursion-fast2d'],
    fidelity: 'lookup',
    mode: 'continuous',
    batchSize: 4,
    budget,
    target: 0.001,
    initialPoints: 8,
    roundsPerRun: 2,
    seed,
  });
}

/** A forced full GC (V8's --expose-gc, switched on at run time), so heap samples measure live memory, not garbage. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => gc();
}

interface Wave {
  wave: number;
  scans: number;
  seconds: number;
  evaluations: number;
  evaluationsPerSecond: number;
  scanLatencyP50S: number;
  scanLatencyP99S: number;
  heapAfterGcMiB: number;
  rssMiB: number;
}

export const bench: CliCommand = {
  summary: 'soak: waves of concurrent small scans against one dev server and N workers; throughput, latency, memory per wave',
  usage: `usage: sigmap bench soak [--waves 6] [--concurrent 8] [--budget 24] [--workers 2] [--abuse-seconds 60] [--skip-abuse]
                        [--abuse-only] [--json FILE]
Starts a Temporal dev server (temp SQLite file, loopback) and, in this process, one orchestration Worker and --workers
stats-cpu Workers (each its own connection, 2 activity slots) on one PGlite store. Each wave submits --concurrent
ScanWorkflows at once (excursion-fast2d family, --budget evaluations each, batches of 4, continueAsNew every 2 rounds)
and waits for all of them. Per wave: evaluations/s, scan latency (submit to report) p50/p99, heap after a forced GC and
RSS. Leak check: the least-squares slope of heap-after-GC over the waves after the first (warm-up), in MiB per wave,
and in MiB per 1000 evaluations.
Then the abuse wave (issue 18), against a real \`sigmap serve\` with its default limits: the maximal scan those limits
admit (full fidelity, 10^6 events x 200 points), 1 000 idle anonymous event streams from one client address and 1 000
requests with unknown keys, while /healthz (every 200 ms) and /api/coverage (every 500 ms) are timed from another
address for --abuse-seconds; targets: /healthz p99 < 50 ms, /api/coverage p99 < 100 ms.
Writes reports/bench/soak.json (or --json FILE).`,
  async run(argv) {
    const { values } = parseCli(
      argv,
      {
        waves: { type: 'string' },
        concurrent: { type: 'string' },
        budget: { type: 'string' },
        workers: { type: 'string' },
        json: { type: 'string' },
        'abuse-seconds': { type: 'string' },
        'skip-abuse': { type: 'boolean' },
        'abuse-only': { type: 'boolean' },
      },
      false,
    );
    if (values['skip-abuse'] && values['abuse-only']) throw new InputError('--abuse-only', 'not with --skip-abuse');
    const abuseSeconds = integerOption('abuse-seconds', values['abuse-seconds'], 60, 10);
    const waves = integerOption('waves', values.waves, 6, 3);
    const concurrent = integerOption('concurrent', values.concurrent, 8, 1);
    const budget = integerOption('budget', values.budget, 24, 8);
    const nWorkers = integerOption('workers', values.workers, 2, 1);
    if (waves * concurrent > 2000) throw new InputError('--waves', 'waves x concurrent must stay <= 2000 scans');
    const out = values.json ?? 'reports/bench/soak.json';
    const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? '?', node: process.version };
    if (values['abuse-only']) {
      const abuse = await runAbuse(abuseSeconds);
      writeJsonFile(out, { bench: 'soak', machine, abuse });
      process.stdout.write(`wrote ${out}\n`);
      return abusePassed(abuse) ? 0 : 1;
    }
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      // installed already
    }
    const gc = collector();
    const dir = mkdtempSync(join(tmpdir(), 'sigmap-bench-soak-'));
    const server = await startDevServer({ dbFile: join(dir, 'temporal.sqlite'), port: await freePort(), uiPort: 'headless' });
    const store = await openStore({ dataDir: join(dir, 'store') });
    const families = new FamilyRegistry();
    const workers: Worker[] = [];
    // each createWorkers call's compute threads: stopped after the workers, or they keep the process alive
    const computes: (() => Promise<void>)[] = [];
    const conns: Awaited<ReturnType<typeof connect>>[] = [];
    const rows: Wave[] = [];
    let running: Promise<unknown> | null = null;
    const cconn = await Connection.connect({ address: server.address });
    const client = new Client({ connection: cconn });
    try {
      const env = { address: server.address, namespace: 'default', apiKey: undefined, tls: undefined };
      const orchConn = await connect(server.address, env);
      conns.push(orchConn);
      const orch = await createWorkers({ connection: orchConn, queues: [TASK_QUEUES.orchestration], concurrency: 4, store, families });
      workers.push(...orch.workers);
      computes.push(orch.close);
      for (let i = 0; i < nWorkers; i++) {
        const c = await connect(server.address, env);
        conns.push(c);
        const stats = await createWorkers({ connection: c, queues: [TASK_QUEUES.statsCpu], concurrency: 2, store, families });
        workers.push(...stats.workers);
        computes.push(stats.close);
      }
      running = Promise.all(workers.map((w) => w.run()));
      let seed = 1;
      for (let wave = 1; wave <= waves; wave++) {
        const t0 = performance.now();
        const latencies = await Promise.all(
          Array.from({ length: concurrent }, async () => {
            const s = seed++;
            const scanId = `soak-${wave}-${s}`;
            const started = performance.now();
            await (await startScanWorkflow(client, { scanId, spec: smallScan(s, budget) })).result();
            return (performance.now() - started) / 1000;
          }),
        );
        const seconds = (performance.now() - t0) / 1000;
        let evaluations = 0;
        for (let s = seed - concurrent; s < seed; s++) evaluations += (await store.listEvaluations(`soak-${wave}-${s}`)).length;
        gc();
        const mem = process.memoryUsage();
        const row: Wave = {
          wave,
          scans: concurrent,
          seconds,
          evaluations,
          evaluationsPerSecond: evaluations / seconds,
          scanLatencyP50S: quantile(latencies, 0.5),
          scanLatencyP99S: quantile(latencies, 0.99),
          heapAfterGcMiB: mem.heapUsed / 2 ** 20,
          rssMiB: mem.rss / 2 ** 20,
        };
        rows.push(row);
        process.stderr.write(`wave ${wave}/${waves}: ${evaluations} evaluations in ${seconds.toFixed(1)} s, heap ${row.heapAfterGcMiB.toFixed(1)} MiB\n`);
      }
    } finally {
      workers.forEach((w) => w.getState() === 'RUNNING' && w.shutdown());
      await running?.catch(() => undefined);
      for (const close of computes) await close();
      for (const c of conns) await c.close().catch(() => undefined);
      await cconn.close();
      await families.close();
      await store.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    // least-squares slope of heap-after-GC against wave index, after the warm-up wave
    const tail = rows.slice(1);
    const mx = tail.reduce((a, r) => a + r.wave, 0) / tail.length;
    const my = tail.reduce((a, r) => a + r.heapAfterGcMiB, 0) / tail.length;
    const slope = tail.reduce((a, r) => a + (r.wave - mx) * (r.heapAfterGcMiB - my), 0) / tail.reduce((a, r) => a + (r.wave - mx) ** 2, 0);
    const evalsPerWave = tail.reduce((a, r) => a + r.evaluations, 0) / tail.length;
    process.stdout.write(
      formatTable(
        ['wave', 'scans', 'seconds', 'evaluations', 'evaluations/s', 'scan p50 s', 'scan p99 s', 'heap after GC MiB', 'RSS MiB'],
        rows.map((r) => [r.wave, r.scans, r.seconds, r.evaluations, r.evaluationsPerSecond, r.scanLatencyP50S, r.scanLatencyP99S, r.heapAfterGcMiB, r.rssMiB]),
      ),
    );
    const leak = { heapSlopeMiBPerWave: slope, heapSlopeMiBPer1000Evaluations: (1000 * slope) / evalsPerWave };
    process.stdout.write(
      `heap-after-GC slope over waves 2..${waves}: ${slope.toFixed(3)} MiB/wave (${leak.heapSlopeMiBPer1000Evaluations.toFixed(3)} MiB per 1000 evaluations)\n`,
    );
    const abuse = values['skip-abuse'] ? undefined : await runAbuse(abuseSeconds);
    writeJsonFile(out, {
      bench: 'soak',
      machine,
      setup: {
        temporal: 'temporal server start-dev (CLI v1.5.1, SQLite file, loopback)',
        store: 'PGlite',
        statsWorkers: nWorkers,
        concurrent,
        budget,
        family: 'excursion-fast2d',
      },
      waves: rows,
      leak,
      ...(abuse ? { abuse } : {}),
    });
    process.stdout.write(`wrote ${out}\n`);
    return abuse && !abusePassed(abuse) ? 1 : 0;
  },
};

const ABUSE_TARGETS = { healthzP99Ms: 50, coverageP99Ms: 100 };
const abusePassed = (a: AbuseReport) =>
  a.healthz.p99Ms < ABUSE_TARGETS.healthzP99Ms && a.coverage.p99Ms < ABUSE_TARGETS.coverageP99Ms && a.healthz.failures === 0 && a.coverage.failures === 0;

async function runAbuse(seconds: number): Promise<AbuseReport & { targets: typeof ABUSE_TARGETS; passed: boolean }> {
  const a = await abuseWave({ seconds, log: (l) => process.stderr.write(`${l}\n`) });
  const fmt = (l: Latency) => [l.samples, l.failures, l.p50Ms, l.p99Ms, l.maxMs];
  process.stdout.write(
    `abuse wave (${a.seconds.toFixed(0)} s): maximal scan ${a.scan.status} (cost ${a.scan.cost} event equivalents), API CPU ${a.apiCpuPerSecond.toFixed(2)} s/s; ` +
      `1000 idle event streams from one address: ${JSON.stringify(a.sse.statuses)} (${a.sse.openAtEnd} still open at the end); ` +
      `1000 unknown-key requests: ${JSON.stringify(a.unknownKeys.statuses)}\n`,
  );
  process.stdout.write(
    formatTable(
      ['route during the abuse wave', 'samples', 'failures', 'p50 ms', 'p99 ms', 'max ms'],
      [
        ['/healthz', ...fmt(a.healthz)],
        ['/api/coverage', ...fmt(a.coverage)],
      ],
    ),
  );
  for (const l of [a.healthz, a.coverage])
    process.stdout.write(`slowest ${l.path} samples (s into the wave: ms): ${l.slowest.map((x) => `${x.atS}: ${x.ms}`).join(', ')}\n`);
  const passed = abusePassed(a);
  process.stdout.write(
    `targets: /healthz p99 < ${ABUSE_TARGETS.healthzP99Ms} ms, /api/coverage p99 < ${ABUSE_TARGETS.coverageP99Ms} ms, no failures: ${passed ? 'met' : 'NOT met'}\n`,
  );
  return { ...a, targets: ABUSE_TARGETS, passed };
}
