import type { ModelPoint, ScanSpec } from '@sigmap/contracts';
import type { ActiveLearner } from '@sigmap/gp';
import { scannedOf } from './axes';

/**
 * The stopping rule's estimate: the expected misclassified fraction (Bect et al. 2012) over the pool (pool mode) or a
 * seeded uniform sample of the box, null before a GP exists. Not calibrated yet: `sigmap bench al` measures it against
 * the true fraction at the stop (issue 17); a leave-one-out variance rescaling was tried and made it worse (the LOO
 * residuals of points far from the threshold shrink the variance where the boundary needs it inflated).
 */
export function misclassifiedEstimate(learner: ActiveLearner | null, spec: ScanSpec, pool: ModelPoint[] | null): number | null {
  if (!learner) return null;
  return learner.estimateMisclassifiedFraction(pool ? pool.map((p) => scannedOf(spec, p)) : undefined).fraction;
}

/**
 * The stopping rule (the ScanWorkflow's `converged`, checked after each proposal): at least the initial design is
 * evaluated and the estimated misclassified fraction is at or below spec.target.
 */
export function scanConverged(spec: Pick<ScanSpec, 'initialPoints' | 'target'>, misclassified: number | null, evaluated: number): boolean {
  return misclassified !== null && evaluated >= spec.initialPoints && misclassified <= spec.target;
}
