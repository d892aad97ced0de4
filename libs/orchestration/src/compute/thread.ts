/**
 * A compute thread (node:worker_threads, started by ThreadCompute in ./compute.ts): its own registry of families, runs
 * one task at a time from the parent's messages and answers with progress, the result or the error. A 'cancel'
 * message aborts the running task's signal (the task stops at its next check); the parent terminates the thread when
 * that does not come soon enough (synchronous numerics never look at the signal).
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { FamilyRegistry } from '@sigmap/families';
import { createTaskRunner, type ComputeKind } from './tasks';
import { serializeError, type ToThread } from './protocol';

const port = parentPort;
if (!port) throw new Error('compute/thread.ts runs as a worker thread (ThreadCompute)');
// Below the event loop of its process: on Linux the nice value is per thread (setpriority(2), "the nice value is a
// per-thread attribute" under NPTL) and os.setPriority(n) sets the calling thread's, so the API / worker event loop
// wins the CPU when both want it; processes this thread starts (Pythia) inherit it (computeNice, SIGMAP_COMPUTE_NICE).
const nice = (workerData as { nice?: number } | null)?.nice ?? 0;
if (nice > 0) {
  try {
    setPriority(nice);
  } catch {
    // not permitted here: the thread keeps its process's priority
  }
}
const families = new FamilyRegistry();
const runner = createTaskRunner(families);
const running = new Map<number, AbortController>();

port.on('message', (m: ToThread) => {
  if (m.type === 'cancel') {
    running.get(m.id)?.abort(new Error('cancelled'));
    return;
  }
  if (m.type === 'close') {
    void families.close().finally(() => process.exit(0));
    return;
  }
  const ctrl = new AbortController();
  running.set(m.id, ctrl);
  runner
    .run(m.kind as ComputeKind, m.input as never, { signal: ctrl.signal, progress: (details) => port.postMessage({ type: 'progress', id: m.id, details }) })
    .then(
      (result) => port.postMessage({ type: 'done', id: m.id, result }),
      (e) => port.postMessage({ type: 'fail', id: m.id, error: serializeError(e) }),
    )
    .finally(() => running.delete(m.id));
});
port.postMessage({ type: 'ready' });
