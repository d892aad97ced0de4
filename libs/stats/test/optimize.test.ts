/** The bounded quasi-Newton minimiser on textbook problems (Rosenbrock; a bound-active quadratic). */
import { describe, expect, it } from 'vitest';
import { minimizeBounded } from '../src/index';

describe('minimizeBounded', () => {
  it('finds the Rosenbrock minimum (1, 1) from (-1.2, 1) to 1e-8', () => {
    const r = minimizeBounded(
      (x, g) => {
        const a = 1 - x[0];
        const b = x[1] - x[0] * x[0];
        g[0] = -2 * a - 400 * x[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
      },
      [-1.2, 1],
      [-5, -5],
      [5, 5],
    );
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 8);
    expect(r.x[1]).toBeCloseTo(1, 8);
  });
  it('stops on an active bound with the right multiplier sign', () => {
    // min (x-3)^2 + (y+2)^2 on [0,1] x [-1,1] -> (1, -1)
    const r = minimizeBounded(
      (x, g) => {
        g[0] = 2 * (x[0] - 3);
        g[1] = 2 * (x[1] + 2);
        return (x[0] - 3) ** 2 + (x[1] + 2) ** 2;
      },
      [0.5, 0],
      [0, -1],
      [1, 1],
    );
    expect(r.converged).toBe(true);
    expect(Array.from(r.x)).toEqual([1, -1]);
  });
  it('reports a non-finite start instead of returning NaN silently', () => {
    const r = minimizeBounded(() => NaN, [0], [-1], [1]);
    expect(r.converged).toBe(false);
    expect(r.message).toMatch(/not finite/);
  });
});
