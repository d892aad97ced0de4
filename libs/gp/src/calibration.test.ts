import { createRng, normal } from '@sigmap/contracts';
import { describe, expect, it } from 'vitest';
import { leaveOneOut, levelVarianceScale, MIN_CALIBRATION_POINTS } from './calibration';
import { ExactGp } from './exactGp';
import { cholesky } from './linalg';
import { createKernel } from './kernels';
import { expectedMisclassifiedFraction } from './stopping';

const rng = createRng(23);
const n = 24;
const X = Array.from({ length: 2 * n }, () => rng.uniform());
const y = Array.from({ length: n }, (_, i) => Math.sin(4 * X[2 * i]) + X[2 * i + 1] - 0.5);
const noise = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1e-3 : 0));
const gpWith = (variance: number, nugget: number) =>
  new ExactGp(createKernel('matern52', 2, [0.4, 0.6], variance), { logNoise: Math.log(nugget), mean: 0.1 }).setData(X, y, noise);

describe('leave-one-out predictives (R&W eq. 5.12)', () => {
  it('equal refitting without the point, mean and variance of the recorded value, to 1e-9', () => {
    const gp = gpWith(1.3, 1e-4);
    const loo = leaveOneOut(gp);
    for (const i of [0, 5, 11, 23]) {
      const keep = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
      const without = new ExactGp(createKernel('matern52', 2, [0.4, 0.6], 1.3), { logNoise: Math.log(1e-4), mean: 0.1 }).setData(
        keep.flatMap((j) => [X[2 * j], X[2 * j + 1]]),
        keep.map((j) => y[j]),
        keep.map((j) => noise[j]),
      );
      const p = without.posterior(Float64Array.from([X[2 * i], X[2 * i + 1]]));
      expect(loo.mean[i]).toBeCloseTo(p.mean[0], 9);
      expect(loo.variance[i]).toBeCloseTo(p.variance[0] + 1e-4 + noise[i], 9);
    }
  });
});

describe('levelVarianceScale', () => {
  it('is the mean squared standardised LOO residual of the half of the points nearest the threshold', () => {
    const gp = gpWith(1.3, 1e-4);
    const t = 0.2;
    const loo = leaveOneOut(gp);
    const near = Array.from({ length: n }, (_, i) => i)
      .sort((a, b) => Math.abs(y[a] - t) - Math.abs(y[b] - t))
      .slice(0, n / 2);
    const expected = near.reduce((s, i) => s + (y[i] - loo.mean[i]) ** 2 / loo.variance[i], 0) / near.length;
    expect(levelVarianceScale(gp, t)).toBeCloseTo(expected, 12);
    // another threshold selects other points
    expect(levelVarianceScale(gp, -1)).not.toBeCloseTo(expected, 3);
  });

  it('undoes a prior amplitude set too wide or too narrow: scaling the kernel and the nugget by a scales the factor by 1/a', () => {
    // the LOO means do not depend on a common factor of K_y, the LOO variances scale with it
    const base = levelVarianceScale(gpWith(1, 1e-4), 0);
    for (const a of [0.25, 9]) {
      const scaledGp = new ExactGp(createKernel('matern52', 2, [0.4, 0.6], a), { logNoise: Math.log(a * 1e-4), mean: 0.1 }).setData(
        X,
        y,
        noise.map((v) => a * v),
      );
      expect(levelVarianceScale(scaledGp, 0) * a).toBeCloseTo(base, 8);
    }
  });

  it('is about 1 for data drawn from the model itself (400 draws of 40 points: mean within 3 standard errors)', () => {
    const draws = createRng(5);
    const m = 40;
    const pts = Float64Array.from({ length: m }, (_, i) => (i + 0.5) / m);
    const prior = new ExactGp(createKernel('matern52', 1, 0.2, 1), { logNoise: Math.log(1e-6) });
    const cov = prior.posterior(pts, { full: true }).covariance!;
    // Cholesky of the prior covariance (+ the nugget) to draw functions
    for (let i = 0; i < m; i++) cov[i * m + i] += 1e-6;
    const { L } = cholesky(cov, m);
    const scales: number[] = [];
    for (let r = 0; r < 400; r++) {
      const z = Array.from({ length: m }, () => normal(draws, 0, 1));
      const f = Array.from({ length: m }, (_, i) => z.slice(0, i + 1).reduce((s, v, k) => s + L[i * m + k] * v, 0));
      const gp = new ExactGp(createKernel('matern52', 1, 0.2, 1), { logNoise: Math.log(1e-6) }).setData(pts, f);
      scales.push(levelVarianceScale(gp, 0));
    }
    const mean = scales.reduce((s, v) => s + v, 0) / scales.length;
    const sd = Math.sqrt(scales.reduce((s, v) => s + (v - mean) ** 2, 0) / (scales.length - 1));
    expect(Math.abs(mean - 1)).toBeLessThan((3 * sd) / Math.sqrt(scales.length));
  });

  it(`is 1 with fewer than ${MIN_CALIBRATION_POINTS} points in the half`, () => {
    const gp = new ExactGp(createKernel('matern52', 2, 0.4, 1)).setData(X.slice(0, 8), y.slice(0, 4));
    expect(levelVarianceScale(gp, 0)).toBe(1);
  });
});

describe('the stopping estimate with a variance scale', () => {
  it('equals the estimate of a model whose kernel and nugget are scaled by the same factor', () => {
    const R = Float64Array.from({ length: 800 }, () => rng.uniform());
    const c = 0.3;
    const scaled = expectedMisclassifiedFraction([{ model: gpWith(1, 1e-4), threshold: 0 }], R, 0, { observationNoise: true, varianceScale: [c] });
    // K_y scaled by c: same posterior mean, posterior (and nugget) variance times c; the per-point noise scaled too
    const ref = new ExactGp(createKernel('matern52', 2, [0.4, 0.6], c), { logNoise: Math.log(c * 1e-4), mean: 0.1 }).setData(
      X,
      y,
      noise.map((v) => c * v),
    );
    const direct = expectedMisclassifiedFraction([{ model: ref, threshold: 0 }], R, 0, { observationNoise: true });
    expect(scaled.fraction).toBeCloseTo(direct.fraction, 10);
    expect(scaled.fraction).toBeLessThan(expectedMisclassifiedFraction([{ model: gpWith(1, 1e-4), threshold: 0 }], R, 0, { observationNoise: true }).fraction);
  });

  it('refuses a factor that is not positive and finite, naming the field', () => {
    const R = Float64Array.from({ length: 20 }, () => rng.uniform());
    for (const bad of [0, -1, Number.NaN, Infinity])
      expect(() => expectedMisclassifiedFraction([{ model: gpWith(1, 1e-4), threshold: 0 }], R, 0, { varianceScale: [bad] })).toThrow(/varianceScale/);
  });
});
