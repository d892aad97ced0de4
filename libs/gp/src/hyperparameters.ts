import { normal, type Rng } from '@sigmap/contracts';
import { ExactGp } from './exactGp';
import { kernelFromSpec } from './kernels';

/**
 * Hyperparameter fitting: maximise log p(y|X,theta) + log prior(theta) (a MAP estimate) with a projected
 * L-BFGS (Nocedal & Wright 2006, alg. 7.4, two-loop recursion) on the log-space parameters, box-bounded by
 * clamping, with an Armijo backtracking line search; multi-start from the warm start plus draws from the prior.
 *
 * Priors (inputs in the unit cube, outputs standardised): log length scale ~ N(ln 0.3, 1^2) (log-normal),
 * log signal variance ~ N(0, 1.5^2), log nugget ~ N(ln 1e-4, 3^2); the constant mean is flat.
 */
export interface HyperPriors {
  logLengthscale: { mean: number; sd: number; lower: number; upper: number };
  logVariance: { mean: number; sd: number; lower: number; upper: number };
  logNoise: { mean: number; sd: number; lower: number; upper: number };
  mean: { lower: number; upper: number };
}

const defaultPriors: HyperPriors = {
  logLengthscale: { mean: Math.log(0.3), sd: 1, lower: Math.log(0.01), upper: Math.log(20) },
  logVariance: { mean: 0, sd: 1.5, lower: Math.log(1e-3), upper: Math.log(1e3) },
  logNoise: { mean: Math.log(1e-4), sd: 3, lower: Math.log(1e-8), upper: Math.log(1) },
  mean: { lower: -10, upper: 10 },
};

export interface FitOptions {
  priors?: HyperPriors;
  /** Random restarts on top of the warm start (0 = only the warm start). */
  restarts?: number;
  /** L-BFGS iterations per start. */
  maxIterations?: number;
  rng?: Rng;
  /** Fix the nugget at this variance instead of fitting it. */
  fixedNoise?: number;
  /**
   * Fit on at most this many observations (an evenly strided subset in observation order: keeps the initial
   * design and the later boundary samples in proportion); the result is then applied to the full model.
   * Subset-of-data hyperparameter estimation (R&W sec. 8.3.1) caps the O(n^3)-per-evaluation cost.
   */
  maxPoints?: number;
}

export interface FitResult {
  hyper: Float64Array;
  /** log marginal likelihood + log prior at the optimum. */
  objective: number;
  logMarginalLikelihood: number;
  evaluations: number;
}

function bounds(gp: ExactGp, pr: HyperPriors): { lo: Float64Array; hi: Float64Array } {
  const kinds = gp.kernel.paramKinds();
  const n = gp.nHyper;
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  kinds.forEach((k, i) => {
    const b = k === 'lengthscale' ? pr.logLengthscale : pr.logVariance;
    lo[i] = b.lower;
    hi[i] = b.upper;
  });
  lo[n - 2] = pr.logNoise.lower;
  hi[n - 2] = pr.logNoise.upper;
  lo[n - 1] = pr.mean.lower;
  hi[n - 1] = pr.mean.upper;
  return { lo, hi };
}

/** log prior and its gradient (Gaussian on the log parameters = log-normal on the parameters). */
function logPrior(gp: ExactGp, theta: Float64Array, pr: HyperPriors = defaultPriors): { value: number; grad: Float64Array } {
  const kinds = gp.kernel.paramKinds();
  const grad = new Float64Array(theta.length);
  let value = 0;
  const add = (i: number, m: number, sd: number) => {
    const z = (theta[i] - m) / sd;
    value += -0.5 * z * z - Math.log(sd) - 0.5 * Math.log(2 * Math.PI);
    grad[i] = -z / sd;
  };
  kinds.forEach((k, i) => (k === 'lengthscale' ? add(i, pr.logLengthscale.mean, pr.logLengthscale.sd) : add(i, pr.logVariance.mean, pr.logVariance.sd)));
  add(theta.length - 2, pr.logNoise.mean, pr.logNoise.sd);
  return { value, grad };
}

/** Objective (to maximise) and gradient at theta; restores nothing (leaves gp at theta). */
function objective(gp: ExactGp, theta: Float64Array, pr: HyperPriors, fixedNoise: number | undefined): { f: number; g: Float64Array; lml: number } {
  const t = Float64Array.from(theta);
  if (fixedNoise !== undefined) t[t.length - 2] = Math.log(fixedNoise);
  gp.setHyper(t);
  try {
    const { value, grad } = gp.logMarginalLikelihoodGrad();
    const p = logPrior(gp, t, pr);
    const g = new Float64Array(t.length);
    for (let i = 0; i < t.length; i++) g[i] = grad[i] + p.grad[i];
    if (fixedNoise !== undefined) g[t.length - 2] = 0;
    return { f: value + p.value, g, lml: value };
  } catch {
    return { f: -Infinity, g: new Float64Array(t.length), lml: -Infinity };
  }
}

/**
 * Projected L-BFGS maximisation of f within [lo, hi]. Returns the best point seen.
 */
export function maximiseBoxed(
  fg: (x: Float64Array) => { f: number; g: Float64Array },
  x0: Float64Array,
  lo: Float64Array,
  hi: Float64Array,
  maxIterations = 50,
  memory = 6,
): { x: Float64Array; f: number; evaluations: number } {
  const n = x0.length;
  const clamp = (x: Float64Array) => {
    for (let i = 0; i < n; i++) x[i] = Math.min(hi[i], Math.max(lo[i], x[i]));
    return x;
  };
  let x = clamp(Float64Array.from(x0));
  let { f, g } = fg(x);
  let evaluations = 1;
  if (!Number.isFinite(f)) return { x, f, evaluations };
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  for (let it = 0; it < maxIterations; it++) {
    // Minimise -f: gradient -g. Two-loop recursion for the direction d = -H (-g) = H g.
    const q = Float64Array.from(g, (v) => -v);
    // free variables: zero the components pushing out of the box
    for (let i = 0; i < n; i++) if ((x[i] <= lo[i] && q[i] > 0) || (x[i] >= hi[i] && q[i] < 0)) q[i] = 0;
    const alphas: number[] = [];
    for (let k = S.length - 1; k >= 0; k--) {
      const rho = 1 / dotv(Y[k], S[k]);
      const a = rho * dotv(S[k], q);
      alphas[k] = a;
      for (let i = 0; i < n; i++) q[i] -= a * Y[k][i];
    }
    if (S.length > 0) {
      const k = S.length - 1;
      const gamma = dotv(S[k], Y[k]) / dotv(Y[k], Y[k]);
      for (let i = 0; i < n; i++) q[i] *= gamma;
    } else {
      const gn = Math.sqrt(dotv(q, q));
      if (gn > 0) for (let i = 0; i < n; i++) q[i] *= Math.min(1, 1 / gn);
    }
    for (let k = 0; k < S.length; k++) {
      const rho = 1 / dotv(Y[k], S[k]);
      const b = rho * dotv(Y[k], q);
      for (let i = 0; i < n; i++) q[i] += S[k][i] * (alphas[k] - b);
    }
    const dir = Float64Array.from(q, (v) => -v); // ascent direction for f
    for (let i = 0; i < n; i++) if ((x[i] <= lo[i] && dir[i] < 0) || (x[i] >= hi[i] && dir[i] > 0)) dir[i] = 0;
    let slope = dotv(dir, g);
    if (!(slope > 0)) {
      // fall back to projected steepest ascent
      for (let i = 0; i < n; i++) dir[i] = (x[i] <= lo[i] && g[i] < 0) || (x[i] >= hi[i] && g[i] > 0) ? 0 : g[i];
      const gn = Math.sqrt(dotv(dir, dir));
      if (gn < 1e-9) break;
      for (let i = 0; i < n; i++) dir[i] /= Math.max(gn, 1);
      slope = dotv(dir, g);
      S.length = 0;
      Y.length = 0;
    }
    let step = 1;
    let accepted = false;
    let xn = x;
    let fn = f;
    let gnew = g;
    for (let ls = 0; ls < 12; ls++) {
      xn = clamp(Float64Array.from(x, (v, i) => v + step * dir[i]));
      const r = fg(xn);
      evaluations++;
      let moved = 0;
      for (let i = 0; i < n; i++) moved += (xn[i] - x[i]) * g[i];
      if (Number.isFinite(r.f) && r.f >= f + 1e-4 * Math.min(moved, step * slope)) {
        fn = r.f;
        gnew = r.g;
        accepted = true;
        break;
      }
      step *= 0.3;
    }
    if (!accepted) break;
    const s = Float64Array.from(xn, (v, i) => v - x[i]);
    const y = Float64Array.from(gnew, (v, i) => -(v - g[i]));
    if (dotv(s, y) > 1e-12) {
      S.push(s);
      Y.push(y);
      if (S.length > memory) {
        S.shift();
        Y.shift();
      }
    }
    const improvement = fn - f;
    x = xn;
    f = fn;
    g = gnew;
    if (Math.abs(improvement) < 1e-7 * Math.max(1, Math.abs(f))) break;
  }
  return { x, f, evaluations };
}

function dotv(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Fits the hyperparameters of gp (MAP), starting from its current hyperparameters (warm start) and
 * `restarts` draws from the priors; leaves gp at the best point, factorised.
 */
export function fitHyperparameters(full: ExactGp, opts: FitOptions = {}): FitResult {
  let gp = full;
  if (opts.maxPoints !== undefined && full.n > opts.maxPoints) {
    const k = opts.maxPoints;
    const d = full.dim;
    const X = new Float64Array(k * d);
    const y = new Float64Array(k);
    const nz = new Float64Array(k);
    for (let a = 0; a < k; a++) {
      const i = Math.floor((a * full.n) / k);
      X.set(full.X.subarray(i * d, i * d + d), a * d);
      y[a] = full.y[i];
      nz[a] = full.noise[i];
    }
    gp = new ExactGp(kernelFromSpec(full.kernel.spec(), d), { logNoise: full.logNoise, mean: full.constMean }).setData(X, y, nz);
  }
  const pr = opts.priors ?? defaultPriors;
  const { lo, hi } = bounds(gp, pr);
  const kinds = gp.kernel.paramKinds();
  const starts: Float64Array[] = [gp.getHyper()];
  if ((opts.restarts ?? 0) > 0 && !opts.rng) throw new RangeError('fitHyperparameters: restarts need an rng');
  for (let r = 0; r < (opts.restarts ?? 0); r++) {
    const t = new Float64Array(gp.nHyper);
    kinds.forEach((k, i) => {
      const b = k === 'lengthscale' ? pr.logLengthscale : pr.logVariance;
      t[i] = Math.min(b.upper, Math.max(b.lower, normal(opts.rng!, b.mean, b.sd * 0.7)));
    });
    t[t.length - 2] = Math.min(pr.logNoise.upper, Math.max(pr.logNoise.lower, normal(opts.rng!, pr.logNoise.mean, 1)));
    let ym = 0;
    for (let i = 0; i < gp.n; i++) ym += gp.y[i];
    t[t.length - 1] = gp.n > 0 ? ym / gp.n : 0;
    starts.push(t);
  }
  let best: { x: Float64Array; f: number } | null = null;
  let evaluations = 0;
  const fg = (x: Float64Array) => objective(gp, x, pr, opts.fixedNoise);
  for (const s of starts) {
    const r = maximiseBoxed(fg, s, lo, hi, opts.maxIterations ?? 40);
    evaluations += r.evaluations;
    if (!best || r.f > best.f) best = r;
  }
  const hyper = Float64Array.from(best!.x);
  if (opts.fixedNoise !== undefined) hyper[hyper.length - 2] = Math.log(opts.fixedNoise);
  full.setHyper(hyper);
  full.factor();
  return { hyper, objective: best!.f, logMarginalLikelihood: full.logMarginalLikelihood(), evaluations };
}
