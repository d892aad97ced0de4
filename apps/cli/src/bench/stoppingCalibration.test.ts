import { createRng } from '@sigmap/contracts';
import { describe, expect, it } from 'vitest';
import { calibratedPassRate, countLawOf, pooledCountCheck, type StopOutcome } from './stoppingCalibration';

const law = (...p: number[]) => Float64Array.from(p);

describe('what a perfectly calibrated stopping estimate would give (bench al)', () => {
  it('countLawOf is the histogram of the draws and refuses an empty or negative draw', () => {
    expect(Array.from(countLawOf(Int32Array.from([0, 2, 2, 3])))).toEqual([0.25, 0, 0.5, 0.25]);
    expect(() => countLawOf(new Int32Array(0))).toThrow(/draws/);
    expect(() => countLawOf(Int32Array.from([1, -1]))).toThrow(/draws.*draw 1/);
  });

  it('pooledCountCheck sums the counts and takes both tails of the convolved law at the observed sum', () => {
    const stops: StopOutcome[] = [
      { estimate: 0.5 / 100, trueCount: 1, poolSize: 100, countLaw: law(0.5, 0.5) },
      { estimate: 0.75 / 50, trueCount: 0, poolSize: 50, countLaw: law(0.25, 0.75) },
      { estimate: null, trueCount: 7, poolSize: 10, countLaw: null },
    ];
    // summed law: [0.125, 0.5, 0.375]; observed 1
    const c = pooledCountCheck(stops);
    expect(c.scans).toBe(2);
    expect(c.estimatedCount).toBeCloseTo(1.25, 12);
    expect(c.trueCount).toBe(1);
    expect(c.pLower).toBeCloseTo(0.625, 12);
    expect(c.pUpper).toBeCloseTo(0.875, 12);
    // an observed sum beyond the law's support: certainly under-stated
    const far = pooledCountCheck([{ estimate: 0.01, trueCount: 5, poolSize: 100, countLaw: law(0.5, 0.5) }]);
    expect(far.pLower).toBeCloseTo(1, 12);
    expect(far.pUpper).toBe(0);
  });

  it('calibratedPassRate scores draws as the bench does: exact counts pass, a count of 0 is +inf, ratios outside 1.5x fail', () => {
    const exact: StopOutcome[] = [2, 3, 1, 4, 2].map((k) => ({
      estimate: k / 100,
      trueCount: k,
      poolSize: 100,
      countLaw: law(...Array.from({ length: k + 1 }, (_, j) => (j === k ? 1 : 0))),
    }));
    expect(calibratedPassRate(exact, 1.5, 200, createRng(1))).toBe(1);
    const zero: StopOutcome = { estimate: 0.02, trueCount: 0, poolSize: 100, countLaw: law(1) };
    expect(calibratedPassRate([zero, zero, zero], 1.5, 200, createRng(1))).toBe(0);
    // one scan with estimate 2 points and K = 1 or 2 with probability 1/2: ratio 2 (fails) or 1 (passes)
    const half: StopOutcome = { estimate: 0.02, trueCount: 1, poolSize: 100, countLaw: law(0, 0.5, 0.5) };
    expect(calibratedPassRate([half], 1.5, 5000, createRng(3))).toBeCloseTo(0.5, 1);
    expect(() => calibratedPassRate([half], 1, 10, createRng(1))).toThrow(/band/);
    expect(() => calibratedPassRate([half], 1.5, 0, createRng(1))).toThrow(/draws/);
  });
});
