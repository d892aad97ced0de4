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

describe('the stopping estimate as the scan reads it', () => {
  const rng = createRng(11);
  const X = Array.from({ length: 40 }, () => rng.uniform());
  const y = Array.from({ length: 20 }, (_, i) => X[2 * i] + X[2 * i + 1] - 1);
  const R = Float64Array.from({ length: 600 }, () => rng.uniform());

  it('known reference points count exactly: 1 where the posterior-mean label is wrong, 0 where right', () => {
    const gp = new ExactGp(createKernel('rbf', 2, 0.3, 1), { logNoise: Math.log(1e-6) }).setData(X, y);
    const mean = gp.predictMean(R);
    const base = expectedMisclassifiedFraction([{ model: gp, threshold: 0 }], R, 0);
    // claim the opposite label at reference 0 and the right one at reference 1
    const known = new Map<number, boolean[]>([
      [0, [!(mean[0] < 0)]],
      [1, [mean[1] < 0]],
    ]);
    const est = expectedMisclassifiedFraction([{ model: gp, threshold: 0 }], R, 0, { known });
    const post = gp.posterior(R.subarray(0, 4));
    const p0 = misclassOne(post.mean[0], post.variance[0], 0);
    const p1 = misclassOne(post.mean[1], post.variance[1], 0);
    expect(est.fraction * 300).toBeCloseTo(base.fraction * 300 - p0 - p1 + 1, 9);
  });

  it('observationNoise adds the nugget to the predictive variance (R&W eq. 2.24 for a noisy target)', () => {
    const gp = new ExactGp(createKernel('rbf', 2, 0.3, 1), { logNoise: Math.log(0.01) }).setData(X, y);
    const latent = expectedMisclassifiedFraction([{ model: gp, threshold: 0 }], R, 0);
    const noisy = expectedMisclassifiedFraction([{ model: gp, threshold: 0 }], R, 0, { observationNoise: true });
    const post = gp.posterior(R);
    let bf = 0;
    for (let i = 0; i < 300; i++) bf += misclassOne(post.mean[i], post.variance[i] + 0.01, 0);
    expect(noisy.fraction).toBeCloseTo(bf / 300, 12);
    expect(noisy.fraction).toBeGreaterThan(latent.fraction);
  });
});
