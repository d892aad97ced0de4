import { join } from 'node:path';
import { Client, Connection, WorkflowIdReusePolicy } from '@temporalio/client';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { TASK_QUEUES, type ScanProgress, type ScanReport, type ScanSpec } from '@sigmap/contracts';
import { openStore } from '@sigmap/store';
import { progressQuery } from '@sigmap/workflows';
import { ensureDevServer, sigmapHome, type DevServer } from './dev-server';
import { FamilyRegistry } from '@sigmap/families';
import { connect, createWorkers, temporalEnv } from './worker';
import { startScanWorkflow } from '@sigmap/workflows/client';

export interface RunScanOptions {
  spec: ScanSpec;
  scanId: string;
  /** Temporal address; absent -> embedded: a local dev server (started or reused) plus in-process workers. */
  address?: string;
  namespace?: string;
  /** In-process worker concurrency per queue (embedded mode). */
  concurrency?: number;
  /** PGlite directory (embedded mode); default `${SIGMAP_HOME}/store`. */
  storeDir?: string;
  onProgress?: (p: ScanProgress) => void;
  pollMs?: number;
}

/** 'WorkflowFailedError: ... <- ActivityFailure: ... <- ApplicationFailure: the root message'. */
function causeChain(e: unknown): string {
  const parts: string[] = [];
  for (let c = e as { message?: string; name?: string; cause?: unknown } | undefined; c && parts.length < 6; c = c.cause as typeof c)
    parts.push(`${c.name ?? 'Error'}: ${c.message ?? String(c)}`);
  return parts.join(' <- ');
}

let runtimeInstalled = false;
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // already installed by the host process
  }
}

/** Submits ScanWorkflow on the orchestration queue and follows it (progress query) until it returns its report. */
async function submitAndFollow(client: Client, o: RunScanOptions): Promise<ScanReport> {
  const handle = await startScanWorkflow(client, { scanId: o.scanId, spec: o.spec }, { workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE });
  let done = false;
  const result = handle.result();
  result.finally(() => (done = true)).catch(() => undefined);
  const poll = async () => {
    while (!done) {
      try {
        o.onProgress?.(await handle.query(progressQuery));
      } catch {
        // the workflow may be between runs (continueAsNew) or not yet picked up
      }
      await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, o.pollMs ?? 1000))]);
    }
  };
  try {
    const [report] = await Promise.all([result, poll()]);
    return report;
  } catch (e) {
    throw new Error(`scan ${o.scanId} failed: ${causeChain(e)}`);
  }
}

/**
 * `sigmap scan`: with an address, only submits and follows; without, the embedded default: a dev server on a
 * SQLite file under SIGMAP_HOME (reused if its port answers) and in-process workers for every task queue.
 */
export async function runScan(o: RunScanOptions): Promise<ScanReport> {
  quietRuntime();
  const env = temporalEnv();
  const namespace = o.namespace ?? env.namespace;
  if (o.address) {
    const connection = await Connection.connect({ address: o.address, tls: env.tls, apiKey: env.apiKey });
    try {
      return await submitAndFollow(new Client({ connection, namespace }), o);
    } finally {
      await connection.close();
    }
  }
  let server: DevServer | null = null;
  const store = await openStore({ url: process.env.DATABASE_URL, dataDir: o.storeDir ?? join(sigmapHome(), 'store') });
  const families = new FamilyRegistry();
  let workers: Worker[] = [];
  let closeCompute = async () => undefined as void;
  let running: Promise<unknown> | null = null;
  try {
    server = await ensureDevServer({ dbFile: join(sigmapHome(), 'temporal', 'dev.sqlite') });
    const nconn = await connect(server.address, { ...env, tls: undefined, apiKey: undefined });
    ({ workers, close: closeCompute } = await createWorkers({
      connection: nconn,
      namespace,
      queues: Object.values(TASK_QUEUES),
      concurrency: o.concurrency ?? 2,
      store,
      families,
      identity: `sigmap-scan@${process.pid}`,
    }));
    running = Promise.all(workers.map((w) => w.run())).finally(() => nconn.close());
    const connection = await Connection.connect({ address: server.address });
    try {
      return await submitAndFollow(new Client({ connection, namespace }), o);
    } finally {
      await connection.close();
    }
  } finally {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await running?.catch(() => undefined);
    await closeCompute();
    await families.close();
    await store.close();
    await server?.stop();
  }
}
