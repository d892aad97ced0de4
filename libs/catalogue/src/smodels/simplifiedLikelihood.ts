import { InputError } from '@sigmap/contracts';
import { inverseSpd, logDetSpd, solveSpd } from './linalg';
import { brentRoot as brentBracketed, lgamma as logGamma, normalCdf as normCdf } from '@sigmap/stats';

/** Brent's method on [a, b] (the stats lib's scipy-brentq port, with the end-point values computed here). */
const brentRoot = (f: (x: number) => number, a: number, b: number, xtol: number, rtol: number) => brentBracketed(f, a, b, f(a), f(b), xtol, rtol);

/**
 * Simplified likelihoods for counting experiments, as SModelS's `smodels.statistics.simplifiedLikelihoods`
 * (CMS-NOTE-2017-001, the linear model of arXiv:1809.05548):
 *
 *   L(mu, theta) = prod_i Poisson(n_i | mu s_i + b_i + theta_i) * N(theta | 0, V)
 *
 * with V the background covariance. The nuisances theta are profiled (not marginalised), as SModelS does by
 * default; the signal's relative uncertainty `deltasRel` only seeds SModelS's nuisance fit and does not enter
 * its likelihood, so it does not enter ours either. Upper limits use the CLs method with the q~_mu test statistic
 * in the asymptotic approximation (Cowan, Cranmer, Gross, Vitells, arXiv:1007.1727 eqs. 65-66), with Asimov data
 * b + theta_hat(mu=0) (SModelS `generateAsimovData`, `CLsfromNLL`). The skewed (third-moment) model is not
 * implemented.
 */
export interface CountingData {
  observed: number[];
  backgrounds: number[];
  /** Background covariance (n x n); for one region, [[bgError^2]]. */
  covariance: number[][];
  /** Signal yields at mu = 1. */
  nsignal: number[];
  deltasRel?: number;
  lumi?: number;
}

export type Evaluation = 'observed' | 'apriori' | 'aposteriori';

export function validateCountingData(d: CountingData, field = 'counting data'): void {
  const n = d.observed.length;
  if (n === 0) throw new InputError(field, 'needs at least one signal region');
  for (const [k, a] of [['backgrounds', d.backgrounds], ['nsignal', d.nsignal]] as const)
    if (a.length !== n) throw new InputError(`${field}.${k}`, `has ${a.length} entries, observed has ${n}`);
  if (d.covariance.length !== n || d.covariance.some((r) => r.length !== n)) throw new InputError(`${field}.covariance`, `must be ${n}x${n}`);
  const all = [...d.observed, ...d.backgrounds, ...d.nsignal, ...d.covariance.flat()];
  if (all.some((x) => !Number.isFinite(x))) throw new InputError(field, 'all numbers must be finite');
  if (d.observed.some((x) => x < 0) || d.backgrounds.some((x) => x < 0)) throw new InputError(field, 'observed and background counts must be >= 0');
  if (d.nsignal.some((x) => x < 0)) throw new InputError(`${field}.nsignal`, 'signal yields must be >= 0');
  if (!inverseSpd(d.covariance)) throw new InputError(`${field}.covariance`, 'is not positive definite');
}

export class CountingLikelihood {
  readonly n: number;
  private readonly weight: number[][];
  private readonly logcoeff: number;
  private readonly gammaln: number[];
  private cache = new Map<number, number[]>();

  constructor(readonly data: CountingData) {
    validateCountingData(data);
    this.n = data.observed.length;
    this.weight = inverseSpd(data.covariance)!;
    this.logcoeff = (-this.n / 2) * Math.log(2 * Math.PI) - 0.5 * logDetSpd(data.covariance)!;
    this.gammaln = data.observed.map((x) => logGamma(x + 1));
  }

  /** Same model with other observations (Asimov or expected data). */
  withObserved(observed: number[]): CountingLikelihood {
    return new CountingLikelihood({ ...this.data, observed });
  }

  private lambda(mu: number, theta: number[]): number[] {
    const { nsignal: s, backgrounds: b } = this.data;
    return theta.map((t, i) => mu * s[i] + b[i] + t);
  }

  /** -ln L(mu, theta), with the Poisson and Gaussian normalisations (SModelS `nllOfTheta`). */
  nllOfTheta(mu: number, theta: number[]): number {
    const lam = this.lambda(mu, theta).map((x) => (x <= 0 ? 1e-30 : x));
    const obs = this.data.observed;
    let poisson = 0;
    for (let i = 0; i < this.n; i++) poisson += -lam[i] + obs[i] * Math.log(lam[i]) - this.gammaln[i];
    let quad = 0;
    for (let i = 0; i < this.n; i++) for (let j = 0; j < this.n; j++) quad += theta[i] * this.weight[i][j] * theta[j];
    return -(-0.5 * quad + this.logcoeff) - poisson;
  }

  /** theta_hat(mu): the nuisances maximising L at fixed mu, by Newton's method on the convex -ln L. */
  thetaHat(mu: number): number[] {
    const hit = this.cache.get(mu);
    if (hit) return hit;
    const { observed: n, backgrounds: b, nsignal: s, covariance: V } = this.data;
    // Start: each region alone (SModelS getThetaHat without correlations): theta^2 + theta (ntot + s2) + s2 (ntot - n) = 0.
    let theta = b.map((bi, i) => {
      const ntot = mu * s[i] + bi;
      const s2 = V[i][i];
      const p = ntot + s2;
      const q = s2 * (ntot - n[i]);
      return -p / 2 + Math.sign(p) * Math.sqrt(Math.max(0, (p * p) / 4 - q));
    });
    const lowest = b.map((bi, i) => -(mu * s[i] + bi));
    theta = theta.map((t, i) => (t <= lowest[i] ? lowest[i] + 1e-9 * (1 + Math.abs(lowest[i])) : t));
    let f = this.nllOfTheta(mu, theta);
    for (let iter = 0; iter < 200; iter++) {
      const lam = this.lambda(mu, theta);
      const grad = theta.map((_, i) => {
        let g = 1 - n[i] / lam[i];
        for (let j = 0; j < this.n; j++) g += this.weight[i][j] * theta[j];
        return g;
      });
      const H = this.weight.map((row, i) => row.map((w, j) => (i === j ? w + n[i] / (lam[i] * lam[i]) : w)));
      const step = solveSpd(H, grad);
      if (!step) break;
      let t = 1;
      let next = theta;
      let fn = f;
      for (let k = 0; k < 60; k++) {
        next = theta.map((x, i) => x - t * step[i]);
        if (next.every((x, i) => x > lowest[i] || n[i] === 0)) {
          fn = this.nllOfTheta(mu, next);
          if (fn <= f + 1e-12 * Math.abs(f)) break;
        }
        t /= 2;
      }
      const moved = Math.max(...step.map((x, i) => Math.abs(t * x) / (1 + Math.abs(theta[i]))));
      theta = next;
      f = fn;
      if (moved < 1e-13) break;
    }
    if (this.cache.size > 10000) this.cache.clear();
    this.cache.set(mu, theta);
    return theta;
  }

  /** Profiled -ln L at mu. */
  nll(mu: number): number {
    return this.nllOfTheta(mu, this.thetaHat(mu));
  }

  /** d(-ln L_profiled)/d mu = sum_i s_i (1 - n_i / lambda_i) at theta_hat(mu) (envelope theorem). */
  dNllDMu(mu: number): number {
    const lam = this.lambda(mu, this.thetaHat(mu));
    return this.data.nsignal.reduce((acc, s, i) => acc + s * (1 - this.data.observed[i] / lam[i]), 0);
  }

  /** mu_hat >= 0 maximising the profiled likelihood (the profiled -ln L is convex in mu). */
  muHat(allowNegative = false): number {
    if (this.data.nsignal.every((x) => x === 0)) return 0;
    const lower = allowNegative ? this.lowestMu() : 0;
    if (this.dNllDMu(lower) >= 0) return lower;
    let hi = Math.max(1, lower + 1);
    for (let k = 0; k < 200 && this.dNllDMu(hi) < 0; k++) hi *= 2;
    return brentRoot((m) => this.dNllDMu(m), lower, hi, 1e-14, 1e-12);
  }

  private lowestMu(): number {
    const { nsignal: s, backgrounds: b } = this.data;
    let lo = -Infinity;
    s.forEach((si, i) => {
      if (si > 0) lo = Math.max(lo, -b[i] / si);
    });
    return Number.isFinite(lo) ? lo * 0.999999 : 0;
  }

  /** The data of an evaluation type: observed; apriori = backgrounds; aposteriori = b + theta_hat(mu=0). */
  forEvaluation(evaluation: Evaluation): CountingLikelihood {
    if (evaluation === 'observed') return this;
    if (evaluation === 'apriori') return this.withObserved(this.data.backgrounds.slice());
    const th = this.thetaHat(0);
    return this.withObserved(this.data.backgrounds.map((b, i) => Math.max(0, b + th[i])));
  }
}

/** SModelS `CLsfromNLL` (q~_mu asymptotics, CCGV eqs. 65-66), CLs = CLsb / CLb. */
export function clsFromNll(nllA: number, nll0A: number, nll: number, nll0: number, bigMuhat: boolean): { cls: number; clsb: number; clb: number } {
  const qmu = nll < nll0 || bigMuhat ? 0 : 2 * (nll - nll0);
  const sqmu = Math.sqrt(qmu);
  const qA = Math.max(0, 2 * (nllA - nll0A));
  const sqA = Math.sqrt(qA);
  let clsb: number;
  let clb: number;
  if (qA >= qmu) {
    clsb = 1 - normCdf(sqmu);
    clb = normCdf(sqA - sqmu);
  } else {
    clsb = qA === 0 ? 1 : 1 - normCdf((qmu + qA) / (2 * sqA));
    clb = qA === 0 ? 1 : 1 - normCdf((qmu - qA) / (2 * sqA));
  }
  return { cls: clb > 0 ? clsb / clb : 0, clsb, clb };
}

export interface ClsFunction {
  muHat: number;
  /** CLs at signal strength mu. */
  cls(mu: number): number;
}

/** SModelS `SLUpperLimitComputer.getCLsRootFunc`: the CLs(mu) of one evaluation type. */
export function clsFunction(lh: CountingLikelihood, evaluation: Evaluation = 'observed'): ClsFunction | undefined {
  if (lh.data.nsignal.every((x) => x <= 0)) return undefined;
  const comp = lh.forEvaluation(evaluation);
  const muHat = comp.muHat();
  const th0 = comp.thetaHat(0);
  // b + theta_hat(0) is the expected count; with a large background covariance (CMS aggregated SRs) the profiled
  // nuisance can push it below zero, where no Poisson mean lies: the Asimov count is then 0.
  const asimov = comp.withObserved(comp.data.backgrounds.map((b, i) => Math.max(0, b + th0[i])));
  const nll0 = comp.nll(muHat);
  const muHatA = asimov.muHat();
  const nll0A = asimov.nll(muHatA);
  return {
    muHat,
    cls: (mu: number) => clsFromNll(asimov.nll(mu), nll0A, comp.nll(mu), nll0, muHat > mu).cls,
  };
}

/** 95% CL (by default) CLs upper limit on mu (SModelS `getUpperLimitOnMu`); undefined when there is no signal. */
export function upperLimitOnMu(lh: CountingLikelihood, evaluation: Evaluation = 'observed', cl = 0.95): number | undefined {
  const f = clsFunction(lh, evaluation);
  if (!f) return undefined;
  const alpha = 1 - cl;
  const g = (mu: number) => f.cls(mu) - alpha;
  const lo = f.muHat;
  if (g(lo) <= 0) return lo;
  let hi = Math.max(lo * 2, lo + 1e-3);
  for (let k = 0; g(hi) > 0; k++) {
    if (k > 200) return undefined;
    hi *= 2;
  }
  const a = lo;
  return brentRoot(g, a, hi, 1e-12, 1e-10);
}
