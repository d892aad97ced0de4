import { createRng } from '@sigmap/contracts';
import { describe, expect, it } from 'vitest';
import { misclassOne, normalCdf } from './acquisition';
import { ExactGp } from './exactGp';
import { createKernel } from './kernels';
import { checkStopping, expectedMisclassifiedFraction, poissonBinomialPmf, sampleMisclassifiedCounts } from './stopping';

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

describe('the law of the misclassified count behind the estimate', () => {
  const rng = createRng(23);
  const X = Array.from({ length: 30 }, () => rng.uniform());
  const y = Array.from({ length: 15 }, (_, i) => X[2 * i] + X[2 * i + 1] - 1);
  const gp = new ExactGp(createKernel('matern52', 2, 0.3, 1), { logNoise: Math.log(1e-6) }).setData(X, y);
  const R = Float64Array.from({ length: 800 }, () => rng.uniform());
  const objectives = [{ model: gp, threshold: 0 }];

  it('perPoint probabilities sum to the estimate, and known points count 0 or 1', () => {
    const mean = gp.predictMean(R);
    const known = new Map<number, boolean[]>([[0, [!(mean[0] < 0)]]]);
    const est = expectedMisclassifiedFraction(objectives, R, 0, { known, perPoint: true });
    const p = est.probabilities!;
    expect(p.length).toBe(400);
    expect(p[0]).toBe(1);
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(est.fraction * 400, 10);
    expect(expectedMisclassifiedFraction(objectives, R, 0).probabilities).toBeUndefined();
  });

  it('poissonBinomialPmf equals the binomial law for equal probabilities and brute-force enumeration otherwise', () => {
    const binom = poissonBinomialPmf(new Array(10).fill(0.3));
    let c = 1;
    for (let k = 0; k <= 10; k++) {
      expect(binom[k]).toBeCloseTo(c * 0.3 ** k * 0.7 ** (10 - k), 14);
      c = (c * (10 - k)) / (k + 1);
    }
    const p = [0.05, 0.5, 0.9, 0.2, 0.33, 0.71, 0.01, 0.6];
    const brute = new Float64Array(9);
    for (let mask = 0; mask < 256; mask++) {
      let pr = 1;
      let k = 0;
      p.forEach((q, j) => {
        const on = (mask >> j) & 1;
        pr *= on ? q : 1 - q;
        k += on;
      });
      brute[k] += pr;
    }
    const law = poissonBinomialPmf(p, 0);
    brute.forEach((v, k) => expect(law[k]).toBeCloseTo(v, 14));
    // p = 1 shifts the law, p = 0 leaves it
    const shifted = poissonBinomialPmf([1, 0, 0.5, 1]);
    expect(Array.from(shifted)).toEqual([0, 0, 0.5, 0.5]);
    expect(() => poissonBinomialPmf([0.2, 1.5])).toThrow(/probabilities.*entry 1/);
  });

  it('count draws average to the estimate; drawn independently they follow the Poisson-binomial law; jointly they spread wider', () => {
    const est = expectedMisclassifiedFraction(objectives, R, 0, { perPoint: true });
    const expected = est.fraction * 400;
    const joint = sampleMisclassifiedCounts(objectives, R, 4000, createRng(5), { jointAbove: 0, minProbability: 0 });
    const independent = sampleMisclassifiedCounts(objectives, R, 4000, createRng(6), { jointAbove: 1, minProbability: 0 });
    const moments = (a: Int32Array) => {
      const m = a.reduce((s, v) => s + v, 0) / a.length;
      return { m, v: a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1) };
    };
    const j = moments(joint);
    const i = moments(independent);
    expect(expected).toBeGreaterThan(3);
    // the mean of 4000 draws: within 4 standard errors of the estimate's count
    expect(Math.abs(j.m - expected)).toBeLessThan(4 * Math.sqrt(j.v / 4000));
    expect(Math.abs(i.m - expected)).toBeLessThan(4 * Math.sqrt(i.v / 4000));
    // independent draws: every count's frequency within 4 binomial standard errors of poissonBinomialPmf
    const law = poissonBinomialPmf(est.probabilities!);
    law.forEach((q, k) => {
      const f = independent.filter((v) => v === k).length / 4000;
      expect(Math.abs(f - q)).toBeLessThan(4 * Math.sqrt((q * (1 - q)) / 4000) + 1e-3);
    });
    // neighbouring labels move together under the joint posterior: the count's variance exceeds sum p(1 - p)
    const pbVariance = est.probabilities!.reduce((s, q) => s + q * (1 - q), 0);
    expect(j.v).toBeGreaterThan(1.3 * pbVariance);
    expect(() => sampleMisclassifiedCounts(objectives, R, 0, createRng(1))).toThrow(/draws/);
  });

  it('known points add their exact count to every draw', () => {
    const mean = gp.predictMean(R);
    const known = new Map<number, boolean[]>([
      [0, [!(mean[0] < 0)]],
      [1, [!(mean[1] < 0)]],
      [2, [mean[2] < 0]],
    ]);
    const draws = sampleMisclassifiedCounts(objectives, R.subarray(0, 6), 200, createRng(2), { known });
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...draws)).toBeLessThanOrEqual(2 + 3);
  });
});

describe('the estimate with a separate predictive (labels of one model, probabilities from another)', () => {
  const rng = createRng(31);
  const X = Array.from({ length: 40 }, () => rng.uniform());
  const y = Array.from({ length: 20 }, (_, i) => X[2 * i] + X[2 * i + 1] - 1 + 0.05 * Math.sin(9 * X[2 * i]));
  const labelModel = new ExactGp(createKernel('matern52', 2, 0.3, 1), { logNoise: Math.log(1e-2) }).setData(X, y);
  const predictive = new ExactGp(createKernel('matern52', 2, 0.3, 1), { logNoise: Math.log(1e-8) }).setData(X, y);
  const R = Float64Array.from({ length: 1200 }, () => rng.uniform());
  const objectives = [{ model: labelModel, threshold: 0 }];

  it("with the objective's own model is the default estimate, bit for bit", () => {
    const a = expectedMisclassifiedFraction(objectives, R, 1e-6, { observationNoise: true, varianceScale: [0.7] });
    const b = expectedMisclassifiedFraction(objectives, R, 1e-6, { observationNoise: true, varianceScale: [0.7], predictive: [labelModel] });
    expect(b).toEqual(a);
  });

  it("gives each point the predictive's mass on the other side of the threshold from the label model's label", () => {
    const c = 0.6;
    const est = expectedMisclassifiedFraction(objectives, R, 0, { observationNoise: true, varianceScale: [c], predictive: [predictive], perPoint: true });
    const label = labelModel.predictMean(R);
    const post = predictive.posterior(R);
    let across = 0;
    for (let r = 0; r < 600; r++) {
      const s = Math.sqrt(c * (post.variance[r] + 1e-8));
      // P(f >= 0) when the label says below, P(f < 0) when it says above
      const expected = label[r] < 0 ? 1 - normalCdf(-post.mean[r] / s) : normalCdf(-post.mean[r] / s);
      expect(est.probabilities![r]).toBeCloseTo(expected, 12);
      if (label[r] < 0 !== post.mean[r] < 0) {
        across++;
        expect(est.probabilities![r]).toBeGreaterThanOrEqual(0.5);
      }
    }
    // the two means disagree on some labels (the nugget smooths), so the branch above ran
    expect(across).toBeGreaterThan(0);
    // known points still count by the label model
    const known = new Map<number, boolean[]>([[0, [!(label[0] < 0)]]]);
    expect(expectedMisclassifiedFraction(objectives, R, 0, { known, predictive: [predictive], perPoint: true }).probabilities![0]).toBe(1);
  });

  it('count draws from the predictive average to its estimate, within 4 standard errors', () => {
    const opts = { observationNoise: true, predictive: [predictive] };
    const expected = expectedMisclassifiedFraction(objectives, R, 0, opts).fraction * 600;
    const draws = sampleMisclassifiedCounts(objectives, R, 4000, createRng(9), { ...opts, jointAbove: 0, minProbability: 0 });
    const m = draws.reduce((s, v) => s + v, 0) / draws.length;
    const v = draws.reduce((s, x) => s + (x - m) ** 2, 0) / (draws.length - 1);
    expect(expected).toBeGreaterThan(2);
    expect(Math.abs(m - expected)).toBeLessThan(4 * Math.sqrt(v / draws.length));
  });

  it('refuses a predictive of another dimension, naming the field', () => {
    const other = new ExactGp(createKernel('matern52', 1, 0.3, 1)).setData([0.1, 0.5], [0, 1]);
    expect(() => expectedMisclassifiedFraction(objectives, R, 0, { predictive: [other] })).toThrow(/predictive.*dimension 2/);
    expect(() => sampleMisclassifiedCounts(objectives, R, 10, createRng(1), { predictive: [other] })).toThrow(/predictive/);
  });
});
