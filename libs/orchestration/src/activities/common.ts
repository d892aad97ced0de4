import { ApplicationFailure, Context } from '@temporalio/activity';
import { isInputError } from '@sigmap/contracts';
import type { FamilyRegistry } from '@sigmap/families';
import type { Store } from '@sigmap/store';
import type { Compute } from '../compute/compute';
import type { ComputeKind, ComputeTaskMap } from '../compute/tasks';

/** What every activity factory takes (one object in): the store, the families, where the CPU work runs, a log. */
export interface ActivityDeps {
  store: Store;
  /** This thread's families: spec checks and pools of quick store-side activities (the compute has its own). */
  families: FamilyRegistry;
  /** Where the CPU-heavy work runs (a compute thread pool, or inline). */
  compute: Compute;
  /** Optional log sink (the CLI keeps quiet; the worker logs). */
  log?: (line: string) => void;
}

/**
 * How often a long activity heartbeats while its task runs. With the workers' heartbeat throttle (worker.ts,
 * HEARTBEAT_THROTTLE) this is also how soon a cancellation (or a terminated workflow) reaches it.
 */
const HEARTBEAT_EVERY_MS = 1000;

/** Input errors become non-retryable ApplicationFailures of type InputError; anything else is rethrown as it is. */
export function nonRetryable(e: unknown): never {
  if (isInputError(e)) throw ApplicationFailure.nonRetryable(e.message, 'InputError');
  throw e;
}

/**
 * Runs one compute task for the current activity: heartbeats `details()` every HEARTBEAT_EVERY_MS while it runs
 * (the event loop is free: the work is in a thread), passes the task's progress to `onProgress`, and stops the task
 * when the activity is cancelled (the promise then rejects with the cancellation).
 */
export async function computeHeartbeating<K extends ComputeKind>(
  compute: Compute,
  kind: K,
  input: ComputeTaskMap[K]['input'],
  details: () => unknown,
  onProgress?: (d: unknown) => void,
): Promise<ComputeTaskMap[K]['result']> {
  const ctx = Context.current();
  ctx.heartbeat(details());
  const ticker = setInterval(() => ctx.heartbeat(details()), HEARTBEAT_EVERY_MS);
  try {
    return await compute.run(kind, input, {
      signal: ctx.cancellationSignal,
      onProgress: (d) => {
        onProgress?.(d);
        ctx.heartbeat(details());
      },
    });
  } catch (e) {
    return nonRetryable(e);
  } finally {
    clearInterval(ticker);
  }
}
