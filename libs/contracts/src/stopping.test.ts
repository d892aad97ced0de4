import { describe, expect, it } from 'vitest';
import { advanceStopping, STOPPING_PATIENCE, stoppingMet, type StoppingProgress } from './stopping';

describe('stopping rule: patience over consecutive training sets', () => {
  const spec = { initialPoints: 10 };
  const run = (estimates: (number | null)[], digests = estimates.map((_, i) => `d${i}`)) => {
    let p: StoppingProgress | undefined;
    return estimates.map((e, i) => (p = advanceStopping(p, e, digests[i], 0.02)));
  };

  it(`stops after ${STOPPING_PATIENCE} consecutive estimates at or below the target, not at the first`, () => {
    const ps = run([0.05, 0.01, 0.02, 0.015]);
    expect(ps.map((p) => p.below)).toEqual([0, 1, 2, 3]);
    expect(ps.map((p) => stoppingMet(spec, p, 20))).toEqual([false, false, false, true]);
  });

  it('an estimate above the target or a null estimate (no GP, level not bracketed) resets the count', () => {
    expect(run([0.01, 0.01, 0.03, 0.01]).map((p) => p.below)).toEqual([1, 2, 0, 1]);
    expect(run([0.01, null, 0.01]).map((p) => p.below)).toEqual([1, 0, 1]);
  });

  it('a proposal on the same training set (batches in flight) counts once', () => {
    expect(run([0.01, 0.01, 0.01], ['a', 'a', 'b']).map((p) => p.below)).toEqual([1, 1, 2]);
  });

  it('never before the initial design is evaluated', () => {
    expect(stoppingMet(spec, { below: 5, digest: 'x' }, 9)).toBe(false);
    expect(stoppingMet(spec, undefined, 50)).toBe(false);
  });
});
