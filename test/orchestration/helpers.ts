import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { TASK_QUEUES, validateScanSpec, type ScanSpec } from '@sigmap/contracts';
import { openStore, type Store } from '@sigmap/store';
import { FamilyRegistry } from '@sigmap/families';
import { connect, createWorkers, freePort, startDevServer, type DevServer, type ScanActivities } from '@sigmap/orchestration';

export const REPO = resolve(__dirname, '..', '..');

export function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `sigmap-${prefix}-`));
}

/** A real `temporal server start-dev` on a random port with its own SQLite file. */
export async function devServer(dbFile: string, port?: number): Promise<DevServer> {
  return startDevServer({ dbFile, port: port ?? (await freePort()), uiPort: 'headless' });
}

export interface InProcessWorkers {
  server: DevServer;
  store: Store;
  workers: Worker[];
  activities: ScanActivities;
  /** Shuts the workers down, closes the store, stops the server. */
  stop(): Promise<void>;
}

/** A dev server (SQLite in dir), a PGlite store (in dir) and in-process workers for every task queue. */
export async function inProcessWorkers(dir: string, concurrency = 2): Promise<InProcessWorkers> {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // installed by an earlier file in this process
  }
  const server = await devServer(join(dir, 'temporal.sqlite'));
  const store = await openStore({ dataDir: join(dir, 'store') });
  const conn = await connect(server.address, { address: server.address, namespace: 'default', apiKey: undefined, tls: undefined });
  const created = await createWorkers({ connection: conn, queues: Object.values(TASK_QUEUES), concurrency, store, families: new FamilyRegistry() });
  const running = Promise.all(created.workers.map((w) => w.run())).finally(() => conn.close());
  return {
    server,
    store,
    workers: created.workers,
    activities: created.activities as ScanActivities,
    async stop() {
      created.workers.forEach((w) => w.getState() === 'RUNNING' && w.shutdown());
      await running.catch(() => undefined);
      await created.close();
      await store.close();
      await server.stop();
    },
  };
}

export async function client(address: string): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address });
  return { client: new Client({ connection }), close: () => connection.close() };
}

/** The sbottom (m_sbottom, m_chi2) plane at m_chi1 = 60, lookup fidelity, small budget for tests. */
export function sbottomSpec(over: Partial<Record<string, unknown>> = {}): ScanSpec {
  return validateScanSpec({
    name: 'sbottom-test',
    family: 'atlas-sbottom',
    parameters: { m_sbottom: { min: 400, max: 1600 }, m_chi2: { min: 100, max: 1600 }, m_chi1: { fixed: 60 } },
    searches: ['ATLAS-SUSY-2018-31'],
    fidelity: 'lookup',
    mode: 'pool',
    batchSize: 5,
    budget: 10,
    target: 0,
    initialPoints: 5,
    roundsPerRun: 1,
    seed: 11,
    ...over,
  });
}

export interface ChildWorker {
  proc: ChildProcess;
  ready: Promise<string>;
  exited: Promise<number | null>;
  output: string[];
}

/** `sigmap worker` as a child process (a real separate OS process that the tests can kill -9). */
export function spawnWorker(address: string, storeDir: string, queues = 'all', env: NodeJS.ProcessEnv = {}, concurrency = 2): ChildWorker {
  const proc = spawn(
    process.execPath,
    [join(REPO, 'apps/cli/bin/sigmap.js'), 'worker', '--queues', queues, '--address', address, '--store-dir', storeDir, '--concurrency', String(concurrency)],
    {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  const ready = new Promise<string>((res, rej) => {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      output.push(l);
      if (l.startsWith('sigmap worker ready')) res(l);
    });
    createInterface({ input: proc.stderr! }).on('line', (l) => output.push(l));
    void exited.then((code) => rej(new Error(`worker exited (${code}) before ready:\n${output.join('\n')}`)));
  });
  ready.catch(() => undefined);
  return { proc, ready, exited, output };
}

/** Graceful stop (SIGTERM: the worker drains and closes its store). */
export async function stopWorker(w: ChildWorker): Promise<void> {
  if (w.proc.exitCode !== null || w.proc.signalCode !== null) return;
  w.proc.kill('SIGTERM');
  const t = setTimeout(() => w.proc.kill('SIGKILL'), 20_000);
  await w.exited;
  clearTimeout(t);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
