import { InputError } from '@sigmap/contracts';
import { misclassOne } from './acquisition';
import { LazyCandidatePosterior, type LevelSetObjective } from './batch';

export interface MisclassificationEstimate {
  /** Expected fraction of the reference set whose excluded/allowed label is wrong (any objective). */
  fraction: number;
  /** A bound on the part left out by pruning (points whose misclassification probability bound was < tol). */
  prunedBound: number;
  /** Per objective, expected misclassified fraction. */
  perObjective: number[];
  referenceSize: number;
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
}

/**
 * Expected misclassified volume fraction over a reference set R (Bect et al. 2012, the SUR criterion's
 * integrand): (1/|R|) sum_{r in R} P(label(r) wrong), with P = Phi(-|mu - t|/s) per objective (s^2 = the posterior
 * variance, plus the nugget with `observationNoise`, times `varianceScale`) and, for several objectives,
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
  const lazy = objectives.map((o) => new LazyCandidatePosterior(o.model, reference));
  const nugget = objectives.map((o) => (options.observationNoise ? Math.exp(o.model.logNoise) : 0));
  const scale = objectives.map((_, i) => options.varianceScale?.[i] ?? 1);
  scale.forEach((c, i) => {
    if (!(c > 0) || !Number.isFinite(c)) throw new InputError('varianceScale', `objective ${i}: expected a positive finite factor, got ${c}`);
  });
  let total = 0;
  let pruned = 0;
  const per = new Array<number>(objectives.length).fill(0);
  for (let r = 0; r < R; r++) {
    let keep = 1;
    let bound = 0;
    const known = options.known?.get(r);
    objectives.forEach((o, i) => {
      const l = lazy[i];
      let p: number;
      if (known) {
        p = l.mean[r] < o.threshold !== known[i] ? 1 : 0;
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
  }
  return { fraction: total / Math.max(R, 1), prunedBound: pruned / Math.max(R, 1), perObjective: per.map((p) => p / Math.max(R, 1)), referenceSize: R };
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
