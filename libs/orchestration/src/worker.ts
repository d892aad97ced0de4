import { readFileSync } from 'node:fs';
import { NativeConnection, Worker, bundleWorkflowCode, type NativeConnectionOptions, type WorkflowBundle } from '@temporalio/worker';
import { ALL_TASK_QUEUES, InputError, TASK_QUEUES, type TaskQueue } from '@sigmap/contracts';
import type { Store } from '@sigmap/store';
import { ensureBackend } from '@sigmap/surrogate';
import { WORKFLOWS_PATH, type ScanActivityContract } from '@sigmap/workflows';
import { createScanActivities } from './activities';
import { faultInterceptors } from './fault-injection';
import { FamilyRegistry } from '@sigmap/families';

/**
 * How a worker (or the CLI) reaches Temporal: TEMPORAL_ADDRESS (host:port), TEMPORAL_NAMESPACE (default
 * 'default'), and for Temporal Cloud / a TLS cluster TEMPORAL_API_KEY or TEMPORAL_TLS_CERT + TEMPORAL_TLS_KEY
 * (client certificate files; TEMPORAL_TLS_CA optional; TEMPORAL_TLS=1 for server-verified TLS only).
 */
export function temporalEnv(env: NodeJS.ProcessEnv = process.env) {
  const address = env.TEMPORAL_ADDRESS?.trim() || undefined;
  const namespace = env.TEMPORAL_NAMESPACE?.trim() || 'default';
  const apiKey = env.TEMPORAL_API_KEY?.trim() || undefined;
  const cert = env.TEMPORAL_TLS_CERT, key = env.TEMPORAL_TLS_KEY, ca = env.TEMPORAL_TLS_CA;
  if ((cert && !key) || (!cert && key)) throw new InputError('TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together');
  let tls: NativeConnectionOptions['tls'] = undefined;
  if (cert && key) tls = { clientCertPair: { crt: readFileSync(cert), key: readFileSync(key) }, serverRootCACertificate: ca ? readFileSync(ca) : undefined };
  else if (apiKey || env.TEMPORAL_TLS === '1' || env.TEMPORAL_TLS === 'true') tls = true;
  return { address, namespace, apiKey, tls };
}

export function parseQueues(raw: string | undefined): TaskQueue[] {
  if (!raw || raw === 'all') return [...ALL_TASK_QUEUES];
  const qs = raw.split(',').map((q) => q.trim()).filter(Boolean);
  for (const q of qs) if (!ALL_TASK_QUEUES.includes(q as TaskQueue)) throw new InputError('--queues', `unknown task queue '${q}' (known: ${ALL_TASK_QUEUES.join(', ')}, all)`);
  if (qs.length === 0) throw new InputError('--queues', 'name at least one task queue');
  return [...new Set(qs)] as TaskQueue[];
}

let bundlePromise: Promise<WorkflowBundle> | null = null;
/** The workflow bundle, built once per process (webpack; a few seconds) and shared by its workers. */
export function workflowBundle(): Promise<WorkflowBundle> {
  const quiet = () => undefined;
  bundlePromise ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: (m: string) => console.error(m), log: quiet } as never });
  return bundlePromise;
}

export interface WorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  queues: TaskQueue[];
  /** Concurrent activity executions per queue. */
  concurrency?: number;
  store: Store;
  families?: FamilyRegistry;
  /** Sticky-cache size etc. left default; identity shows in the Temporal UI. */
  identity?: string;
}

/** One Temporal Worker per task queue; workflows run on the orchestration queue, activities on all. */
export async function createWorkers(o: WorkerOptions): Promise<{ workers: Worker[]; activities: ScanActivityContract; families: FamilyRegistry }> {
  const concurrency = o.concurrency ?? 2;
  const families = o.families ?? new FamilyRegistry();
  const activities: ScanActivityContract = createScanActivities({ store: o.store, families });
  // test-only fault injection (SIGMAP_FAULT_*; fault-injection.ts): no interceptor unless its variables are set
  const faults = faultInterceptors();
  if (faults.length) process.stderr.write('sigmap worker: fault injection active (SIGMAP_FAULT_* set; test use only)\n');
  const workers: Worker[] = [];
  for (const q of o.queues) {
    workers.push(
      await Worker.create({
        connection: o.connection,
        namespace: o.namespace ?? 'default',
        taskQueue: q,
        ...(o.identity ? { identity: `${o.identity}/${q}` } : {}),
        activities,
        maxConcurrentActivityTaskExecutions: concurrency,
        ...(faults.length ? { interceptors: { activity: faults } } : {}),
        ...(q === TASK_QUEUES.orchestration ? { workflowBundle: await workflowBundle() } : {}),
        shutdownGraceTime: '5 seconds',
      }),
    );
  }
  return { workers, activities, families };
}

/** The tfjs backend in use (selected once per process by @sigmap/surrogate: tfjs-node-gpu, else wasm, else cpu). */
export async function tfjsBackend(): Promise<string> {
  try {
    return await ensureBackend();
  } catch (e) {
    return `none loaded (${(e as Error).message.split('\n')[0]})`;
  }
}

export async function connect(address: string, env = temporalEnv()): Promise<NativeConnection> {
  return NativeConnection.connect({ address, tls: env.tls, apiKey: env.apiKey });
}
