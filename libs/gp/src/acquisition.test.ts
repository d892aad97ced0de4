import { createRng, normal } from '@sigmap/contracts';
import { describe, expect, it } from 'vitest';
import {
  acquisition,
  boundaryEntropy,
  expectedMisclassAfter,
  gaussHermiteNormal,
  lookaheadReduction,
  misclassificationProbability,
  normalCdf,
  straddle,
} from './acquisition';

// Fake posteriors: the acquisition functions see only mean and variance.
const fake = { mean: [0.05, 1, -1, 0.3], variance: [0.04, 0.25, 1, 0] };

describe('level-set acquisition on fake posteriors', () => {
  it('normal CDF to 1.5e-7 at tabulated values', () => {
    expect(Math.abs(normalCdf(0) - 0.5)).toBeLessThan(1.5e-7);
    expect(Math.abs(normalCdf(1.959963984540054) - 0.975)).toBeLessThan(1.5e-7);
    expect(Math.abs(normalCdf(-1) - 0.15865525393145707)).toBeLessThan(1.5e-7);
    expect(Math.abs(normalCdf(-3) - 0.0013498980316301)).toBeLessThan(1e-8);
  });

  it('straddle = 1.96 sigma - |mu - t|', () => {
    const a = straddle(fake, 0.05);
    expect(a[0]).toBeCloseTo(1.96 * 0.2, 14);
    expect(a[1]).toBeCloseTo(1.96 * 0.5 - 0.95, 14);
    expect(a[2]).toBeCloseTo(1.96 - 1.05, 14);
    expect(a[3]).toBeCloseTo(-0.25, 14);
  });

  it('misclassification probability = Phi(-|mu - t|/sigma), 1/2 on the boundary, 0 when certain', () => {
    const p = misclassificationProbability(fake, 0.05);
    expect(p[0]).toBeCloseTo(0.5, 7);
    expect(p[1]).toBeCloseTo(normalCdf(-0.95 / 0.5), 12);
    expect(p[2]).toBeCloseTo(normalCdf(-1.05), 12);
    expect(p[3]).toBe(0);
  });

  it('boundary entropy is maximal (ln 2) on the boundary and symmetric', () => {
    const h = boundaryEntropy({ mean: [0, 0.5, -0.5], variance: [1, 1, 1] }, 0);
    expect(h[0]).toBeCloseTo(Math.LN2, 6);
    expect(h[1]).toBeCloseTo(h[2], 12);
    expect(h[1]).toBeLessThan(h[0]);
    expect(Array.from(acquisition('entropy', fake, 0.05))).toEqual(Array.from(boundaryEntropy(fake, 0.05)));
  });

  it('Gauss-Hermite nodes integrate N(0,1) moments exactly', () => {
    const { nodes, weights } = gaussHermiteNormal(20);
    const mom = (k: number) => nodes.reduce((s, x, i) => s + weights[i] * x ** k, 0);
    expect(mom(0)).toBeCloseTo(1, 12);
    expect(mom(2)).toBeCloseTo(1, 11);
    expect(mom(4)).toBeCloseTo(3, 10);
    expect(mom(6)).toBeCloseTo(15, 9);
    expect(Math.abs(mom(3))).toBeLessThan(1e-10);
  });

  it('expected misclassification after an observation matches Monte Carlo', () => {
    const rng = createRng(7);
    const [m, v, c, vx, tau2, t] = [0.3, 0.5, 0.4, 0.6, 0.01, 0];
    const s2 = (c * c) / (vx + tau2);
    let mc = 0;
    const N = 200000;
    for (let i = 0; i < N; i++) {
      const mn = m + Math.sqrt(s2) * normal(rng);
      mc += normalCdf(-Math.abs(mn - t) / Math.sqrt(v - s2));
    }
    mc /= N;
    const q = expectedMisclassAfter(m, v, c, vx, tau2, t);
    expect(Math.abs(q - mc)).toBeLessThan(2e-3);
    // an observation can only lower the expected misclassification (here strictly)
    expect(q).toBeLessThan(normalCdf(-Math.abs(m - t) / Math.sqrt(v)));
  });

  it('look-ahead reduction: zero for uncorrelated references, larger for the more informative candidate', () => {
    const ref = { mean: [0.1, -0.2, 2], variance: [0.3, 0.3, 0.01] };
    expect(lookaheadReduction(ref, [0, 0, 0], 0.5, 1e-6, 0)).toBe(0);
    const near = lookaheadReduction(ref, [0.28, 0.25, 0], 0.3, 1e-6, 0);
    const far = lookaheadReduction(ref, [0.05, 0.05, 0], 0.3, 1e-6, 0);
    expect(near).toBeGreaterThan(far);
    expect(far).toBeGreaterThan(0);
  });
});
