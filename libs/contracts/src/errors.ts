/**
 * Bad input from a user or a file: always names the offending field and the problem.
 * The CLI prints `error: <field>: <problem>` on one line and exits with code 2; the API answers 400.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof Error && e.name === 'InputError' && typeof (e as InputError).field === 'string';
}

/** An error as structured clone can carry it between threads (node:worker_threads): InputError keeps field and problem. */
export interface PlainError {
  name: string;
  message: string;
  stack?: string;
  field?: string;
  problem?: string;
}

export function toPlainError(e: unknown): PlainError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const out: PlainError = { name: e.name, message: e.message, stack: e.stack };
  if (isInputError(e)) Object.assign(out, { field: e.field, problem: e.problem });
  return out;
}

/** The error as the other thread threw it: an InputError again, else an Error with the same name and message. */
export function fromPlainError(s: PlainError): Error {
  let e: Error;
  if (s.name === 'InputError' && s.field !== undefined) e = new InputError(s.field, s.problem ?? '');
  else {
    e = new Error(s.message);
    e.name = s.name;
  }
  if (s.stack) e.stack = s.stack;
  return e;
}
