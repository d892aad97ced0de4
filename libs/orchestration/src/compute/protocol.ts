/** Messages between a compute thread and ThreadCompute, and errors across that boundary. */
import { ApplicationFailure } from '@temporalio/activity';
import { fromPlainError, toPlainError, type PlainError } from '@sigmap/contracts';

export type ToThread = { type: 'run'; id: number; kind: string; input: unknown } | { type: 'cancel'; id: number } | { type: 'close' };

export type FromThread =
  | { type: 'ready' }
  | { type: 'progress'; id: number; details: unknown }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'fail'; id: number; error: SerializedError };

/** PlainError (@sigmap/contracts), plus what an ApplicationFailure carries. */
interface SerializedError extends PlainError {
  failureType?: string | null;
  nonRetryable?: boolean;
}

export function serializeError(e: unknown): SerializedError {
  const out: SerializedError = toPlainError(e);
  if (e instanceof ApplicationFailure) Object.assign(out, { failureType: e.type ?? null, nonRetryable: e.nonRetryable });
  return out;
}

/** The error as the activity would have seen it in-process: InputError, ApplicationFailure (type, retryability), Error. */
export function deserializeError(s: SerializedError): Error {
  if (s.name !== 'ApplicationFailure') return fromPlainError(s);
  const e = ApplicationFailure.create({ message: s.message, type: s.failureType ?? undefined, nonRetryable: !!s.nonRetryable });
  if (s.stack) e.stack = s.stack;
  return e;
}
