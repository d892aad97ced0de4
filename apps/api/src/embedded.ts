/**
 * The embedded default of `sigmap serve` (no TEMPORAL_ADDRESS): a local Temporal dev server (started, or reused when
 * its port answers) on SIGMAP_HOME/temporal/dev.sqlite, and in-process workers for every task queue sharing the
 * API's store (PGlite is single-process, so API and workers must share one instance). With TEMPORAL_ADDRESS the API
 * is a Temporal client only and workers run elsewhere (`sigmap worker`, with DATABASE_URL for a shared store).
 */
import { join } from 'node:path';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { ALL_TASK_QUEUES } from '@sigmap/contracts';
import type { Store } from '@sigmap/store';
import { FamilyRegistry } from '@sigmap/families';
import { connect, createWorkers, ensureDevServer, temporalEnv, type DevServer } from '@sigmap/orchestration';

interface Embedded {
  address: string;
  families: FamilyRegistry;
  server: DevServer;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

export async function startEmbedded(home: string, store: Store, opts: { port?: number; concurrency?: number } = {}): Promise<Embedded> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      // already installed by the host process
    }
  }
  const port = opts.port ?? Number(process.env.SIGMAP_TEMPORAL_PORT ?? 7233);
  const server = await ensureDevServer({ dbFile: join(home, 'temporal', 'dev.sqlite'), port });
  const env = temporalEnv();
  let connection: Awaited<ReturnType<typeof connect>> | null = null;
  const families = new FamilyRegistry();
  let workers: Worker[];
  let closeCompute: () => Promise<void>;
  try {
    connection = await connect(server.address, { ...env, tls: undefined, apiKey: undefined });
    ({ workers, close: closeCompute } = await createWorkers({
      connection,
      namespace: env.namespace,
      queues: [...ALL_TASK_QUEUES],
      concurrency: opts.concurrency ?? 2,
      store,
      families,
      identity: `sigmap-serve@${process.pid}`,
    }));
  } catch (e) {
    // a failed start must not leave the dev server it launched (or reused: stop() is then a no-op) running
    await connection?.close().catch(() => undefined);
    await families.close().catch(() => undefined);
    await server.stop();
    throw e;
  }
  const conn = connection;
  const running = Promise.all(workers.map((w: Worker) => w.run()));
  running.catch((e) => process.stderr.write(`embedded worker stopped: ${(e as Error).message}\n`));
  return {
    address: server.address,
    families,
    server,
    async stop() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await running.catch(() => undefined);
      await closeCompute();
      await conn.close();
      await families.close();
      await server.stop();
    },
  };
}
