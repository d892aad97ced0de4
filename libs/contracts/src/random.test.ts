import { describe, expect, it } from 'vitest';
import { createRng, gamma, normal, poisson } from './random';

describe('seeded random numbers', () => {
  it('reproduces a stream from its seed and differs across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(sa);
  });

  it('has the moments of its distributions (n = 2e5, 5 sigma tolerances)', () => {
    const rng = createRng(7);
    const n = 200_000;
    const moments = (draw: () => number) => {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const x = draw();
        s += x;
        s2 += x * x;
      }
      const mean = s / n;
      return { mean, variance: s2 / n - mean * mean };
    };
    const u = moments(() => rng.uniform());
    expect(Math.abs(u.mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    const z = moments(() => normal(rng));
    expect(Math.abs(z.mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(z.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    for (const mean of [0.3, 4.5, 37, 1200]) {
      const p = moments(() => poisson(rng, mean));
      expect(Math.abs(p.mean - mean)).toBeLessThan(5 * Math.sqrt(mean / n));
      expect(Math.abs(p.variance / mean - 1)).toBeLessThan(0.03);
    }
    const g = moments(() => gamma(rng, 2.5, 2));
    expect(Math.abs(g.mean - 5)).toBeLessThan(5 * Math.sqrt(10 / n));
  });
});
