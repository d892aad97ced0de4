import { InputError } from '@sigmap/contracts';
import { choleskyExtend, choleskyInverse, cholesky, dot, logDetFromCholesky, solveLowerInPlace, solveLowerManyRows, solveUpperTInPlace } from './linalg';
import { kernelFromSpec, kernelRow, type Kernel, type KernelSpec } from './kernels';

/** Marginal posterior at m points (and the joint covariance when asked for). */
export interface Posterior {
  mean: Float64Array;
  variance: Float64Array;
  /** m x m row-major joint covariance (only when requested). */
  covariance?: Float64Array;
}

/** Anything that can answer posterior(X): the narrow interface acquisition functions and batch proposal use. */
export interface PosteriorModel {
  readonly dim: number;
  posterior(X: Float64Array, opts?: { full?: boolean }): Posterior;
}

export interface ExactGpState {
  dim: number;
  kernel: KernelSpec;
  logNoise: number;
  mean: number;
  X: number[];
  y: number[];
  noise: number[];
}

/**
 * Exact GP regression (Rasmussen & Williams 2006, alg. 2.1) with a constant mean c and heteroscedastic noise:
 *   K_y = K(X, X) + diag(noise_i + s2_n),  alpha = K_y^{-1} (y - c),
 *   mean(x*) = c + k*^T alpha,  var(x*) = k(x*, x*) - v^T v with v = L^{-1} k*,
 *   log p(y | X) = -1/2 (y - c)^T alpha - sum_i log L_ii - n/2 log 2 pi   (eq. 2.30).
 * noise_i are the per-observation variances given with the data; s2_n = exp(logNoise) is a learned nugget.
 */
export class ExactGp implements PosteriorModel {
  X = new Float64Array(0);
  y = new Float64Array(0);
  noise = new Float64Array(0);
  n = 0;
  /** Learned homoscedastic nugget, log variance. */
  logNoise: number;
  /** Constant prior mean. */
  constMean: number;
  private L: Float64Array | null = null;
  private alpha: Float64Array | null = null;
  /** Jitter the last factorisation needed. */
  jitter = 0;

  constructor(
    public kernel: Kernel,
    opts: { logNoise?: number; mean?: number } = {},
  ) {
    this.logNoise = opts.logNoise ?? Math.log(1e-6);
    this.constMean = opts.mean ?? 0;
  }

  get dim(): number {
    return this.kernel.dim;
  }

  /** Number of hyperparameters: kernel parameters, log nugget, constant mean. */
  get nHyper(): number {
    return this.kernel.nParams + 2;
  }

  getHyper(): Float64Array {
    const p = new Float64Array(this.nHyper);
    this.kernel.getParams(p, 0);
    p[this.kernel.nParams] = this.logNoise;
    p[this.kernel.nParams + 1] = this.constMean;
    return p;
  }

  /** Sets hyperparameters; the factorisation is rebuilt lazily. */
  setHyper(p: ArrayLike<number>): void {
    this.kernel.setParams(p, 0);
    this.logNoise = p[this.kernel.nParams];
    this.constMean = p[this.kernel.nParams + 1];
    this.L = null;
    this.alpha = null;
  }

  /** Replaces the training data (X in the model's input space, n x d row-major; noise = per-point variances). */
  setData(X: ArrayLike<number>, y: ArrayLike<number>, noise?: ArrayLike<number>): this {
    const n = y.length;
    if (X.length !== n * this.dim) throw new InputError('X', `expected ${n} x ${this.dim} values, got ${X.length}`);
    if (noise && noise.length !== n) throw new InputError('noise', `expected ${n} values, got ${noise.length}`);
    this.X = Float64Array.from(X);
    this.y = Float64Array.from(y);
    this.noise = noise ? Float64Array.from(noise) : new Float64Array(n);
    this.n = n;
    this.L = null;
    this.alpha = null;
    return this;
  }

  /** K_y for the current data and hyperparameters. */
  covarianceMatrix(): Float64Array {
    const { n, X, kernel } = this;
    const d = this.dim;
    const K = new Float64Array(n * n);
    const s2n = Math.exp(this.logNoise);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const v = kernel.value(X, i * d, X, j * d);
        K[i * n + j] = v;
        K[j * n + i] = v;
      }
      K[i * n + i] = kernel.diagValue() + this.noise[i] + s2n;
    }
    return K;
  }

  /** Factorises K_y (Cholesky with jitter escalation) and solves for alpha. */
  factor(): void {
    const { L, jitter } = cholesky(this.covarianceMatrix(), this.n);
    this.L = L;
    this.jitter = jitter;
    this.alpha = this.solveAlpha(L);
  }

  private solveAlpha(L: Float64Array): Float64Array {
    const a = Float64Array.from(this.y, (v) => v - this.constMean);
    solveLowerInPlace(L, this.n, a);
    return solveUpperTInPlace(L, this.n, a);
  }

  private ensure(): { L: Float64Array; alpha: Float64Array } {
    if (!this.L || !this.alpha) this.factor();
    return { L: this.L!, alpha: this.alpha! };
  }

  /** alpha = K_y^{-1} (y - c). */
  weights(): Float64Array {
    return this.ensure().alpha;
  }

  /** The Cholesky factor of K_y (row-major lower). */
  choleskyFactor(): Float64Array {
    return this.ensure().L;
  }

  /**
   * Appends k observations, keeping the hyperparameters, by extending the Cholesky factor (bordering,
   * O(n^2 k)) rather than refactorising (O((n+k)^3)).
   */
  addObservations(Xn: ArrayLike<number>, yn: ArrayLike<number>, noise?: ArrayLike<number>): this {
    const k = yn.length;
    const d = this.dim;
    if (Xn.length !== k * d) throw new InputError('X', `expected ${k} x ${d} values, got ${Xn.length}`);
    if (k === 0) return this;
    if (this.n === 0) return this.setData(Xn, yn, noise);
    const { L } = this.ensure();
    const Xk = Float64Array.from(Xn);
    const Bt = new Float64Array(k * this.n);
    for (let a = 0; a < k; a++) for (let i = 0; i < this.n; i++) Bt[a * this.n + i] = this.kernel.value(Xk, a * d, this.X, i * d);
    const C = new Float64Array(k * k);
    const s2n = Math.exp(this.logNoise);
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < a; b++) C[a * k + b] = C[b * k + a] = this.kernel.value(Xk, a * d, Xk, b * d);
      C[a * k + a] = this.kernel.diagValue() + (noise ? noise[a] : 0) + s2n;
    }
    const ext = choleskyExtend(L, this.n, Bt, C, k);
    const X = new Float64Array((this.n + k) * d);
    X.set(this.X);
    X.set(Xk, this.n * d);
    const y = new Float64Array(this.n + k);
    y.set(this.y);
    y.set(Array.from(yn), this.n);
    const nz = new Float64Array(this.n + k);
    nz.set(this.noise);
    if (noise) nz.set(Array.from(noise), this.n);
    this.X = X;
    this.y = y;
    this.noise = nz;
    this.n += k;
    this.L = ext.L;
    this.jitter = Math.max(this.jitter, ext.jitter);
    this.alpha = this.solveAlpha(ext.L);
    return this;
  }

  /** Cross-covariance rows: m rows of length n, row a = k(x_a, X). */
  crossCovariance(Xc: Float64Array): Float64Array {
    const d = this.dim;
    const m = Xc.length / d;
    const { n, X, kernel } = this;
    const out = new Float64Array(m * n);
    for (let a = 0; a < m; a++) kernelRow(kernel, Xc, a * d, X, n, out.subarray(a * n, a * n + n));
    return out;
  }

  /** Posterior mean only (O(n) per point). */
  predictMean(Xc: Float64Array): Float64Array {
    const d = this.dim;
    const m = Xc.length / d;
    const out = new Float64Array(m).fill(this.constMean);
    if (this.n === 0) return out;
    const { alpha } = this.ensure();
    const { n, X, kernel } = this;
    const row = new Float64Array(n);
    for (let a = 0; a < m; a++) out[a] += dot(kernelRow(kernel, Xc, a * d, X, n, row), 0, alpha, 0, n);
    return out;
  }

  /**
   * Whitened cross-covariance V^T (m rows of length n, row a = L^{-1} k(X, x_a)) with the marginal posterior.
   * Batch proposal keeps V to update variances under fantasised observations.
   */
  posteriorWithFactors(Xc: Float64Array): Posterior & { Vt: Float64Array } {
    const d = this.dim;
    const m = Xc.length / d;
    const mean = new Float64Array(m).fill(this.constMean);
    const variance = new Float64Array(m).fill(this.kernel.diagValue());
    if (this.n === 0) return { mean, variance, Vt: new Float64Array(0) };
    const { L, alpha } = this.ensure();
    const n = this.n;
    const Vt = this.crossCovariance(Xc);
    for (let a = 0; a < m; a++) mean[a] += dot(Vt, a * n, alpha, 0, n);
    solveLowerManyRows(L, n, Vt, m);
    for (let a = 0; a < m; a++) variance[a] = Math.max(variance[a] - dot(Vt, a * n, Vt, a * n, n), 1e-300);
    return { mean, variance, Vt };
  }

  posterior(Xc: Float64Array, opts: { full?: boolean } = {}): Posterior {
    const { mean, variance, Vt } = this.posteriorWithFactors(Xc);
    if (!opts.full) return { mean, variance };
    const d = this.dim;
    const m = Xc.length / d;
    const n = this.n;
    const cov = new Float64Array(m * m);
    for (let a = 0; a < m; a++) {
      for (let b = 0; b <= a; b++) {
        let v = this.kernel.value(Xc, a * d, Xc, b * d);
        if (n > 0) v -= dot(Vt, a * n, Vt, b * n, n);
        cov[a * m + b] = cov[b * m + a] = v;
      }
      cov[a * m + a] = variance[a];
    }
    return { mean, variance, covariance: cov };
  }

  /** Log marginal likelihood (eq. 2.30) at the current hyperparameters. */
  logMarginalLikelihood(): number {
    const { L, alpha } = this.ensure();
    let q = 0;
    for (let i = 0; i < this.n; i++) q += (this.y[i] - this.constMean) * alpha[i];
    return -0.5 * q - 0.5 * logDetFromCholesky(L, this.n) - 0.5 * this.n * Math.log(2 * Math.PI);
  }

  /**
   * Log marginal likelihood and its gradient in the hyperparameters (R&W eq. 5.9):
   *   d/dtheta_p log p = 1/2 tr((alpha alpha^T - K_y^{-1}) dK_y/dtheta_p),
   *   d/dlog s2_n = 1/2 s2_n tr(alpha alpha^T - K_y^{-1}),   d/dc = sum_i alpha_i.
   * Refactorises at the current hyperparameters (cost O(n^3): factor + inverse).
   */
  logMarginalLikelihoodGrad(): { value: number; grad: Float64Array } {
    this.factor();
    const value = this.logMarginalLikelihood();
    const n = this.n;
    const d = this.dim;
    const L = this.L!;
    const alpha = this.alpha!;
    const Kinv = choleskyInverse(L, n);
    const np = this.kernel.nParams;
    const grad = new Float64Array(np + 2);
    const g = new Float64Array(np);
    const X = this.X;
    let trW = 0;
    for (let i = 0; i < n; i++) {
      const ai = alpha[i];
      for (let j = 0; j <= i; j++) {
        const w = ai * alpha[j] - Kinv[i * n + j];
        this.kernel.valueGrad(X, i * d, X, j * d, g, 0);
        const f = i === j ? 0.5 * w : w; // off-diagonal pairs appear twice in the trace
        for (let p = 0; p < np; p++) grad[p] += f * g[p];
        if (i === j) trW += w;
      }
    }
    grad[np] = 0.5 * Math.exp(this.logNoise) * trW;
    let sa = 0;
    for (let i = 0; i < n; i++) sa += alpha[i];
    grad[np + 1] = sa;
    return { value, grad };
  }

  toState(): ExactGpState {
    return {
      dim: this.dim,
      kernel: this.kernel.spec(),
      logNoise: this.logNoise,
      mean: this.constMean,
      X: Array.from(this.X),
      y: Array.from(this.y),
      noise: Array.from(this.noise),
    };
  }

  static fromState(s: ExactGpState): ExactGp {
    const gp = new ExactGp(kernelFromSpec(s.kernel, s.dim), { logNoise: s.logNoise, mean: s.mean });
    gp.setData(s.X, s.y, s.noise);
    return gp;
  }
}
