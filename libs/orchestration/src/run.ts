import { parseArgs } from 'node:util';
import { Runtime } from '@temporalio/worker';
import { InputError } from '@sigmap/contracts';
import { openStore } from '@sigmap/store';
import { FamilyRegistry } from '@sigmap/families';
import { connect, createWorkers, parseQueues, temporalEnv, tfjsBackend } from './worker';

export const WORKER_USAGE = `usage: sigmap worker [--queues sim-gpu,stats-cpu,...|all] [--concurrency N] [--address HOST:PORT] [--store-dir DIR]
Serves the named Temporal task queues (sim-gpu, surrogate-gpu, stats-cpu, orchestration; default all) until SIGINT/SIGTERM.
Temporal: --address or TEMPORAL_ADDRESS (default 127.0.0.1:7233), TEMPORAL_NAMESPACE, TEMPORAL_API_KEY or
TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY[/TEMPORAL_TLS_CA]. Store: DATABASE_URL (PostgreSQL; needed when workers run on
several machines) else PGlite in --store-dir (default \${SIGMAP_HOME:-.sigmap}/store).
Prints one line 'sigmap worker ready ...' (queues, concurrency, tfjs backend, limit engine) once polling.`;

/** `sigmap worker`: returns the exit code once the worker has shut down. */
export async function runWorker(argv: string[], log: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  let values: { queues?: string; concurrency?: string; address?: string; 'store-dir'?: string; identity?: string };
  try {
    values = parseArgs({
      args: argv,
      options: {
        queues: { type: 'string' },
        concurrency: { type: 'string' },
        address: { type: 'string' },
        'store-dir': { type: 'string' },
        identity: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    throw new InputError('arguments', (e as Error).message);
  }
  const queues = parseQueues(values.queues);
  const concurrency = values.concurrency === undefined ? 2 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InputError('--concurrency', `expected an integer >= 1, got '${values.concurrency}'`);
  const env = temporalEnv();
  const address = values.address ?? env.address ?? '127.0.0.1:7233';
  Runtime.install({ logger: new (await import('@temporalio/worker')).DefaultLogger('WARN') });
  const store = await openStore({ url: process.env.DATABASE_URL, dataDir: values['store-dir'] });
  const connection = await connect(address, env);
  const families = new FamilyRegistry();
  const {
    workers,
    close: closeCompute,
    computes,
  } = await createWorkers({
    connection,
    namespace: env.namespace,
    queues,
    concurrency,
    store,
    families,
    identity: values.identity ?? `sigmap-worker@${process.pid}`,
  });
  const backend = await tfjsBackend();
  const stop = () => workers.forEach((w) => w.shutdown());
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  log(
    `sigmap worker ready pid=${process.pid} address=${address} namespace=${env.namespace} queues=${queues.join(',')} concurrency=${concurrency} compute=${JSON.stringify([...new Set(Object.values(computes).map((c) => c.mode))].join('+'))} tfjs-backend=${backend} limit-engine=@sigmap/stats store=${store.kind}:${store.location}`,
  );
  try {
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    await closeCompute();
    await families.close();
    await connection.close();
    await store.close();
  }
  return 0;
}
