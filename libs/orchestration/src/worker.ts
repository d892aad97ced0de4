import { readFileSync } from 'node:fs';
import { NativeConnection, Worker, bundleWorkflowCode, type NativeConnectionOptions, type WorkflowBundle } from '@temporalio/worker';
import { ALL_TASK_QUEUES, InputError, TASK_QUEUES, type TaskQueue } from '@sigmap/contracts';
import type { Store } from '@sigmap/store';
import { ensureBackend } from '@sigmap/surrogate';
import { WORKFLOWS_PATH } from '@sigmap/workflows';
import { createQueueActivities, type QueueActivities } from './activities';
import { createCompute, InlineCompute, type Compute } from './compute/compute';
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
  const cert = env.TEMPORAL_TLS_CERT,
    key = env.TEMPORAL_TLS_KEY,
    ca = env.TEMPORAL_TLS_CA;
  if ((cert && !key) || (!cert && key)) throw new InputError('TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together');
  let tls: NativeConnectionOptions['tls'] = undefined;
  if (cert && key) tls = { clientCertPair: { crt: readFileSync(cert), key: readFileSync(key) }, serverRootCACertificate: ca ? readFileSync(ca) : undefined };
  else if (apiKey || env.TEMPORAL_TLS === '1' || env.TEMPORAL_TLS === 'true') tls = true;
  return { address, namespace, apiKey, tls };
}

export function parseQueues(raw: string | undefined): TaskQueue[] {
  if (!raw || raw === 'all') return [...ALL_TASK_QUEUES];
  const qs = raw
    .split(',')
    .map((q) => q.trim())
    .filter(Boolean);
  for (const q of qs)
    if (!ALL_TASK_QUEUES.includes(q as TaskQueue)) throw new InputError('--queues', `unknown task queue '${q}' (known: ${ALL_TASK_QUEUES.join(', ')}, all)`);
  if (qs.length === 0) throw new InputError('--queues', 'name at least one task queue');
  return [...new Set(qs)] as TaskQueue[];
}

let bundlePromise: Promise<WorkflowBundle> | null = null;
/** The workflow bundle, built once per process (webpack; a few seconds) and shared by its workers. */
export function workflowBundle(): Promise<WorkflowBundle> {
  const quiet = () => undefined;
  bundlePromise ??= bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: (m: string) => console.error(m), log: quiet } as never,
  });
  return bundlePromise;
}

export interface WorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  queues: TaskQueue[];
  /** Concurrent activity executions per queue (and compute threads per queue). */
  concurrency?: number;
  store: Store;
  families?: FamilyRegistry;
  /** Sticky-cache size etc. left default; identity shows in the Temporal UI. */
  identity?: string;
  /** Where each queue's CPU work runs (default: createCompute, i.e. worker threads unless SIGMAP_COMPUTE_THREADS=0). */
  compute?: (queue: TaskQueue, slots: number) => Compute;
  /** Log sink of the activities. */
  log?: (line: string) => void;
}

/**
 * Heartbeats are sent to the server at most this often (the SDK's default throttle is 0.8 x the heartbeat timeout,
 * up to a minute): a cancellation, or a workflow terminated meanwhile, is only delivered in a heartbeat's answer, so
 * this bounds how long a cancelled activity runs on (with HEARTBEAT_EVERY_MS).
 */
const HEARTBEAT_THROTTLE = '1 second';

/**
 * Errors that fail a workflow instead of its workflow task: programming errors in deterministic workflow code (a
 * TypeError from an input nobody checked) would otherwise retry the task forever, and the scan would look running.
 * Nondeterminism errors stay retryable (a fixed deployment resumes the workflow).
 */
const WORKFLOW_FAILURE_ERROR_TYPES = ['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'URIError', 'EvalError'];

export interface Workers {
  workers: Worker[];
  /** The activities registered on each served queue. */
  activities: Partial<QueueActivities>;
  families: FamilyRegistry;
  /** The compute of each served queue, for reports (mode). */
  computes: Partial<Record<TaskQueue, Compute>>;
  /** Stops the compute threads; call after the workers have shut down. */
  close(): Promise<void>;
}

/**
 * One Temporal Worker per task queue, each with only that queue's activities (createQueueActivities) and its own
 * compute (threads sized to its activity slots, so one queue's long simulations never starve another's GP rounds);
 * workflows run on the orchestration queue.
 */
export async function createWorkers(o: WorkerOptions): Promise<Workers> {
  const concurrency = o.concurrency ?? 2;
  const families = o.families ?? new FamilyRegistry();
  // test-only fault injection (SIGMAP_FAULT_*; fault-injection.ts): no interceptor unless its variables are set
  const faults = faultInterceptors();
  if (faults.length) process.stderr.write('sigmap worker: fault injection active (SIGMAP_FAULT_* set; test use only)\n');
  const workers: Worker[] = [];
  const activities: Partial<QueueActivities> = {};
  const computes: Partial<Record<TaskQueue, Compute>> = {};
  const close = async () => {
    await Promise.all(Object.values(computes).map((c) => c.close()));
  };
  try {
    for (const q of o.queues) {
      // the orchestration queue's activities are store bookkeeping: no compute of their own
      const compute = (computes[q] =
        q === TASK_QUEUES.orchestration ? new InlineCompute(families) : (o.compute ?? ((_q, n) => createCompute(n, families)))(q, concurrency));
      const acts = createQueueActivities(q, { store: o.store, families, compute, log: o.log });
      (activities as Record<string, unknown>)[q] = acts;
      workers.push(
        await Worker.create({
          connection: o.connection,
          namespace: o.namespace ?? 'default',
          taskQueue: q,
          ...(o.identity ? { identity: `${o.identity}/${q}` } : {}),
          activities: acts,
          maxConcurrentActivityTaskExecutions: concurrency,
          maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
          defaultHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
          ...(faults.length ? { interceptors: { activity: faults } } : {}),
          ...(q === TASK_QUEUES.orchestration
            ? { workflowBundle: await workflowBundle(), workflowFailureErrorTypes: { '*': WORKFLOW_FAILURE_ERROR_TYPES } }
            : {}),
          shutdownGraceTime: '5 seconds',
        }),
      );
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { workers, activities, families, computes, close };
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
