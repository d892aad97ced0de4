import { createRng } from '@sigmap/contracts';
import { describe, expect, it } from 'vitest';
import { misclassOne } from './acquisition';
import { ExactGp } from './exactGp';
import { createKernel } from './kernels';
import { checkStopping, expectedMisclassifiedFraction } from './stopping';

describe('expected misclassified volume fraction', () => {
  const rng = createRng(8);
  const X = Array.from({ length: 40 }, () => rng.uniform());
  const y = Array.from({ length: 20 }, (_, i) => X[2 * i] + X[2 * i + 1] - 1);
  const gp = new ExactGp(createKernel('rbf', 2, 0.3, 1), { logNoise: Math.log(1e-6) }).setData(X, y);
  const R = Float64Array.from({ length: 1000 }, () => rng.uniform());

  it('equals the brute-force mean of Phi(-|mu - t|/sigma) within the reported pruning bound', () => {
    const est = expectedMisclassifiedFraction([{ model: gp, threshold: 0 }], R, 1e-6);
    const post = gp.posterior(R);
    let bf = 0;
    for (let i = 0; i < 500; i++) bf += misclassOne(post.mean[i], post.variance[i], 0);
    bf /= 500;
    expect(est.fraction).toBeLessThanOrEqual(bf + 1e-12);
    expect(bf).toBeLessThanOrEqual(est.fraction + est.prunedBound + 1e-12);
    expect(est.prunedBound).toBeLessThan(1e-6);
    expect(est.fraction).toBeGreaterThan(0);
  });

  it('stopping rule reports its estimate and the reason', () => {
    const est = expectedMisclassifiedFraction([{ model: gp, threshold: 0 }], R);
    const go = checkStopping({ targetFraction: est.fraction / 2, budget: 100 }, est, 20);
    expect(go).toMatchObject({ stop: false, reason: 'continue' });
    expect(go.estimate).toBeCloseTo(est.fraction + est.prunedBound, 14);
    expect(checkStopping({ targetFraction: est.fraction * 2 + 1e-9 }, est, 20)).toMatchObject({ stop: true, reason: 'accuracy' });
    expect(checkStopping({ targetFraction: 0, budget: 20 }, est, 20)).toMatchObject({ stop: true, reason: 'budget' });
  });
});
