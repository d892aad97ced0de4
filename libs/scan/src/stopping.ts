import { stoppingMet, type ModelPoint, type ScanSpec, type StoppingProgress } from '@sigmap/contracts';
import type { ActiveLearner } from '@sigmap/gp';
import { scannedOf } from './axes';

/**
 * The stopping rule's estimate: the expected misclassified fraction (Bect et al. 2012) over the pool (pool mode) or a
 * seeded uniform sample of the box, as ActiveLearner.estimateMisclassifiedFraction defines it (the predictive of the
 * value a point would record, evaluated pool points counted by their observed label). Null before a GP exists and
 * while the observations do not bracket the level set (every point on one side: the data cannot place the boundary,
 * and the estimate there was ~0 while up to 13% of an excursion pool was misclassified).
 *
 * The predictive is the learner's default 'level-cv' calibration (@sigmap/gp levelCalibration): the fitted nugget or an
 * interpolating one, whichever predicts the half of the training points nearest the threshold better by leave-one-out,
 * its variance rescaled by those residuals (Bachoc 2013).
 *
 * `sigmap bench al` measures it against the true misclassified fraction when a scan stops (issue 17), with and without
 * the calibration, per seed and pooled over seeds against the count laws of misclassificationProbabilities and
 * misclassifiedCountDraws (what a perfectly calibrated estimate would give). Measured and not adopted (BENCHMARKS.md):
 * hyperparameters integrated by importance sampling from a Laplace proposal (Geweke 1989), a Student-t predictive for
 * the estimated scale, prequential (Dawid 1984) recalibration, averaging over kernel smoothness, an RBF model for the
 * estimate, a variance trend in the LOO variance, a leave-pair-out extrapolation of the residuals to smaller gaps.
 */
export function misclassifiedEstimate(learner: ActiveLearner | null, spec: ScanSpec, pool: ModelPoint[] | null): number | null {
  const at = estimateReference(learner, spec, pool);
  return at && at.learner.estimateMisclassifiedFraction(at.reference).fraction;
}

/**
 * The learner and reference points the estimate is read over (the pool's scanned coordinates, or undefined for the
 * learner's seeded sample of the box); null while there is no estimate (see misclassifiedEstimate).
 */
function estimateReference(
  learner: ActiveLearner | null,
  spec: ScanSpec,
  pool: ModelPoint[] | null,
): { learner: ActiveLearner; reference: number[][] | undefined } | null {
  if (!learner || !learner.bracketed()) return null;
  return { learner, reference: pool ? pool.map((p) => scannedOf(spec, p)) : undefined };
}

/**
 * Per reference point (the pool in pool mode), the probability that the stopping estimate gives its label being wrong:
 * the terms whose mean is misclassifiedEstimate. Null where misclassifiedEstimate is null.
 */
export function misclassificationProbabilities(learner: ActiveLearner | null, spec: ScanSpec, pool: ModelPoint[] | null): Float64Array | null {
  const at = estimateReference(learner, spec, pool);
  return at && (at.learner.estimateMisclassifiedFraction(at.reference, { perPoint: true }).probabilities ?? null);
}

/**
 * Draws of the misclassified count over the same reference points from the joint (calibrated) posterior the estimate
 * reads: ActiveLearner.sampleMisclassifiedCounts. Null where misclassifiedEstimate is null.
 */
export function misclassifiedCountDraws(
  learner: ActiveLearner | null,
  spec: ScanSpec,
  pool: ModelPoint[] | null,
  draws: number,
  seed: number,
): Int32Array | null {
  const at = estimateReference(learner, spec, pool);
  return at && at.learner.sampleMisclassifiedCounts(at.reference, draws, seed);
}

/**
 * The stopping rule (the ScanWorkflow's `converged`, checked after each proposal): at least the initial design is
 * evaluated and the estimate has been at or below spec.target on STOPPING_PATIENCE consecutive training sets
 * (@sigmap/contracts advanceStopping / stoppingMet, which the workflow calls too).
 */
export function scanConverged(spec: Pick<ScanSpec, 'initialPoints'>, progress: StoppingProgress | undefined, evaluated: number): boolean {
  return stoppingMet(spec, progress, evaluated);
}
