/**
 * Upper limits on the POI (pyhf.infer.intervals.upper_limits):
 *  - 'root' (default): the mu where CLs(mu) = 1 - cl, for the observed CLs and each of the 5 expected-band curves,
 *    by bracketing (pyhf toms748_scan: halve the lower / double the upper bound until every curve is bracketed) and
 *    Brent's method (Brent 1973, ch. 4; as scipy.optimize.brentq) to a tight tolerance (xtol 2e-12, rtol 1e-10), so the
 *    result is the root itself rather than pyhf's default rtol 1e-4 approximation of it.
 *  - 'scan': hypotests on a grid and linear interpolation of mu at CLs = 1 - cl (pyhf linear_grid_scan, numpy.interp on
 *    the reversed arrays).
 * Only the asymptotic calculator with q~_mu is used, as pyhf's default.
 *
 * The POI's upper bound: the fits behind q~_mu (arXiv:1007.1727 eq. 16) must never clamp mu_hat, nor be asked for a
 * fixed mu outside the bound. When the free fit ends on the POI's upper bound, or the bracket must reach above it, the
 * bound is widened (doubled until mu_hat is interior and the bracket fits) and every hypotest is recomputed on the
 * widened model; the bound used is reported. pyhf instead refuses a scan past par_bounds.
 */
import { InputError } from '@sigmap/contracts';
import type { HistFactoryModel } from '../model/model';
import { AsymptoticCalculator } from './asymptotics';
import { checkHypotestInputs } from './hypotest';
import { fit } from './mle';

export interface UpperLimitOptions {
  cl?: number;
  method?: 'root' | 'scan';
  scan?: number[];
  testStat?: 'qtilde' | 'q';
  xtol?: number;
  rtol?: number;
}

export interface UpperLimitResult {
  muUpObs: number;
  muUpExp: number[];
  /** All hypotests computed (on the final model): mu, CLs_obs, CLs_exp[5]. */
  evaluations: { mu: number; clsObs: number; clsExp: number[] }[];
  /** The POI bounds the fits used (wider than the model's suggested bounds when the limit lies above them). */
  poiBounds: [number, number];
}

/** The model with the POI's upper bound moved to `hi` (nothing else changes). */
function withPoiUpperBound(model: HistFactoryModel, hi: number): HistFactoryModel {
  const poi = model.config.poiIndex;
  const bounds = model.config.suggestedBounds.map((b, i) => (i === poi ? ([b[0], hi] as [number, number]) : b));
  const widened = Object.create(model) as HistFactoryModel & { config: HistFactoryModel['config'] };
  Object.defineProperty(widened, 'config', { value: { ...model.config, suggestedBounds: bounds }, enumerable: true });
  return widened;
}

/** numpy.interp(x, xp, fp) for increasing xp (ends clamp to fp[0], fp[-1]). */
function interp(x: number, xp: number[], fp: number[]): number {
  const n = xp.length;
  if (x <= xp[0]) return fp[0];
  if (x >= xp[n - 1]) return fp[n - 1];
  let j = 0;
  while (j < n - 2 && !(xp[j] <= x && x < xp[j + 1])) j++;
  const slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
  return fp[j] + slope * (x - xp[j]);
}

/** Brent's root finder on [a, b] with f(a), f(b) of opposite signs (scipy brentq's algorithm). */
export function brentRoot(f: (x: number) => number, a: number, b: number, fa: number, fb: number, xtol = 2e-12, rtol = 1e-10, maxIter = 200): number {
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (fa * fb > 0) throw new Error(`brentRoot: f(${a}) and f(${b}) have the same sign`);
  let xpre = a,
    xcur = b,
    fpre = fa,
    fcur = fb;
  let xblk = 0,
    fblk = 0,
    spre = 0,
    scur = 0;
  for (let i = 0; i < maxIter; i++) {
    if (fpre !== 0 && fcur !== 0 && Math.sign(fpre) !== Math.sign(fcur)) {
      xblk = xpre;
      fblk = fpre;
      spre = scur = xcur - xpre;
    }
    if (Math.abs(fblk) < Math.abs(fcur)) {
      xpre = xcur;
      xcur = xblk;
      xblk = xpre;
      fpre = fcur;
      fcur = fblk;
      fblk = fpre;
    }
    const delta = (xtol + rtol * Math.abs(xcur)) / 2;
    const sbis = (xblk - xcur) / 2;
    if (fcur === 0 || Math.abs(sbis) < delta) return xcur;
    if (Math.abs(spre) > delta && Math.abs(fcur) < Math.abs(fpre)) {
      let stry: number;
      if (xpre === xblk) stry = (-fcur * (xcur - xpre)) / (fcur - fpre);
      else {
        const dpre = (fpre - fcur) / (xpre - xcur);
        const dblk = (fblk - fcur) / (xblk - xcur);
        stry = (-fcur * (fblk * dblk - fpre * dpre)) / (dblk * dpre * (fblk - fpre));
      }
      if (2 * Math.abs(stry) < Math.min(Math.abs(spre), 3 * Math.abs(sbis) - delta)) {
        spre = scur;
        scur = stry;
      } else {
        spre = sbis;
        scur = sbis;
      }
    } else {
      spre = sbis;
      scur = sbis;
    }
    xpre = xcur;
    fpre = fcur;
    if (Math.abs(scur) > delta) xcur += scur;
    else xcur += sbis > 0 ? delta : -delta;
    fcur = f(xcur);
  }
  return xcur;
}

export function upperLimit(model: HistFactoryModel, data: ArrayLike<number>, opts: UpperLimitOptions = {}): UpperLimitResult {
  const cl = opts.cl ?? 0.95;
  if (!(cl > 0 && cl < 1)) throw new InputError('cl', `must be in (0, 1), got ${cl}`);
  checkHypotestInputs(model, { testStat: opts.testStat });
  const level = 1 - cl;
  const testStat = opts.testStat ?? 'qtilde';
  const poi = model.config.poiIndex;
  const [poiLo, poiHi] = model.config.suggestedBounds[poi];
  let bound = poiHi;
  let current = model;
  let calc = new AsymptoticCalculator(current, data, testStat);
  const cache = new Map<number, number[]>();
  const evaluations: UpperLimitResult['evaluations'] = [];
  const widenTo = (hi: number) => {
    bound = hi;
    current = withPoiUpperBound(model, hi);
    calc = new AsymptoticCalculator(current, data, testStat);
    cache.clear();
    evaluations.length = 0;
  };
  const at = (mu: number): number[] => {
    let v = cache.get(mu);
    if (!v) {
      const r = calc.evaluate(mu);
      v = [r.cls, ...r.expected.cls];
      cache.set(mu, v);
      evaluations.push({ mu, clsObs: v[0], clsExp: v.slice(1) });
    }
    return v;
  };
  if ((opts.method ?? (opts.scan ? 'scan' : 'root')) === 'scan') {
    const scan = opts.scan;
    if (!scan || scan.length < 2) throw new InputError('scan', 'give at least two POI values to scan');
    const top = Math.max(...scan);
    if (top > bound) widenTo(top);
    const results = scan.map(at);
    const limits = [0, 1, 2, 3, 4, 5].map((k) => interp(level, results.map((r) => r[k]).reverse(), scan.slice().reverse()));
    return { muUpObs: limits[0], muUpExp: limits.slice(1), evaluations, poiBounds: [poiLo, bound] };
  }
  // mu_hat on the upper bound: the likelihood wants a larger signal than the bound allows; widen until it is interior
  for (let k = 0; ; k++) {
    const free = fit(current, data);
    if (!(free.pars[poi] >= bound * (1 - 1e-9) && bound > 0)) break;
    if (k > 30) throw new InputError('upper-limit', `the best-fit POI stays on its upper bound up to ${bound}: no upper limit`);
    widenTo(bound * 2);
  }
  let lo = poiLo;
  let hi = Math.min(poiHi, bound);
  for (let k = 0; at(lo).some((v) => v < level); k++) {
    if (k > 60 || lo === 0) throw new InputError('upper-limit', `CLs is below ${level} already at the POI lower bound ${lo}: no upper limit in range`);
    lo /= 2;
  }
  for (let k = 0; at(hi).some((v) => v > level); k++) {
    if (k > 30) throw new InputError('upper-limit', `CLs stays above ${level} up to mu = ${hi}: no upper limit found`);
    hi *= 2;
    if (hi > bound) {
      // the bracket leaves the fits' POI range: recompute everything on a model whose bound covers it
      widenTo(hi);
      at(lo);
    }
  }
  const xtol = opts.xtol ?? 2e-12;
  const rtol = opts.rtol ?? 1e-10;
  const solve = (k: number): number => {
    // tightest cached bracket (pyhf best_bracket)
    let a = lo,
      fa = at(lo)[k] - level,
      b = hi,
      fb = at(hi)[k] - level;
    for (const [mu, v] of cache) {
      const fv = v[k] - level;
      if (fv >= 0 && fv < fa) {
        a = mu;
        fa = fv;
      } else if (fv < 0 && fv > fb) {
        b = mu;
        fb = fv;
      }
    }
    return brentRoot((mu) => at(mu)[k] - level, a, b, fa, fb, xtol, rtol);
  };
  const muUpObs = solve(0);
  const muUpExp = [1, 2, 3, 4, 5].map(solve);
  return { muUpObs, muUpExp, evaluations, poiBounds: [poiLo, bound] };
}
