/**
 * Bounded limited-memory quasi-Newton minimiser (projected L-BFGS with an active set), on Float64Arrays.
 *
 * Each iteration: the active set holds the variables at a bound whose gradient points out of the box; the L-BFGS
 * two-loop recursion (Nocedal & Wright, Numerical Optimization, 2nd ed., Algorithm 7.4) on the free variables gives the
 * direction; a backtracking Armijo search along the projected path x(a) = P[x + a d] (Bertsekas 1982, "projected
 * Newton" / Kelley 1999, sec. 5.5) gives the step. Variables are rescaled by `scale` (e.g. constraint widths), which
 * sets the initial Hessian approximation to diag(1/scale^2).
 *
 * Convergence: the infinity norm of the projected gradient (in scaled variables) below `pgtol`. When the objective
 * stalls at machine precision first, the result says so and `converged` is true only if the projected gradient is
 * below `stallPgtol`. Non-finite objective values are treated as +Infinity (the line search backs off), never returned.
 */
export interface MinimizeOptions {
  scale?: Float64Array;
  maxIter?: number;
  pgtol?: number;
  stallPgtol?: number;
  memory?: number;
}

export interface MinimizeResult {
  x: Float64Array;
  f: number;
  converged: boolean;
  iterations: number;
  evaluations: number;
  pgNorm: number;
  message: string;
}

type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

export function minimizeBounded(
  fg: ObjectiveWithGradient,
  x0: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  opts: MinimizeOptions = {},
): MinimizeResult {
  const n = x0.length;
  const maxIter = opts.maxIter ?? 2000;
  const pgtol = opts.pgtol ?? 1e-9;
  const stallPgtol = opts.stallPgtol ?? 1e-6;
  const m = opts.memory ?? 20;
  const scale = opts.scale ?? new Float64Array(n).fill(1);

  // scaled variables y = x / scale
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lo[i] = lower[i] / scale[i];
    hi[i] = upper[i] / scale[i];
    y[i] = Math.min(hi[i], Math.max(lo[i], x0[i] / scale[i]));
  }
  const xs = new Float64Array(n);
  const gx = new Float64Array(n);
  let evaluations = 0;
  const evalAt = (yy: Float64Array, gOut: Float64Array): number => {
    for (let i = 0; i < n; i++) xs[i] = yy[i] * scale[i];
    evaluations++;
    const f = fg(xs, gx);
    if (!Number.isFinite(f)) return Infinity;
    for (let i = 0; i < n; i++) {
      const gi = gx[i] * scale[i];
      if (!Number.isFinite(gi)) return Infinity;
      gOut[i] = gi;
    }
    return f;
  };

  const g = new Float64Array(n);
  let f = evalAt(y, g);
  if (!Number.isFinite(f)) {
    return {
      x: Float64Array.from(x0),
      f: NaN,
      converged: false,
      iterations: 0,
      evaluations,
      pgNorm: NaN,
      message: 'objective is not finite at the starting point',
    };
  }
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alphaBuf = new Float64Array(m);
  const d = new Float64Array(n);
  const yNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const free = new Uint8Array(n);
  let stall = 0;
  let iter = 0;
  let message = 'maximum iterations reached';
  let pg = projectedGradNorm(y, g, lo, hi, free);
  let converged = false;

  for (; iter < maxIter; iter++) {
    if (pg <= pgtol) {
      converged = true;
      message = 'projected gradient below tolerance';
      break;
    }
    // direction: two-loop recursion restricted to the free variables
    for (let i = 0; i < n; i++) d[i] = free[i] ? g[i] : 0;
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      const a = rho[j] * dotFree(S[j], d, free);
      alphaBuf[j] = a;
      axpyFree(-a, Y[j], d, free);
    }
    let gammaH = 1;
    if (k > 0) {
      const yy = dotFree(Y[k - 1], Y[k - 1], free);
      const sy = dotFree(S[k - 1], Y[k - 1], free);
      if (yy > 0 && sy > 0) gammaH = sy / yy;
    }
    for (let i = 0; i < n; i++) d[i] *= gammaH;
    for (let j = 0; j < k; j++) {
      const b = rho[j] * dotFree(Y[j], d, free);
      axpyFree(alphaBuf[j] - b, S[j], d, free);
    }
    for (let i = 0; i < n; i++) d[i] = free[i] ? -d[i] : 0;
    let gd = 0;
    for (let i = 0; i < n; i++) gd += g[i] * d[i];
    if (!(gd < 0)) {
      // not a descent direction: drop the memory, use steepest descent on the free set
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = free[i] ? -g[i] : 0;
      gd = 0;
      for (let i = 0; i < n; i++) gd += g[i] * d[i];
    }
    // projected backtracking line search (Armijo on the projected step)
    let step = 1;
    if (S.length === 0) {
      let dn = 0;
      for (let i = 0; i < n; i++) dn = Math.max(dn, Math.abs(d[i]));
      step = Math.min(1, 1 / Math.max(dn, 1e-300));
    }
    let fNew = Infinity;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      let decrease = 0;
      for (let i = 0; i < n; i++) {
        let v = y[i] + step * d[i];
        if (v < lo[i]) v = lo[i];
        else if (v > hi[i]) v = hi[i];
        yNew[i] = v;
        decrease += g[i] * (v - y[i]);
      }
      fNew = evalAt(yNew, gNew);
      if (fNew <= f + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      // quadratic interpolation of the backtrack, safeguarded to [0.1, 0.5]
      const denom = 2 * (fNew - f - decrease);
      let next = Number.isFinite(fNew) && denom > 0 ? (-decrease * step) / denom : 0.5 * step;
      next = Math.min(0.5 * step, Math.max(0.1 * step, next));
      step = next;
    }
    if (!accepted) {
      if (S.length > 0) {
        S.length = 0;
        Y.length = 0;
        rho.length = 0;
        continue;
      }
      message = 'line search failed';
      converged = pg <= stallPgtol;
      break;
    }
    // curvature pair
    const s = new Float64Array(n);
    const yv = new Float64Array(n);
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = yNew[i] - y[i];
      yv[i] = gNew[i] - g[i];
      sy += s[i] * yv[i];
      yy += yv[i] * yv[i];
    }
    if (sy > 1e-12 * yy && sy > 0) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    }
    const df = f - fNew;
    y.set(yNew);
    g.set(gNew);
    f = fNew;
    pg = projectedGradNorm(y, g, lo, hi, free);
    if (df <= 1e-15 * Math.max(1, Math.abs(f))) stall++;
    else stall = 0;
    if (stall >= 5) {
      converged = pg <= stallPgtol;
      message = converged ? 'objective stalled at machine precision (projected gradient small)' : 'objective stalled with a large projected gradient';
      iter++;
      break;
    }
  }
  if (iter >= maxIter && pg <= pgtol) {
    converged = true;
    message = 'projected gradient below tolerance';
  }
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = y[i] * scale[i];
  return { x, f, converged, iterations: iter, evaluations, pgNorm: pg, message };
}

/** Infinity norm of the projected gradient; marks the free variables (not held at a bound by their gradient). */
function projectedGradNorm(y: Float64Array, g: Float64Array, lo: Float64Array, hi: Float64Array, free: Uint8Array): number {
  let norm = 0;
  for (let i = 0; i < y.length; i++) {
    const atLo = y[i] <= lo[i] && g[i] > 0;
    const atHi = y[i] >= hi[i] && g[i] < 0;
    if (atLo || atHi) {
      free[i] = 0;
    } else {
      free[i] = 1;
      // the step the projection allows towards the bound limits the measure (as in L-BFGS-B's pgtol)
      let pgi = g[i];
      if (pgi > 0) pgi = Math.min(pgi, y[i] - lo[i]);
      else pgi = Math.max(pgi, y[i] - hi[i]);
      norm = Math.max(norm, Math.abs(pgi));
    }
  }
  return norm;
}

function dotFree(a: Float64Array, b: Float64Array, free: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) if (free[i]) s += a[i] * b[i];
  return s;
}

function axpyFree(alpha: number, x: Float64Array, y: Float64Array, free: Uint8Array): void {
  for (let i = 0; i < x.length; i++) if (free[i]) y[i] += alpha * x[i];
}
