/** Messages between a compute thread and ThreadCompute, and errors across that boundary. */
import { ApplicationFailure } from '@temporalio/activity';
import { InputError } from '@sigmap/contracts';

export type ToThread = { type: 'run'; id: number; kind: string; input: unknown } | { type: 'cancel'; id: number } | { type: 'close' };

export type FromThread =
  | { type: 'ready' }
  | { type: 'progress'; id: number; details: unknown }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'fail'; id: number; error: SerializedError };

interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** InputError */
  field?: string;
  problem?: string;
  /** ApplicationFailure */
  failureType?: string | null;
  nonRetryable?: boolean;
}

export function serializeError(e: unknown): SerializedError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const out: SerializedError = { name: e.name, message: e.message, stack: e.stack };
  if (e instanceof InputError) Object.assign(out, { field: e.field, problem: e.problem });
  if (e instanceof ApplicationFailure) Object.assign(out, { failureType: e.type ?? null, nonRetryable: e.nonRetryable });
  return out;
}

/** The error as the activity would have seen it in-process: InputError, ApplicationFailure (type, retryability), Error. */
export function deserializeError(s: SerializedError): Error {
  let e: Error;
  if (s.name === 'InputError' && s.field !== undefined) e = new InputError(s.field, s.problem ?? '');
  else if (s.name === 'ApplicationFailure')
    e = ApplicationFailure.create({ message: s.message, type: s.failureType ?? undefined, nonRetryable: !!s.nonRetryable });
  else {
    e = new Error(s.message);
    e.name = s.name;
  }
  if (s.stack) e.stack = s.stack;
  return e;
}
