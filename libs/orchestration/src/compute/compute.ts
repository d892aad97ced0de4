/**
 * Where the activities' CPU work runs. ThreadCompute: node:worker_threads, so simulation, GP fits and CLs fits never
 * block the event loop that serves the API (embedded `sigmap serve`), the Temporal workers' polls and the activities'
 * heartbeats; a cancelled task is stopped by its signal or, when it does not stop within a grace period (synchronous
 * numerics never look at the signal), by terminating its thread. InlineCompute: the same tasks in the calling thread
 * (SIGMAP_COMPUTE_THREADS=0), cooperative cancellation only.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InputError } from '@sigmap/contracts';
import { FamilyRegistry } from '@sigmap/families';
import { deserializeError, type FromThread, type ToThread } from './protocol';
import { createTaskRunner, type ComputeKind, type ComputeTaskMap, type TaskRunner } from './tasks';

export interface RunOptions {
  /** The activity's cancellation signal: the task stops and the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Resumable progress details from the task (the activity heartbeats them). */
  onProgress?: (details: unknown) => void;
}

export interface Compute {
  run<K extends ComputeKind>(kind: K, input: ComputeTaskMap[K]['input'], o?: RunOptions): Promise<ComputeTaskMap[K]['result']>;
  /** 'inline' or 'threads (N)'. */
  readonly mode: string;
  close(): Promise<void>;
}

const never = new AbortController().signal;
const aborted = (signal: AbortSignal) => (signal.reason instanceof Error ? signal.reason : new Error(`cancelled: ${String(signal.reason)}`));

/** The tasks in the calling thread. */
export class InlineCompute implements Compute {
  readonly mode = 'inline';
  private readonly runner: TaskRunner;
  constructor(families: FamilyRegistry) {
    this.runner = createTaskRunner(families);
  }
  run<K extends ComputeKind>(kind: K, input: ComputeTaskMap[K]['input'], o: RunOptions = {}): Promise<ComputeTaskMap[K]['result']> {
    const signal = o.signal ?? never;
    if (signal.aborted) return Promise.reject(aborted(signal));
    return this.runner.run(kind, input, { signal, progress: o.onProgress ?? (() => undefined) });
  }
  async close(): Promise<void> {
    // nothing to stop: the tasks ran in the calling thread
  }
}

interface Task {
  id: number;
  kind: ComputeKind;
  input: unknown;
  o: RunOptions;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  settled: boolean;
}

interface Slot {
  worker: Worker | null;
  task: Task | null;
}

const ENTRY = join(__dirname, 'thread-entry.js');

/**
 * A fixed number of compute threads (started on first use, kept while idle, unref'd so they never keep a process
 * alive) with a queue in front. Tasks are structured-cloned both ways.
 */
export class ThreadCompute implements Compute {
  readonly mode: string;
  private readonly slots: Slot[];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  /**
   * @param size threads (at most this many tasks at once)
   * @param cancelGraceMs how long a cancelled task may take to stop by itself before its thread is terminated
   */
  constructor(
    size: number,
    private readonly cancelGraceMs = 1000,
    /** Nice value of each thread (Linux: per thread; 0 keeps the process's). */
    private readonly nice = 0,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new InputError('threads', `must be at least 1, got ${size}`);
    this.slots = Array.from({ length: size }, () => ({ worker: null, task: null }));
    this.mode = `threads (${size}${nice ? `, nice ${nice}` : ''})`;
  }

  run<K extends ComputeKind>(kind: K, input: ComputeTaskMap[K]['input'], o: RunOptions = {}): Promise<ComputeTaskMap[K]['result']> {
    if (this.closed) return Promise.reject(new Error('compute: closed'));
    const signal = o.signal ?? never;
    if (signal.aborted) return Promise.reject(aborted(signal));
    return new Promise((resolve, reject) => {
      const task: Task = { id: this.nextId++, kind, input, o, resolve: resolve as (v: unknown) => void, reject, settled: false };
      const onAbort = () => this.cancel(task);
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = (fn: () => void) => {
        if (task.settled) return;
        task.settled = true;
        signal.removeEventListener('abort', onAbort);
        fn();
      };
      task.resolve = (v) => settle(() => resolve(v as ComputeTaskMap[K]['result']));
      task.reject = (e) => settle(() => reject(e));
      this.queue.push(task);
      this.dispatch();
    });
  }

  private spawn(slot: Slot): Worker {
    const w = new Worker(ENTRY, { stdout: false, stderr: false, workerData: { nice: this.nice } });
    w.unref();
    w.on('message', (m: FromThread) => {
      if (m.type === 'ready') return;
      const t = slot.task;
      if (!t || t.id !== m.id) return;
      if (m.type === 'progress') {
        if (!t.settled) t.o.onProgress?.(m.details);
        return;
      }
      slot.task = null;
      if (m.type === 'done') t.resolve(m.result);
      else t.reject(deserializeError(m.error));
      this.dispatch();
    });
    const gone = (why: string) => {
      if (slot.worker !== w) return;
      slot.worker = null;
      const t = slot.task;
      slot.task = null;
      t?.reject(new Error(`compute thread ${why} while running ${t.kind}`));
      this.dispatch();
    };
    w.on('error', (e) => gone(`failed (${e.message})`));
    w.on('exit', (code) => gone(`exited with code ${code}`));
    return w;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.closed || this.queue.length === 0) return;
      if (slot.task) continue;
      const task = this.queue.shift()!;
      slot.worker ??= this.spawn(slot);
      slot.task = task;
      slot.worker.postMessage({ type: 'run', id: task.id, kind: task.kind, input: task.input } satisfies ToThread);
    }
  }

  /** Answers the caller at once; the thread gets a cancel message and, after the grace period, is terminated. */
  private cancel(task: Task): void {
    const reason = aborted(task.o.signal ?? never);
    const q = this.queue.indexOf(task);
    if (q >= 0) {
      this.queue.splice(q, 1);
      task.reject(reason);
      return;
    }
    const slot = this.slots.find((s) => s.task === task);
    task.reject(reason);
    if (!slot?.worker) return;
    const w = slot.worker;
    w.postMessage({ type: 'cancel', id: task.id } satisfies ToThread);
    setTimeout(() => {
      if (slot.task === task && slot.worker === w) {
        // still busy in synchronous work: stop the thread (a new one is started for the next task)
        slot.worker = null;
        slot.task = null;
        void w.terminate();
        this.dispatch();
      }
    }, this.cancelGraceMs).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new Error('compute: closed'));
    await Promise.all(
      this.slots.map(async (slot) => {
        const w = slot.worker;
        slot.worker = null;
        slot.task?.reject(new Error('compute: closed'));
        slot.task = null;
        if (!w) return;
        const exited = new Promise((r) => w.once('exit', r));
        w.postMessage({ type: 'close' } satisfies ToThread);
        const t = setTimeout(() => void w.terminate(), 2000);
        await exited;
        clearTimeout(t);
      }),
    );
  }
}

/**
 * SIGMAP_COMPUTE_THREADS: '0' or 'off' runs the tasks inline; unset or 'on': threads (as many as the queue's activity
 * slots); a number: at most that many threads per queue.
 */
function computeThreads(env: NodeJS.ProcessEnv = process.env): number | 'inline' | 'default' {
  const raw = env.SIGMAP_COMPUTE_THREADS?.trim();
  if (!raw || raw === 'on') return 'default';
  if (raw === '0' || raw === 'off') return 'inline';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new InputError('SIGMAP_COMPUTE_THREADS', `expected 0, off, on or an integer >= 1, got '${raw}'`);
  return n;
}

/**
 * SIGMAP_COMPUTE_NICE: the compute threads' nice value, 0-19 (default 10), so that the event loop of the process that
 * runs them (a worker, or `sigmap serve` with its embedded workers) keeps answering while they compute.
 */
export function computeNice(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SIGMAP_COMPUTE_NICE?.trim();
  if (!raw) return 10;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 19) throw new InputError('SIGMAP_COMPUTE_NICE', `expected an integer from 0 to 19, got '${raw}'`);
  return n;
}

/** The compute of one task queue with `slots` concurrent activities. */
export function createCompute(slots: number, families: FamilyRegistry, env: NodeJS.ProcessEnv = process.env): Compute {
  if (!Number.isInteger(slots) || slots < 1) throw new InputError('concurrency', `must be at least 1 activity slot per queue, got ${slots}`);
  const t = computeThreads(env);
  if (t === 'inline') return new InlineCompute(families);
  return new ThreadCompute(t === 'default' ? slots : Math.min(t, slots), 1000, computeNice(env));
}
