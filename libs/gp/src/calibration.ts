import { choleskyInverse } from './linalg';
import { ExactGp } from './exactGp';

/** The predictive of each training value from all the others. */
export interface LeaveOneOut {
  mean: Float64Array;
  /** Variance of the recorded value y_i (K_y holds the nugget and the point's own noise). */
  variance: Float64Array;
}

/**
 * Leave-one-out predictives in closed form at the current hyperparameters (Rasmussen & Williams 2006, eq. 5.12):
 *   mu_-i = y_i - alpha_i / [K_y^-1]_ii,   sigma^2_-i = 1 / [K_y^-1]_ii.
 * One inverse of K_y (O(n^3)) instead of n refits.
 */
export function leaveOneOut(gp: ExactGp): LeaveOneOut {
  const n = gp.n;
  const alpha = gp.weights();
  const inv = choleskyInverse(gp.choleskyFactor(), n);
  const mean = new Float64Array(n);
  const variance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const kii = inv[i * n + i];
    mean[i] = gp.y[i] - alpha[i] / kii;
    variance[i] = 1 / kii;
  }
  return { mean, variance };
}

/** The leave-one-out residuals of the training points nearest a level, summarised (see levelVarianceScale). */
export interface NearLevelLoo {
  /** The mean squared standardised residual, z_i = (y_i - mu_-i) / sigma_-i; 1 below MIN_CALIBRATION_POINTS. */
  scale: number;
  /**
   * The log predictive density of those residuals under N(mu_-i, scale sigma^2_-i), with the scale at this maximising
   * value: -1/2 sum_i [ln(2 pi scale sigma^2_-i) + z_i^2 / scale]. Higher is better; comparable between models of
   * the same data. -Infinity below MIN_CALIBRATION_POINTS.
   */
  logScore: number;
  /** How many residuals entered. */
  count: number;
}

/**
 * Leave-one-out (R&W 2006 eq. 5.12) over the half of the training points whose values lie nearest the threshold
 * (model scale): the variance factor those residuals call for and their log predictive density at that factor.
 */
export function nearLevelLoo(gp: ExactGp, threshold: number): NearLevelLoo {
  const n = gp.n;
  const m = Math.ceil(n / 2);
  const none = { scale: 1, logScore: -Infinity, count: 0 };
  if (m < MIN_CALIBRATION_POINTS) return none;
  const loo = leaveOneOut(gp);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => Math.abs(gp.y[a] - threshold) - Math.abs(gp.y[b] - threshold));
  let s = 0;
  let logVar = 0;
  let k = 0;
  for (const i of order.slice(0, m)) {
    const v = loo.variance[i];
    if (!(v > 0) || !Number.isFinite(v)) continue;
    s += (gp.y[i] - loo.mean[i]) ** 2 / v;
    logVar += Math.log(v);
    k++;
  }
  const scale = s / k;
  if (!(k >= MIN_CALIBRATION_POINTS && scale > 0 && Number.isFinite(scale))) return none;
  return { scale, logScore: -0.5 * (k * Math.log(2 * Math.PI * scale) + logVar + k), count: k };
}

/**
 * The factor by which the posterior variance near a level is rescaled for the stopping estimate: the mean squared
 * standardised leave-one-out residual, z_i = (y_i - mu_-i) / sigma_-i, over the half of the training points whose
 * values lie nearest the threshold (model scale). 1 when fewer than MIN_CALIBRATION_POINTS qualify.
 *
 * Why: a stationary kernel takes one amplitude for the whole function. Where its range is wide (the fast_2D excursion
 * truth runs from -17 to 9 with the level at 0), the posterior next to a densely sampled boundary is too wide and the
 * expected misclassified fraction overstates the true one (2.5-3.2x at 40 evaluations on fast_2D, BENCHMARKS.md);
 * where the data are sparse it can be too narrow. The cross-validation estimate of the variance parameter is the one
 * that stays consistent when the covariance model is misspecified (Bachoc 2013, Comput. Stat. Data Anal. 66, 55),
 * and taking it on the points that place the level set calibrates the predictive where the estimate is decided.
 * The plug-in Gaussian is kept (a Student-t for the estimated scale fattened the tails that carry the overstatement).
 * Cost: one inverse of K_y, about two factorisations (0.6 s at n = 1000).
 */
export function levelVarianceScale(gp: ExactGp, threshold: number): number {
  return nearLevelLoo(gp, threshold).scale;
}

/** The predictive the stopping estimate reads for one objective (levelCalibration). */
export interface LevelCalibration {
  /** The model whose posterior gives the probabilities: the fitted one, or the same kernel with the nugget at jitter. */
  model: ExactGp;
  /** Which of the two won the near-level leave-one-out log score. */
  nugget: 'fitted' | 'interpolating';
  /** The chosen model's levelVarianceScale. */
  varianceScale: number;
}

/** The interpolating model's nugget, relative to the kernel's variance: a jitter, not a noise model. */
export const INTERPOLATING_NUGGET = 1e-8;

/**
 * The stopping estimate's predictive near a level, chosen by cross-validation: the fitted model, or the same kernel and
 * data with the learned nugget replaced by a jitter (per-point noise given with the data is kept), whichever predicts
 * the training points nearest the threshold better by their leave-one-out log score (nearLevelLoo, each at its own
 * variance factor), and that model's variance factor.
 *
 * Why: on a deterministic simulator a nugget fitted by maximum likelihood stands for misfit of the stationary kernel
 * somewhere in the box, not for noise (Gramacy & Lee 2012, Stat. Comput. 22, 713; Andrianakis & Challenor 2012,
 * Comput. Stat. Data Anal. 56, 4215). Next to a densely sampled boundary it widens the predictive of every point, and
 * on the fast_2D excursion pool the estimate overstated the true misclassified count 1.9x at the stop (BENCHMARKS.md).
 * Where the recorded values do scatter (the sbottom CLs grid), the fitted nugget predicts the near-level points better
 * and is kept. Choosing a covariance parameter by its cross-validation score is the criterion of Bachoc 2013.
 * Cost: two inverses of K_y and one more factorisation when the nugget is above the jitter.
 */
export function levelCalibration(gp: ExactGp, threshold: number): LevelCalibration {
  const fitted = nearLevelLoo(gp, threshold);
  const jitter = Math.log(INTERPOLATING_NUGGET * gp.kernel.diagValue());
  if (fitted.count === 0 || gp.logNoise <= jitter) return { model: gp, nugget: 'fitted', varianceScale: fitted.scale };
  const interpolating = ExactGp.fromState({ ...gp.toState(), logNoise: jitter });
  const alt = nearLevelLoo(interpolating, threshold);
  return alt.logScore > fitted.logScore
    ? { model: interpolating, nugget: 'interpolating', varianceScale: alt.scale }
    : { model: gp, nugget: 'fitted', varianceScale: fitted.scale };
}

/** Fewer residuals than this say too little about the scale (the mean of 3 squared unit normals has sd 0.8). */
export const MIN_CALIBRATION_POINTS = 3;
