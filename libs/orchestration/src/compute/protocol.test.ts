import { ApplicationFailure } from '@temporalio/activity';
import { describe, expect, it } from 'vitest';
import { InputError } from '@sigmap/contracts';
import { deserializeError, serializeError } from './protocol';

/** What the other side of a worker_threads boundary gets back. */
const across = (e: unknown) => deserializeError(structuredClone(serializeError(e)));

describe('errors across the compute thread boundary', () => {
  it('keeps an InputError with its field and problem', () => {
    const e = across(new InputError('point.mass', 'above the family bound'));
    expect(e).toBeInstanceOf(InputError);
    expect(e).toMatchObject({ field: 'point.mass', problem: 'above the family bound', message: 'point.mass: above the family bound' });
  });

  it('keeps an ApplicationFailure with its type and retryability', () => {
    const e = across(ApplicationFailure.create({ message: 'bad spec', type: 'ScanSpecError', nonRetryable: true }));
    expect(e).toBeInstanceOf(ApplicationFailure);
    expect(e).toMatchObject({ message: 'bad spec', type: 'ScanSpecError', nonRetryable: true });
  });

  it('keeps name, message and stack of other errors, and turns a thrown non-error into an Error', () => {
    const t = new TypeError('x is undefined');
    const e = across(t);
    expect(e).toMatchObject({ name: 'TypeError', message: 'x is undefined', stack: t.stack });
    expect(across('plain string')).toMatchObject({ name: 'Error', message: 'plain string' });
  });
});
