/**
 * Maximum-likelihood fits (pyhf.infer.mle.fit / fixed_poi_fit): minimise -log L(theta | data) over the free parameters
 * within their bounds, holding `fixed` parameters at their initial values, optionally holding the POI at a value.
 * Uses the analytic gradient of the model and the bounded quasi-Newton minimiser in ../optimize.
 */
import { InputError } from '@sigmap/contracts';
import type { HistFactoryModel } from '../model/model';
import { minimizeBounded } from '../optimize/lbfgsb';

export interface FitOptions {
  fixedPoi?: number;
  init?: ArrayLike<number>;
  bounds?: [number, number][];
  fixed?: boolean[];
  /** Projected-gradient tolerance of the minimiser (scaled variables, on -log L). */
  pgtol?: number;
  /**
   * Second start with the moved same-side-variation nuisances mirrored about 0, keeping the lower minimum. Default
   * false: pyhf (and ROOT, whose numbers pyhf's validation cases reproduce) report the local minimum reached from the
   * suggested start; with `reflect` sigmap can find a deeper one on multimodal likelihoods.
   */
  reflect?: boolean;
}

export interface FitResult {
  pars: Float64Array;
  /** -log L at the minimum, including all constants (= -model.logpdf). */
  nll: number;
  /** 2 * nll, pyhf's objective. */
  twiceNll: number;
  converged: boolean;
  /** Infinity norm of the projected gradient at the end (scaled variables). */
  pgNorm: number;
  iterations: number;
  evaluations: number;
  message: string;
}

/** Profiling statistics across fits, for `bench` breakdowns. */
export const fitStats = { fits: 0, iterations: 0, evaluations: 0, notConverged: 0, reflectionWins: 0 };

/**
 * Minimises -log L from `init` (default: suggested init) within the bounds. Converged means the projected gradient
 * (scaled variables) fell below `pgtol` (1e-10), or the objective stalled at machine precision with it below 1e-6
 * (after a bounded Newton polish when needed). Never returns a silent NaN: a non-finite likelihood gives nll = NaN and
 * converged = false.
 */
export function fit(model: HistFactoryModel, data: ArrayLike<number>, opts: FitOptions = {}): FitResult {
  const cfg = model.config;
  const n = cfg.parameterNames.length;
  const nd = cfg.nMainBins + cfg.auxdata.length;
  if (data.length !== nd) throw new InputError('data', `expected ${nd} values (main + aux), got ${data.length}`);
  const init = Float64Array.from(opts.init ?? cfg.suggestedInit);
  if (init.length !== n) throw new InputError('init', `expected ${n} values, got ${init.length}`);
  const bounds = opts.bounds ?? cfg.suggestedBounds;
  const fixed = (opts.fixed ?? cfg.fixed).slice();
  const poi = cfg.poiIndex;
  if (opts.fixedPoi !== undefined) {
    if (!Number.isFinite(opts.fixedPoi)) throw new InputError('poi', `the POI value must be finite, got ${opts.fixedPoi}`);
    init[poi] = opts.fixedPoi;
    fixed[poi] = true;
  }
  const freeIdx: number[] = [];
  for (let i = 0; i < n; i++) if (!fixed[i]) freeIdx.push(i);
  const nf = freeIdx.length;
  const full = Float64Array.from(init);
  const gFull = new Float64Array(n);
  const lo = new Float64Array(nf);
  const hi = new Float64Array(nf);
  const x0 = new Float64Array(nf);
  const scale = new Float64Array(nf);
  for (let k = 0; k < nf; k++) {
    const i = freeIdx[k];
    lo[k] = bounds[i][0];
    hi[k] = bounds[i][1];
    x0[k] = Math.min(hi[k], Math.max(lo[k], init[i]));
    scale[k] = cfg.scales[i];
  }
  const constant = model.nllConstant(data);
  // Gaussian-constrained parameters centred at 0 (normsys / histosys alphas)
  const alphaLike = new Uint8Array(n);
  for (const ps of cfg.parsets)
    if (ps.type === 'constrained_by_normal') for (let j = 0; j < ps.n; j++) alphaLike[ps.start + j] = cfg.suggestedInit[ps.start + j] === 0 ? 1 : 0;
  const objective = (x: Float64Array, g: Float64Array): number => {
    for (let k = 0; k < nf; k++) full[freeIdx[k]] = x[k];
    const v = model.nllCore(full, data, gFull);
    for (let k = 0; k < nf; k++) g[k] = gFull[freeIdx[k]];
    return v;
  };
  let iterations = 0;
  let evaluations = 0;
  const minimizeFrom = (start: Float64Array) => {
    let res = minimizeBounded(objective, start, lo, hi, { scale, pgtol: opts.pgtol ?? 1e-10, stallPgtol: 1e-6 });
    iterations += res.iterations;
    evaluations += res.evaluations;
    // restarts from the last point with fresh curvature memory, if the first run did not reach the tolerance
    for (let r = 0; r < 2 && !res.converged && Number.isFinite(res.f); r++) {
      const again = minimizeBounded(objective, res.x, lo, hi, { scale, pgtol: opts.pgtol ?? 1e-10, stallPgtol: 1e-6 });
      iterations += again.iterations;
      evaluations += again.evaluations;
      if (again.f <= res.f) res = again;
      else break;
    }
    if (!res.converged && Number.isFinite(res.f) && nf <= 600) {
      const polished = newtonPolish(objective, res.x, res.f, lo, hi, scale);
      evaluations += polished.evaluations;
      iterations += polished.iterations;
      if (polished.f <= res.f + 1e-12 * Math.abs(res.f))
        res = {
          ...res,
          x: polished.x,
          f: polished.f,
          pgNorm: polished.pg,
          converged: polished.pg <= 1e-6,
          message: `${res.message}; Newton polish: projected gradient ${polished.pg.toExponential(2)}`,
        };
    }
    return res;
  };
  let res = minimizeFrom(x0);
  // Reflection restart: histosys/normsys variations that move a bin the same way up and down (config.sameSideVariation)
  // make the likelihood a double well in alpha, nearly symmetric about 0 where the fit starts; which well a local
  // method falls into is an accident of its path. Start again with those alphas that left 0 (|alpha| > 0.1) mirrored,
  // and keep the lower minimum.
  if (opts.reflect === true && Number.isFinite(res.f)) {
    const mirrored = Float64Array.from(res.x);
    let any = false;
    for (let k = 0; k < nf; k++) {
      const i = freeIdx[k];
      if (alphaLike[i] && cfg.sameSideVariation[i] && Math.abs(res.x[k]) > 0.1 && -res.x[k] >= lo[k] && -res.x[k] <= hi[k]) {
        mirrored[k] = -res.x[k];
        any = true;
      }
    }
    if (any) {
      const other = minimizeFrom(mirrored);
      if (Number.isFinite(other.f) && other.f < res.f - 1e-9 * Math.max(1, Math.abs(res.f))) {
        res = other;
        fitStats.reflectionWins++;
      }
    }
  }
  fitStats.fits++;
  fitStats.iterations += iterations;
  fitStats.evaluations += evaluations;
  if (!res.converged) fitStats.notConverged++;
  const pars = Float64Array.from(init);
  for (let k = 0; k < nf; k++) pars[freeIdx[k]] = res.x[k];
  if (!Number.isFinite(res.f)) {
    return { pars, nll: NaN, twiceNll: NaN, converged: false, pgNorm: res.pgNorm, iterations, evaluations, message: res.message };
  }
  const nll = res.f + constant;
  return { pars, nll, twiceNll: 2 * nll, converged: res.converged, pgNorm: res.pgNorm, iterations, evaluations, message: res.message };
}

/**
 * A few bounded Newton steps with the Hessian from forward differences of the analytic gradient (scaled variables):
 * finishes fits where the quasi-Newton method stalls in ill-conditioned directions before the gradient is small.
 * Variables at a bound with the gradient pointing outwards stay there; the system is solved by Cholesky with
 * Levenberg damping when the Hessian is not positive definite.
 */
function newtonPolish(
  objective: (x: Float64Array, g: Float64Array) => number,
  x0: Float64Array,
  f0: number,
  lo: Float64Array,
  hi: Float64Array,
  scale: Float64Array,
): { x: Float64Array; f: number; pg: number; evaluations: number; iterations: number } {
  const n = x0.length;
  let x = Float64Array.from(x0);
  let f = f0;
  const g = new Float64Array(n);
  const gp = new Float64Array(n);
  const xp = new Float64Array(n);
  let evaluations = 0;
  const pgOf = (xx: Float64Array, gg: Float64Array) => {
    let m = 0;
    for (let i = 0; i < n; i++) {
      const atLo = xx[i] <= lo[i] && gg[i] > 0;
      const atHi = xx[i] >= hi[i] && gg[i] < 0;
      if (!atLo && !atHi) m = Math.max(m, Math.abs(gg[i] * scale[i]));
    }
    return m;
  };
  f = objective(x, g);
  evaluations++;
  let pg = pgOf(x, g);
  let it = 0;
  for (; it < 4 && pg > 1e-9; it++) {
    const free: number[] = [];
    for (let i = 0; i < n; i++) if (!((x[i] <= lo[i] && g[i] > 0) || (x[i] >= hi[i] && g[i] < 0))) free.push(i);
    const m = free.length;
    const H = new Float64Array(m * m);
    for (let a = 0; a < m; a++) {
      const i = free[a];
      const h = 1e-6 * scale[i] * Math.max(1, Math.abs(x[i] / scale[i]));
      xp.set(x);
      // step away from the nearer bound
      const step = x[i] + h <= hi[i] ? h : -h;
      xp[i] = x[i] + step;
      objective(xp, gp);
      evaluations++;
      for (let b = 0; b < m; b++) H[a * m + b] = (gp[free[b]] - g[free[b]]) / step;
    }
    for (let a = 0; a < m; a++)
      for (let b = a + 1; b < m; b++) {
        const v = 0.5 * (H[a * m + b] + H[b * m + a]);
        H[a * m + b] = v;
        H[b * m + a] = v;
      }
    const rhs = free.map((i) => -g[i]);
    let d: Float64Array | null = null;
    for (let damp = 0, k = 0; k < 8 && !d; k++, damp = damp === 0 ? 1e-8 : damp * 100) d = choleskySolve(H, m, rhs, damp);
    if (!d) break;
    let accepted = false;
    for (let t = 1; t > 1e-4 && !accepted; t *= 0.5) {
      xp.set(x);
      for (let a = 0; a < m; a++) {
        const i = free[a];
        xp[i] = Math.min(hi[i], Math.max(lo[i], x[i] + t * d[a]));
      }
      const fNew = objective(xp, gp);
      evaluations++;
      const pgNew = pgOf(xp, gp);
      if (Number.isFinite(fNew) && fNew <= f + 1e-13 * Math.abs(f) && pgNew < pg) {
        x = Float64Array.from(xp);
        f = fNew;
        g.set(gp);
        pg = pgNew;
        accepted = true;
      }
    }
    if (!accepted) break;
  }
  return { x, f, pg, evaluations, iterations: it };
}

/** Solves (H + damp * diag(H) ) d = rhs by Cholesky; null when not positive definite. */
function choleskySolve(H: Float64Array, m: number, rhs: number[], damp: number): Float64Array | null {
  const L = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = H[i * m + j] + (i === j ? damp * Math.max(Math.abs(H[i * m + i]), 1e-12) : 0);
      for (let k = 0; k < j; k++) s -= L[i * m + k] * L[j * m + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * m + i] = Math.sqrt(s);
      } else L[i * m + j] = s / L[j * m + j];
    }
  }
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = rhs[i];
    for (let k = 0; k < i; k++) s -= L[i * m + k] * y[k];
    y[i] = s / L[i * m + i];
  }
  const d = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < m; k++) s -= L[k * m + i] * d[k];
    d[i] = s / L[i * m + i];
  }
  return d;
}
