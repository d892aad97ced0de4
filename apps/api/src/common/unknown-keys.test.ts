import { describe, expect, it } from 'vitest';
import { UnknownKeyLimiter } from './unknown-keys';

const ring = { groupOf: (k: string) => (k === 'smk_good' ? 'alpha' : null) };

describe('UnknownKeyLimiter', () => {
  it('counts only unknown keys, per address, and opens again when the window ends', () => {
    let t = 1_000_000;
    const l = new UnknownKeyLimiter(ring, 2, 60_000, () => t);
    expect([l.check('a', 'x'), l.check('a', 'y'), l.check('a', 'z')]).toEqual([null, null, 60]);
    // valid and absent keys are not counted nor refused here (the general rate limit is the throttler's)
    expect(l.check('a', 'smk_good')).toBeNull();
    expect(l.check('a', null)).toBeNull();
    // another address has its own count
    expect(l.check('b', 'x')).toBeNull();
    t += 30_500;
    expect(l.check('a', 'w')).toBe(30);
    t += 30_000;
    expect(l.check('a', 'v')).toBeNull();
  });
});
