import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createRng, InputError, pointKey, pointSeed, TASK_QUEUES, validateScanSpec, type LimitInput, type ModelPoint } from '@sigmap/contracts';
import { openStore } from '@sigmap/store';
import { FamilyRegistry } from '@sigmap/families';
import { connect, createStatsActivities, createWorkers, InlineCompute, freePort, startDevServer, workflowBundle } from '@sigmap/orchestration';
import { integerOption, parseCli } from '../args';
import type { CliCommand } from '../command';
import { formatTable, writeJsonFile } from '../output';
import { startOrchestrationBenchWorkflow } from '@sigmap/workflows/client';

const FAMILIES: Record<string, { search: string; points(n: number, seed: number): ModelPoint[] }> = {
  'excursion-fast2d': {
    search: 'excursion-fast2d',
    points: (n, seed) => {
      const rng = createRng(seed);
      return Array.from({ length: n }, () => ({ x: Number((1.5 * rng.uniform()).toPrecision(6)), y: Number((1.5 * rng.uniform()).toPrecision(6)) }));
    },
  },
  'atlas-sbottom': {
    search: 'ATLAS-SUSY-2018-31',
    points: (n, seed) => {
      const spec = validateScanSpec({
        family: 'atlas-sbottom',
        parameters: { m_sbottom: { min: 400, max: 1600 }, m_chi2: { min: 100, max: 1600 }, m_chi1: { fixed: 60 } },
        searches: ['ATLAS-SUSY-2018-31'],
        budget: 1,
        batchSize: 1,
      });
      const pool = new FamilyRegistry().get('atlas-sbottom')!.pool(spec)!;
      const rng = createRng(seed);
      const idx = pool.map((_, i) => i);
      for (let i = idx.length - 1; i > 0; i--) {
        const j = Math.floor(rng.uniform() * (i + 1));
        [idx[i], idx[j]] = [idx[j], idx[i]];
      }
      if (n > pool.length) throw new InputError('--points', `the sbottom plane has ${pool.length} published points`);
      return idx.slice(0, n).map((i) => pool[i]);
    },
  },
};

interface Row {
  workers: number;
  points: number;
  temporalSeconds: number;
  activitiesPerSecond: number;
  directSeconds: number;
  directPerPointMs: number;
  temporalPerPointMs: number;
  overheadPerPointMs: number;
}

export const bench: CliCommand = {
  summary: 'activities per second through Temporal with N in-process workers, and overhead per model point vs direct calls',
  usage: `usage: sigmap bench orchestration [--workers 1,2,4] [--points 60] [--family excursion-fast2d|atlas-sbottom] [--json FILE]
Starts a Temporal dev server (temp SQLite file, random port) and, for each N in --workers, N in-process Workers on
the stats-cpu queue (1 activity slot each, one connection each) plus one orchestration Worker. OrchestrationBenchWorkflow fans out one
computeLimit activity per model point (the scan's inner loop) for --points fresh points; activities/s = points /
wall time from workflow start to result. The same activity function is then called directly (no Temporal,
MockActivityEnvironment for its heartbeat context) on another set of fresh points of the same family, one after
another, with the same PGlite store. Overhead per model point = Temporal wall time per point - direct time per point
(with N workers the Temporal path can overlap activities, so for cheap activities this is the per-point cost of
orchestration as seen by a scan). Family excursion-fast2d (default: an analytic function, so the time is nearly all
orchestration) or atlas-sbottom (real HistFactory hypotests on the published likelihoods).
Writes reports/bench/orchestration.json (or --json FILE).`,
  async run(argv) {
    const { values } = parseCli(argv, { workers: { type: 'string' }, points: { type: 'string' }, family: { type: 'string' }, json: { type: 'string' } }, false);
    const ns = (values.workers ?? '1,2,4').split(',').map((s) => integerOption('workers', s.trim(), 1));
    const nPoints = integerOption('points', values.points, 60);
    const familyId = values.family ?? 'excursion-fast2d';
    const fam = FAMILIES[familyId];
    if (!fam) throw new InputError('--family', `one of ${Object.keys(FAMILIES).join(', ')}`);
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      // installed already
    }
    const dir = mkdtempSync(join(tmpdir(), 'sigmap-bench-orch-'));
    const server = await startDevServer({ dbFile: join(dir, 'temporal.sqlite'), port: await freePort(), uiPort: 'headless' });
    const store = await openStore({ dataDir: join(dir, 'store') });
    const families = new FamilyRegistry();
    const rows: Row[] = [];
    const conn = await connect(server.address, { address: server.address, namespace: 'default', apiKey: undefined, tls: undefined });
    const cconn = await Connection.connect({ address: server.address });
    const client = new Client({ connection: cconn });
    await workflowBundle();
    const spec = validateScanSpec({
      family: familyId,
      parameters:
        familyId === 'atlas-sbottom'
          ? { m_sbottom: { min: 400, max: 1600 }, m_chi2: { min: 100, max: 1600 }, m_chi1: { fixed: 60 } }
          : { x: { min: 0, max: 1.5 }, y: { min: 0, max: 1.5 } },
      searches: [fam.search],
      budget: 1,
      batchSize: 1,
    });
    let orchRunning: Promise<unknown> | null = null;
    let orchWorkers: Worker[] = [];
    try {
      let label = 1;
      // one orchestration Worker for the whole run; N stats-cpu Workers per measurement
      const { workers: orch } = await createWorkers({ connection: conn, queues: [TASK_QUEUES.orchestration], concurrency: 1, store, families });
      orchRunning = Promise.all(orch.map((w) => w.run()));
      orchWorkers = orch;
      // warm-up outside the timings (archive read, JIT): one lookup on a point no measurement uses
      const warm = fam.points(1, 999)[0];
      await families.get(familyId)!.lookupLimit!(warm, fam.search, { progress: () => undefined, resumeFrom: null });
      for (const n of ns) {
        // every measurement gets a fresh store, so no path reads limits another one cached
        const sT = await openStore({ dataDir: join(dir, `store-temporal-${n}`) });
        const sD = await openStore({ dataDir: join(dir, `store-direct-${n}`) });
        // Temporal path: N stats-cpu Workers (one activity slot each), all in this process
        // (the SDK allows one Worker per task queue per connection: each in-process Worker gets its own connection)
        const stats: Worker[] = [];
        const conns = await Promise.all(
          Array.from({ length: n }, () => connect(server.address, { address: server.address, namespace: 'default', apiKey: undefined, tls: undefined })),
        );
        // both paths compute inline (no compute threads): the bench measures what Temporal adds per point
        const inline = new InlineCompute(families);
        for (const c of conns)
          stats.push(
            ...(await createWorkers({ connection: c, queues: [TASK_QUEUES.statsCpu], concurrency: 1, store: sT, families, compute: () => inline })).workers,
          );
        const all = stats;
        const running = Promise.all(all.map((w) => w.run())).finally(() => Promise.all(conns.map((c) => c.close())));
        const scanT = `bench-temporal-${n}-${label}`;
        await sT.createScan(scanT, spec);
        const ptsT = fam.points(nPoints, 1000 + label++);
        process.stderr.write(`workers=${n}: Temporal path...\n`);
        const t0 = performance.now();
        const done = await (
          await startOrchestrationBenchWorkflow(client, { scanId: scanT, family: familyId, search: fam.search, fidelity: 'lookup', seed: 1, points: ptsT })
        ).result();
        const temporalSeconds = (performance.now() - t0) / 1000;
        all.forEach((w) => w.shutdown());
        await running;
        if (done !== nPoints) throw new Error(`bench workflow returned ${done} results for ${nPoints} points`);

        // direct path: the same activity function, called one after another, on fresh points
        const scanD = `bench-direct-${n}-${label}`;
        await sD.createScan(scanD, spec);
        const direct = createStatsActivities({ store: sD, families, compute: inline });
        const ptsD = fam.points(nPoints, 1000 + label++);
        process.stderr.write(`workers=${n}: direct path...\n`);
        const env = new MockActivityEnvironment();
        const t1 = performance.now();
        for (const point of ptsD) {
          const input: LimitInput = { scanId: scanD, family: familyId, point, search: fam.search, fidelity: 'lookup', seed: pointSeed(1, pointKey(point)) };
          await env.run(direct.computeLimit, input);
        }
        const directSeconds = (performance.now() - t1) / 1000;
        const stored = (await sT.listEvaluations(scanT)).length;
        await sT.close();
        await sD.close();
        if (stored !== nPoints) throw new Error(`the Temporal run stored ${stored} evaluations for ${nPoints} points`);
        rows.push({
          workers: n,
          points: nPoints,
          temporalSeconds,
          activitiesPerSecond: nPoints / temporalSeconds,
          directSeconds,
          directPerPointMs: (1000 * directSeconds) / nPoints,
          temporalPerPointMs: (1000 * temporalSeconds) / nPoints,
          overheadPerPointMs: (1000 * (temporalSeconds - directSeconds)) / nPoints,
        });
      }
    } catch (e) {
      process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
      throw e;
    } finally {
      orchWorkers.forEach((w) => w.getState() === 'RUNNING' && w.shutdown());
      await orchRunning?.catch(() => undefined);
      await cconn.close();
      await conn.close().catch(() => undefined);
      await families.close();
      await store.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    process.stdout.write(
      formatTable(
        ['in-process workers', 'points', 'Temporal s', 'activities/s', 'direct s', 'direct ms/point', 'Temporal ms/point', 'overhead ms/point'],
        rows.map((r) => [
          String(r.workers),
          r.points,
          r.temporalSeconds,
          r.activitiesPerSecond,
          r.directSeconds,
          r.directPerPointMs,
          r.temporalPerPointMs,
          r.overheadPerPointMs,
        ]),
      ),
    );
    const out = values.json ?? 'reports/bench/orchestration.json';
    writeJsonFile(out, {
      bench: 'orchestration',
      family: familyId,
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '?' },
      temporal: 'temporal server start-dev (CLI v1.5.1, SQLite file)',
      rows,
    });
    process.stdout.write(`wrote ${out}\n`);
    return 0;
  },
};
