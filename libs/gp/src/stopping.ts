import { InputError, normal, type Rng } from '@sigmap/contracts';
import { misclassOne } from './acquisition';
import { LazyCandidatePosterior, type LevelSetObjective } from './batch';
import type { ExactGp } from './exactGp';
import { cholesky } from './linalg';

export interface MisclassificationEstimate {
  /** Expected fraction of the reference set whose excluded/allowed label is wrong (any objective). */
  fraction: number;
  /** A bound on the part left out by pruning (points whose misclassification probability bound was < tol). */
  prunedBound: number;
  /** Per objective, expected misclassified fraction. */
  perObjective: number[];
  referenceSize: number;
  /**
   * With `perPoint`: per reference point, the probability that its label is wrong (any objective; 0 or 1 for a known
   * point, 0 for a pruned one). Their sum over the reference set is fraction * referenceSize.
   */
  probabilities?: Float64Array;
}

export interface MisclassificationOptions {
  /**
   * Reference points whose values have been observed (pool mode: the evaluated candidates), by reference index: the
   * observed label per objective (true = below the threshold). Their contribution is exact, 1 where the posterior-mean
   * label is wrong and 0 where it is right, instead of a probability: the value there is known.
   */
  known?: Map<number, boolean[]>;
  /**
   * Predict the value a point would record, f(x) + eps with the model's learned nugget, instead of the latent f(x)
   * (Rasmussen & Williams 2006, eq. 2.24 with sigma_n^2 added for a noisy test target, sec. 2.2): the reference
   * labels are recorded values, and a nugget fitted to non-smooth data widens their predictive accordingly.
   */
  observationNoise?: boolean;
  /**
   * Per objective, a factor on the predictive variance (posterior variance plus any nugget) of the unobserved
   * reference points: the level-set calibration of calibration.ts levelVarianceScale. Default 1.
   */
  varianceScale?: number[];
  /** Also return the per-point probabilities (MisclassificationEstimate.probabilities). */
  perPoint?: boolean;
  /**
   * Per objective, the model whose posterior gives the probability that the objective's posterior-mean label is wrong
   * (default: the objective's own model; calibration.ts levelCalibration may pick the same kernel without the nugget).
   * The labels, known points included, are always the objective model's. Its nugget is the one `observationNoise`
   * adds, and `varianceScale` applies to its variance.
   */
  predictive?: (ExactGp | undefined)[];
}

/**
 * The probability that the label of a point whose posterior-mean is `labelMean` is wrong when its value is
 * N(mean, variance): the mass on the other side of the threshold. With labelMean = mean this is misclassOne.
 */
function wrongLabelProbability(labelMean: number, mean: number, variance: number, threshold: number): number {
  const p = misclassOne(mean, variance, threshold);
  return labelMean < threshold === mean < threshold ? p : 1 - p;
}

/** Per objective, options.predictive's model (default: the objective's), in the objective's input space. */
function predictiveModels(objectives: LevelSetObjective[], options: MisclassificationOptions): ExactGp[] {
  return objectives.map((o, i) => {
    const m = options.predictive?.[i] ?? o.model;
    if (m.dim !== o.model.dim) throw new InputError('predictive', `objective ${i}: expected a model of dimension ${o.model.dim}, got ${m.dim}`);
    return m;
  });
}

/** Per objective, options.varianceScale (default 1), each a positive finite factor or an InputError naming the field. */
function varianceScales(objectives: LevelSetObjective[], options: MisclassificationOptions): number[] {
  return objectives.map((_, i) => {
    const c = options.varianceScale?.[i] ?? 1;
    if (!(c > 0) || !Number.isFinite(c)) throw new InputError('varianceScale', `objective ${i}: expected a positive finite factor, got ${c}`);
    return c;
  });
}

/**
 * Expected misclassified volume fraction over a reference set R (Bect et al. 2012, the SUR criterion's
 * integrand): (1/|R|) sum_{r in R} P(label(r) wrong), with P = Phi(-|mu - t|/s) per objective (s^2 = the posterior
 * variance, plus the nugget with `observationNoise`, times `varianceScale`; with `predictive`, the mass of that model's
 * posterior on the other side of the threshold from the objective model's label) and, for several objectives,
 * 1 - prod_o (1 - p_o) (labels treated as independent). Reference points listed in `known` count exactly (see
 * MisclassificationOptions). Points whose upper bound on p (from an upper bound on sigma) is below tol are not
 * evaluated exactly; their bound is added to prunedBound (so fraction <= true value <= fraction + prunedBound).
 */
export function expectedMisclassifiedFraction(
  objectives: LevelSetObjective[],
  reference: Float64Array,
  tol = 1e-6,
  options: MisclassificationOptions = {},
): MisclassificationEstimate {
  const d = objectives[0].model.dim;
  const R = reference.length / d;
  const labels = objectives.map((o) => new LazyCandidatePosterior(o.model, reference));
  const models = predictiveModels(objectives, options);
  const lazy = models.map((m, i) => (m === objectives[i].model ? labels[i] : new LazyCandidatePosterior(m, reference)));
  const nugget = models.map((m) => (options.observationNoise ? Math.exp(m.logNoise) : 0));
  const scale = varianceScales(objectives, options);
  const probabilities = options.perPoint ? new Float64Array(R) : undefined;
  let total = 0;
  let pruned = 0;
  const per = new Array<number>(objectives.length).fill(0);
  for (let r = 0; r < R; r++) {
    let keep = 1;
    let bound = 0;
    const known = options.known?.get(r);
    objectives.forEach((o, i) => {
      const l = lazy[i];
      const labelMean = labels[i].mean[r];
      let p: number;
      if (known) {
        p = labelMean < o.threshold !== known[i] ? 1 : 0;
      } else if (labelMean < o.threshold !== l.mean[r] < o.threshold) {
        // the predictive puts its mean across the label: at least half its mass is on the wrong side, nothing to prune
        p = wrongLabelProbability(labelMean, l.mean[r], scale[i] * (l.variance(r) + nugget[i]), o.threshold);
      } else {
        const ub = misclassOne(l.mean[r], scale[i] * (l.varUpper[r] + nugget[i]), o.threshold);
        p = ub < tol ? 0 : misclassOne(l.mean[r], scale[i] * (l.variance(r) + nugget[i]), o.threshold);
        if (ub < tol) bound += ub;
      }
      per[i] += p;
      keep *= 1 - p;
    });
    total += 1 - keep;
    pruned += bound;
    if (probabilities) probabilities[r] = 1 - keep;
  }
  return {
    fraction: total / Math.max(R, 1),
    prunedBound: pruned / Math.max(R, 1),
    perObjective: per.map((p) => p / Math.max(R, 1)),
    referenceSize: R,
    ...(probabilities ? { probabilities } : {}),
  };
}

/**
 * The distribution of the number of misclassified reference points if each point's label is wrong with its stated
 * probability, independently: the Poisson-binomial law, P(K = k) for k = 0..n, by the exact recursion
 * P_j(k) = P_{j-1}(k) (1 - p_j) + P_{j-1}(k - 1) p_j (Chen & Liu 1997, Statistica Sinica 7, 875, sec. 2).
 * Points with p = 0 do not enter; a point with p = 1 shifts the law by one. Probabilities below `drop` are cut off the
 * upper tail (the returned array ends where the rest is below it), so a reference set of thousands of points with a
 * few dozen uncertain ones costs O(uncertain x support).
 *
 * Used by `sigmap bench al` to ask what a perfectly calibrated estimate would give: the count it implies, and how often
 * the 1.5x criterion of issue 17 would hold by chance of the draw alone.
 */
export function poissonBinomialPmf(probabilities: ArrayLike<number>, drop = 1e-15): Float64Array {
  let sure = 0;
  let pmf = new Float64Array([1]);
  for (let j = 0; j < probabilities.length; j++) {
    const p = probabilities[j];
    if (!(p >= 0 && p <= 1)) throw new InputError('probabilities', `entry ${j}: expected a probability in [0, 1], got ${p}`);
    if (p === 0) continue;
    if (p === 1) {
      sure++;
      continue;
    }
    const next = new Float64Array(pmf.length + 1);
    for (let k = 0; k < pmf.length; k++) {
      next[k] += pmf[k] * (1 - p);
      next[k + 1] += pmf[k] * p;
    }
    let end = next.length;
    while (end > 1 && next[end - 1] < drop) end--;
    pmf = next.subarray(0, end);
  }
  const out = new Float64Array(sure + pmf.length);
  out.set(pmf, sure);
  return out;
}

/**
 * Draws of the number of misclassified reference points from the joint posterior the estimate is read from: per
 * objective, the recorded values of the reference points whose misclassification probability exceeds `jointAbove`
 * (default 1e-3) are drawn together, f ~ N(mu, c (Sigma + s2_n I)) (mu and Sigma the posterior of the `predictive` model,
 * s2_n its nugget with `observationNoise`, c the `varianceScale`), and a point counts when some objective's drawn value falls on the other
 * side of the threshold from its posterior-mean label. Points with a probability in (minProbability, jointAbove] are
 * drawn independently with it (they are far from the boundary, where the correlation among wrong labels matters
 * least, and drawing them jointly would cost a factor of thousands of points). Known points count as in
 * expectedMisclassifiedFraction.
 *
 * The mean of the draws is the estimate's count (fraction x |R|), up to the points below minProbability; unlike the
 * independent Poisson-binomial law, the draws carry the posterior's correlation (a boundary that moves, moves many
 * labels at once). `sigmap bench al` uses them as the law of the true count if the estimate were perfectly calibrated.
 * Cost: one Cholesky factor of the jointly drawn points' covariance per objective, then O(m^2) per draw.
 */
export function sampleMisclassifiedCounts(
  objectives: LevelSetObjective[],
  reference: Float64Array,
  draws: number,
  rng: Rng,
  options: MisclassificationOptions & { minProbability?: number; jointAbove?: number } = {},
): Int32Array {
  if (!Number.isInteger(draws) || draws < 1) throw new InputError('draws', `expected a positive integer, got ${draws}`);
  const d = objectives[0].model.dim;
  const R = reference.length / d;
  const minP = options.minProbability ?? 1e-6;
  const jointAbove = Math.max(options.jointAbove ?? 1e-3, minP);
  const scale = varianceScales(objectives, options);
  const models = predictiveModels(objectives, options);
  let sure = 0;
  const uncertain = new Set<number>();
  const perObjective = objectives.map((o, i) => {
    const post = models[i].posterior(reference);
    const label = models[i] === o.model ? post.mean : o.model.predictMean(reference);
    const nugget = options.observationNoise ? Math.exp(models[i].logNoise) : 0;
    const selected: number[] = [];
    const tail: number[] = [];
    const tailP: number[] = [];
    for (let r = 0; r < R; r++) {
      if (options.known?.has(r)) continue;
      const p = wrongLabelProbability(label[r], post.mean[r], scale[i] * (post.variance[r] + nugget), o.threshold);
      if (p > jointAbove) selected.push(r);
      else if (p > minP) {
        tail.push(r);
        tailP.push(p);
      } else continue;
      uncertain.add(r);
    }
    return { selected, tail, tailP, nugget, label };
  });
  options.known?.forEach((labels, r) => {
    if (r < R && objectives.some((o, i) => perObjective[i].label[r] < o.threshold !== labels[i])) sure++;
  });
  const factors = objectives.map((_, i) => {
    const { selected, nugget, label } = perObjective[i];
    const m = selected.length;
    if (m === 0) return null;
    const X = new Float64Array(m * d);
    selected.forEach((r, k) => X.set(reference.subarray(r * d, r * d + d), k * d));
    const post = models[i].posterior(X, { full: true });
    const C = Float64Array.from(post.covariance!, (v) => v * scale[i]);
    for (let k = 0; k < m; k++) C[k * m + k] += scale[i] * nugget;
    return { selected, mean: post.mean, label: Float64Array.from(selected, (r) => label[r]), L: cholesky(C, m).L, m };
  });
  const counts = new Int32Array(draws);
  const wrong = new Uint8Array(R);
  for (let s = 0; s < draws; s++) {
    uncertain.forEach((r) => (wrong[r] = 0));
    for (const { tail, tailP } of perObjective) {
      tail.forEach((r, k) => {
        if (rng.uniform() < tailP[k]) wrong[r] = 1;
      });
    }
    factors.forEach((f, i) => {
      if (!f) return;
      const z = Float64Array.from({ length: f.m }, () => normal(rng));
      const t = objectives[i].threshold;
      for (let a = 0; a < f.m; a++) {
        let v = f.mean[a];
        for (let b = 0; b <= a; b++) v += f.L[a * f.m + b] * z[b];
        if (v < t !== f.label[a] < t) wrong[f.selected[a]] = 1;
      }
    });
    let c = sure;
    uncertain.forEach((r) => (c += wrong[r]));
    counts[s] = c;
  }
  return counts;
}

export interface StoppingRule {
  /** Stop when the expected misclassified fraction (+ its pruned bound) falls below this. */
  targetFraction: number;
  /** Stop when this many evaluations have been spent. */
  budget?: number;
}

export interface StoppingDecision {
  stop: boolean;
  reason: 'accuracy' | 'budget' | 'continue';
  estimate: number;
  evaluations: number;
}

export function checkStopping(rule: StoppingRule, estimate: MisclassificationEstimate, evaluations: number): StoppingDecision {
  const e = estimate.fraction + estimate.prunedBound;
  if (e < rule.targetFraction) return { stop: true, reason: 'accuracy', estimate: e, evaluations };
  if (rule.budget !== undefined && evaluations >= rule.budget) return { stop: true, reason: 'budget', estimate: e, evaluations };
  return { stop: false, reason: 'continue', estimate: e, evaluations };
}
