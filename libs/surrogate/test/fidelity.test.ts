import { describe, expect, it } from 'vitest';
import { decideFidelity } from '../src/fidelity';
import { clsFromYields } from '../src/limits';

describe('multi-fidelity policy', () => {
  // A monotone toy CLs(yields) = exp(-sum y / 3): CLs = 0.05 at sum y = 8.99.
  const cls = (y: number[]) => Math.exp(-y.reduce((a, b) => a + b, 0) / 3);

  it('keeps the surrogate far from the boundary and sends boundary points to full', () => {
    expect(decideFidelity([20, 10], [1, 1], cls).fidelity).toBe('surrogate');
    expect(decideFidelity([1, 1], [0.2, 0.2], cls).fidelity).toBe('surrogate');
    const near = decideFidelity([5, 4.5], [0.5, 0.5], cls);
    expect(near.fidelity).toBe('full');
    expect(near.reason).toMatch(/flips/);
    // A wider epistemic band sends a point to full that a narrow one keeps.
    expect(decideFidelity([6, 5], [0.1, 0.1], cls).fidelity).toBe('surrogate');
    expect(decideFidelity([6, 5], [1.5, 1.5], cls).fidelity).toBe('full');
    // Inside the CLs band with zero epistemic spread: still full.
    expect(decideFidelity([4.5, 4.49], [0, 0], cls).fidelity).toBe('full');
  });

  it('CLs from the search workspace falls with the signal and rises with the epistemic uncertainty', () => {
    const base = { search: 'own-dilepton-resonance-13tev', family: 'x0-e-e', point: { mass: 3500 } };
    const nb = 14;
    const y = (s: number) => Array.from({ length: nb }, (_, i) => (i === 12 ? s : 0));
    const err = Array.from({ length: nb }, (_, i) => (i === 12 ? 0.3 : 0));
    const small = clsFromYields({ ...base, yields: y(2), yieldErrors: err }).clsObs;
    const big = clsFromYields({ ...base, yields: y(30), yieldErrors: err }).clsObs;
    expect(big).toBeLessThan(small);
    expect(big).toBeLessThan(0.05);
    const withEpi = clsFromYields({ ...base, yields: y(30), yieldErrors: err, epistemic: y(10) }).clsObs;
    expect(withEpi).toBeGreaterThan(big);
    expect(clsFromYields({ ...base, yields: y(0), yieldErrors: err }).clsObs).toBe(1);
  });
});
