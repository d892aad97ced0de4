import { createRng, normal } from '@sigmap/contracts';
import { describe, expect, it } from 'vitest';
import { ExactGp } from './exactGp';
import { fitHyperparameters, maximiseBoxed } from './hyperparameters';
import { cholesky } from './linalg';
import { createKernel } from './kernels';

/** A draw from a GP prior with known hyperparameters (seeded). */
function sample(seed: number, n: number, ls: number[], s2: number) {
  const rng = createRng(seed);
  const X = Float64Array.from({ length: 2 * n }, () => rng.uniform());
  const gp = new ExactGp(createKernel('matern52', 2, ls, s2), { logNoise: Math.log(1e-4) }).setData(X, new Float64Array(n));
  const { L } = cholesky(gp.covarianceMatrix(), n);
  const z = Array.from({ length: n }, () => normal(rng));
  const y = Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let k = 0; k <= i; k++) s += L[i * n + k] * z[k];
    return s;
  });
  return { X, y };
}

describe('hyperparameter fit (MAP, projected L-BFGS, multi-start)', () => {
  it('maximises a bounded quadratic to the clamped optimum', () => {
    const r = maximiseBoxed(
      (x) => ({ f: -((x[0] - 2) ** 2) - 3 * (x[1] + 1) ** 2, g: Float64Array.from([-2 * (x[0] - 2), -6 * (x[1] + 1)]) }),
      Float64Array.from([0, 0]),
      Float64Array.from([-5, -0.5]),
      Float64Array.from([5, 5]),
    );
    expect(r.x[0]).toBeCloseTo(2, 5);
    expect(r.x[1]).toBeCloseTo(-0.5, 8);
  });

  it('recovers the length scales of a GP draw (anisotropy and scale within a factor 2)', () => {
    const { X, y } = sample(21, 150, [0.15, 0.6], 1);
    const gp = new ExactGp(createKernel('matern52', 2, 0.3, 1)).setData(X, y);
    const before = gp.logMarginalLikelihood();
    const r = fitHyperparameters(gp, { restarts: 2, rng: createRng(1) });
    const ls = r.hyper.slice(1, 3).map(Math.exp);
    expect(ls[0]).toBeGreaterThan(0.075);
    expect(ls[0]).toBeLessThan(0.3);
    expect(ls[1]).toBeGreaterThan(0.3);
    expect(ls[1]).toBeLessThan(1.2);
    expect(r.logMarginalLikelihood).toBeGreaterThan(before);
  });

  it('is deterministic for a fixed seed, and a warm start from the optimum stays there', () => {
    const { X, y } = sample(5, 60, [0.3, 0.3], 2);
    const fit = () => fitHyperparameters(new ExactGp(createKernel('rbf', 2, 0.5, 1)).setData(X, y), { restarts: 2, rng: createRng(9) });
    const a = fit();
    const b = fit();
    expect(Array.from(a.hyper)).toEqual(Array.from(b.hyper));
    const gp = new ExactGp(createKernel('rbf', 2, 0.5, 1)).setData(X, y);
    gp.setHyper(a.hyper);
    const warm = fitHyperparameters(gp, { maxIterations: 5 });
    expect(warm.objective).toBeGreaterThanOrEqual(a.objective - 1e-6);
    expect(warm.evaluations).toBeLessThan(15);
  });

  it('subset-of-data fit applies the hyperparameters to the full model', () => {
    const { X, y } = sample(6, 120, [0.2, 0.4], 1);
    const gp = new ExactGp(createKernel('matern52', 2, 0.3, 1)).setData(X, y);
    const r = fitHyperparameters(gp, { maxPoints: 60 });
    expect(gp.n).toBe(120);
    expect(Array.from(gp.getHyper())).toEqual(Array.from(r.hyper));
  });
});
