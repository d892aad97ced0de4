import { createRng, normal } from '@sigmap/contracts';
import { describe, expect, it } from 'vitest';
import { INTERPOLATING_NUGGET, leaveOneOut, levelCalibration, levelVarianceScale, MIN_CALIBRATION_POINTS, nearLevelLoo } from './calibration';
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

/** The fixture's GP, its leave-one-out predictives and the half of its points nearest the threshold t. */
function nearHalfAt(t: number) {
  const gp = gpWith(1.3, 1e-4);
  const near = Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => Math.abs(y[a] - t) - Math.abs(y[b] - t))
    .slice(0, n / 2);
  return { gp, t, loo: leaveOneOut(gp), near };
}

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
    const { gp, t, loo, near } = nearHalfAt(0.2);
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

describe('nearLevelLoo and levelCalibration (the nugget chosen by the near-level leave-one-out log score)', () => {
  it('scores the nearest half by their Gaussian LOO log density at the maximising variance factor', () => {
    const { gp, t, loo, near } = nearHalfAt(0.2);
    const c = levelVarianceScale(gp, t);
    const logDensity = near.reduce((s, i) => s - 0.5 * (Math.log(2 * Math.PI * c * loo.variance[i]) + (y[i] - loo.mean[i]) ** 2 / (c * loo.variance[i])), 0);
    const r = nearLevelLoo(gp, t);
    expect(r.scale).toBe(c);
    expect(r.count).toBe(n / 2);
    expect(r.logScore).toBeCloseTo(logDensity, 10);
    // the factor maximises it: the density at c times 0.9 or 1.1 is lower
    for (const k of [0.9, 1.1]) {
      const other = near.reduce(
        (s, i) => s - 0.5 * (Math.log(2 * Math.PI * k * c * loo.variance[i]) + (y[i] - loo.mean[i]) ** 2 / (k * c * loo.variance[i])),
        0,
      );
      expect(other).toBeLessThan(r.logScore);
    }
  });

  const draw = (seed: number, noiseSd: number) => {
    const g = createRng(seed);
    const m = 30;
    const Xd = Array.from({ length: 2 * m }, () => g.uniform());
    const yd = Array.from({ length: m }, (_, i) => Math.sin(4 * Xd[2 * i]) + Xd[2 * i + 1] - 0.5 + (noiseSd > 0 ? normal(g, 0, noiseSd) : 0));
    return new ExactGp(createKernel('matern52', 2, [0.4, 0.6], 1), { logNoise: Math.log(1e-2), mean: 0.05 }).setData(Xd, yd);
  };

  it('drops a nugget that noise-free data do not need (20 of 20 draws) and keeps it where the values scatter (at least 18 of 20)', () => {
    let interpolating = 0;
    let fitted = 0;
    for (let s = 0; s < 20; s++) {
      if (levelCalibration(draw(100 + s, 0), 0).nugget === 'interpolating') interpolating++;
      if (levelCalibration(draw(100 + s, 0.1), 0).nugget === 'fitted') fitted++;
    }
    expect(interpolating).toBe(20);
    expect(fitted).toBeGreaterThanOrEqual(18);
  });

  it('the interpolating model is the same kernel, mean and data with the nugget at the jitter, and its own variance factor', () => {
    const gp = draw(100, 0);
    const c = levelCalibration(gp, 0);
    expect(c.nugget).toBe('interpolating');
    expect(c.model).not.toBe(gp);
    expect(Math.exp(c.model.logNoise)).toBeCloseTo(INTERPOLATING_NUGGET * gp.kernel.diagValue(), 20);
    expect(c.model.kernel.spec()).toEqual(gp.kernel.spec());
    expect(c.model.constMean).toBe(gp.constMean);
    expect(Array.from(c.model.y)).toEqual(Array.from(gp.y));
    expect(c.varianceScale).toBe(nearLevelLoo(c.model, 0).scale);
    expect(c.varianceScale).not.toBeCloseTo(levelVarianceScale(gp, 0), 3);
    // the same predictive mean up to the smoothing the nugget did: close at the training points, exact with the jitter
    const at = Float64Array.from(gp.X.subarray(0, 10));
    const interpolated = c.model.predictMean(at);
    for (let i = 0; i < 5; i++) expect(interpolated[i]).toBeCloseTo(gp.y[i], 5);
  });

  it(`keeps the fitted model when its nugget is already a jitter or fewer than ${MIN_CALIBRATION_POINTS} points are near the level`, () => {
    const jittered = new ExactGp(createKernel('matern52', 2, [0.4, 0.6], 1), { logNoise: Math.log(1e-9) }).setData(X, y, noise);
    expect(levelCalibration(jittered, 0)).toMatchObject({ model: jittered, nugget: 'fitted', varianceScale: levelVarianceScale(jittered, 0) });
    const few = new ExactGp(createKernel('matern52', 2, 0.4, 1), { logNoise: Math.log(1e-2) }).setData(X.slice(0, 8), y.slice(0, 4));
    expect(levelCalibration(few, 0)).toMatchObject({ model: few, nugget: 'fitted', varianceScale: 1 });
  });
});
