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
 * b + theta_hat(mu=0) (SModelS `generateAsimovData`, `CLsfromNLL`).
 *
 * With third moments m3 of the backgrounds (the database's `thirdMoment`, given for every region of a combination),
 * the skewed model of arXiv:1809.05548 (SLv2, eqs. 1.27-1.30; SModelS `SLData._computeABC`) replaces the mean:
 *
 *   lambda_i = mu s_i + A_i + theta_i + C_i theta_i^2 / B_i^2,   theta ~ N(0, B rho B),
 *   C_i = -sign(m3_i) sqrt(2 m2_i) cos(4 pi / 3 + atan(sqrt(8 m2_i^3 / m3_i^2 - 1)) / 3),
 *   B_i = sqrt(m2_i - 2 C_i^2),  A_i = b_i - C_i,
 *   rho_ij = (sqrt((B_i B_j)^2 + 8 C_i C_j V_ij) - B_i B_j) / (4 C_i C_j),
 *
 * with m2 the covariance's diagonal; Asimov and a-posteriori counts are then A + theta_hat + C theta_hat^2 / B^2.
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
  /** Third moments of the backgrounds per region (the skewed model); all zero or absent: the linear model. */
  thirdMoment?: number[];
}

/** The skewed model's terms (arXiv:1809.05548 eqs. 1.27-1.30): mean A + theta + C theta^2 / B^2, theta ~ N(0, V). */
interface Skew {
  A: number[];
  B2: number[];
  C: number[];
  /** Covariance of theta: B rho B. */
  V: number[][];
}

/** SModelS `_computeABC`; errors name thirdMoment[i] where a moment admits no skewed normal (negative radicand). */
export function skewTerms(d: CountingData, field = 'counting data'): Skew | undefined {
  const m3s = d.thirdMoment;
  if (!m3s || m3s.reduce((a, x) => a + Math.abs(x), 0) < 1e-10) return undefined;
  const n = d.backgrounds.length;
  const C: number[] = [];
  const B: number[] = [];
  for (let i = 0; i < n; i++) {
    const m2 = d.covariance[i][i];
    const m3 = m3s[i] === 0 ? 1e-30 : m3s[i];
    const k = -Math.sign(m3) * Math.sqrt(2 * m2);
    const r = (8 * m2 ** 3) / m3 ** 2 - 1;
    if (!(r >= 0))
      throw new InputError(
        `${field}.thirdMoment[${i}]`,
        `|m3| = ${Math.abs(m3)} is too large for the variance ${m2} (8 m2^3 / m3^2 - 1 = ${r.toPrecision(3)} < 0)`,
      );
    C.push(k * Math.cos((4 * Math.PI) / 3 + Math.atan(Math.sqrt(r)) / 3));
    B.push(Math.sqrt(m2 - 2 * C[i] ** 2));
  }
  const V = Array.from({ length: n }, (_, x) =>
    Array.from({ length: n }, (_, y) => {
      const bxby = B[x] * B[y];
      const cxcy = C[x] * C[y];
      const rho = (Math.sqrt(bxby ** 2 + 8 * cxcy * d.covariance[x][y]) - bxby) / (4 * cxcy);
      return bxby * rho;
    }),
  );
  return { A: d.backgrounds.map((b, i) => b - C[i]), B2: B.map((b) => b * b), C, V };
}

export type Evaluation = 'observed' | 'apriori' | 'aposteriori';

function validateCountingData(d: CountingData, field = 'counting data'): void {
  const n = d.observed.length;
  if (n === 0) throw new InputError(field, 'needs at least one signal region');
  for (const [k, a] of [
    ['backgrounds', d.backgrounds],
    ['nsignal', d.nsignal],
  ] as const)
    if (a.length !== n) throw new InputError(`${field}.${k}`, `has ${a.length} entries, observed has ${n}`);
  if (d.covariance.length !== n || d.covariance.some((r) => r.length !== n)) throw new InputError(`${field}.covariance`, `must be ${n}x${n}`);
  const all = [...d.observed, ...d.backgrounds, ...d.nsignal, ...d.covariance.flat()];
  if (all.some((x) => !Number.isFinite(x))) throw new InputError(field, 'all numbers must be finite');
  if (d.observed.some((x) => x < 0) || d.backgrounds.some((x) => x < 0)) throw new InputError(field, 'observed and background counts must be >= 0');
  if (d.nsignal.some((x) => x < 0)) throw new InputError(`${field}.nsignal`, 'signal yields must be >= 0');
  if (!inverseSpd(d.covariance)) throw new InputError(`${field}.covariance`, 'is not positive definite');
  if (d.thirdMoment !== undefined) {
    if (d.thirdMoment.length !== n) throw new InputError(`${field}.thirdMoment`, `has ${d.thirdMoment.length} entries, observed has ${n}`);
    if (d.thirdMoment.some((x) => !Number.isFinite(x))) throw new InputError(`${field}.thirdMoment`, 'all numbers must be finite');
    const sk = skewTerms(d, field);
    if (sk && !inverseSpd(sk.V)) throw new InputError(`${field}.thirdMoment`, "the skewed model's covariance B rho B is not positive definite");
  }
}

export class CountingLikelihood {
  readonly n: number;
  private readonly weight: number[][];
  private readonly logcoeff: number;
  private readonly gammaln: number[];
  private readonly skew: Skew | undefined;
  private cache = new Map<number, number[]>();

  constructor(readonly data: CountingData) {
    validateCountingData(data);
    this.n = data.observed.length;
    this.skew = skewTerms(data);
    const V = this.skew ? this.skew.V : data.covariance;
    this.weight = inverseSpd(V)!;
    this.logcoeff = (-this.n / 2) * Math.log(2 * Math.PI) - 0.5 * logDetSpd(V)!;
    this.gammaln = data.observed.map((x) => logGamma(x + 1));
  }

  /** Whether the skewed (third-moment) model is in use. */
  get skewed(): boolean {
    return this.skew !== undefined;
  }

  /** The expected background count at nuisances theta (b + theta, or A + theta + C theta^2 / B^2). */
  expectedBackground(theta: number[]): number[] {
    const sk = this.skew;
    return sk ? theta.map((t, i) => sk.A[i] + t + (sk.C[i] * t * t) / sk.B2[i]) : theta.map((t, i) => this.data.backgrounds[i] + t);
  }

  /** Same model with other observations (Asimov or expected data). */
  withObserved(observed: number[]): CountingLikelihood {
    return new CountingLikelihood({ ...this.data, observed });
  }

  private lambda(mu: number, theta: number[]): number[] {
    const s = this.data.nsignal;
    return this.expectedBackground(theta).map((x, i) => mu * s[i] + x);
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

  /**
   * theta_hat(mu): the nuisances maximising L at fixed mu, by a projected Newton method (Bertsekas 1982). The
   * expected count of every region stays >= 0: a region that observed n > 0 events keeps it > 0 through its log
   * term; one that observed none contributes lambda itself and is held at lambda = 0 when the fit pushes it there
   * (its nuisance leaves the Newton system while the gradient pushes outwards). The linear model's -ln L is convex;
   * the skewed model's Hessian is shifted towards the identity where it is not positive definite.
   */
  thetaHat(mu: number): number[] {
    const hit = this.cache.get(mu);
    if (hit) return hit;
    const { observed: n, backgrounds: b, nsignal: s, covariance: V } = this.data;
    const sk = this.skew;
    const N = this.n;
    // Start: each region alone (SModelS getThetaHat without correlations): theta^2 + theta (ntot + s2) + s2 (ntot - n) = 0.
    let theta = b.map((bi, i) => {
      const ntot = mu * s[i] + bi;
      const s2 = V[i][i];
      const p = ntot + s2;
      const q = s2 * (ntot - n[i]);
      return -p / 2 + Math.sign(p) * Math.sqrt(Math.max(0, (p * p) / 4 - q));
    });
    // lowest nuisance of the linear model: lambda = 0
    const lowest = b.map((bi, i) => -(mu * s[i] + bi));
    const feasible = (th: number[]) => this.lambda(mu, th).every((l, i) => (n[i] > 0 ? l > 0 : l >= 0));
    if (sk) {
      if (!feasible(theta)) theta = theta.map(() => 0);
    } else theta = theta.map((t, i) => (t <= lowest[i] ? (n[i] > 0 ? lowest[i] + 1e-9 * (1 + Math.abs(lowest[i])) : lowest[i]) : t));
    let f = this.nllOfTheta(mu, theta);
    for (let iter = 0; iter < 300; iter++) {
      const lam = this.lambda(mu, theta);
      // d lambda_i / d theta_i and its derivative (1 and 0 in the linear model)
      const g1 = theta.map((t, i) => (sk ? 1 + (2 * sk.C[i] * t) / sk.B2[i] : 1));
      const g2 = theta.map((_, i) => (sk ? (2 * sk.C[i]) / sk.B2[i] : 0));
      const grad = theta.map((_, i) => {
        let g = (n[i] > 0 ? 1 - n[i] / lam[i] : 1) * g1[i];
        for (let j = 0; j < N; j++) g += this.weight[i][j] * theta[j];
        return g;
      });
      // held at lambda = 0: an empty region whose descent would push its expected count below zero
      const held = lam.map((l, i) => n[i] === 0 && l <= 1e-12 * (1 + Math.abs(b[i])) && grad[i] * g1[i] > 0);
      const free = theta.map((_, i) => i).filter((i) => !held[i]);
      if (free.length === 0) break;
      let stepFree: number[] | undefined;
      for (let damp = 0, k = 0; k < 30 && !stepFree; k++, damp = damp ? damp * 10 : 1e-6) {
        const H = free.map((i) =>
          free.map((j) => {
            const w = this.weight[i][j];
            if (i !== j) return w;
            const curv = n[i] > 0 ? (n[i] / (lam[i] * lam[i])) * g1[i] * g1[i] + (1 - n[i] / lam[i]) * g2[i] : g2[i];
            return w + curv + damp * (1 + Math.abs(w));
          }),
        );
        stepFree = solveSpd(
          H,
          free.map((i) => grad[i]),
        );
      }
      if (!stepFree) break;
      const step = new Array<number>(N).fill(0);
      free.forEach((i, k) => (step[i] = stepFree![k]));
      let t = 1;
      let next = theta;
      let fn = f;
      let accepted = false;
      for (let k = 0; k < 60; k++) {
        next = theta.map((x, i) => x - t * step[i]);
        // the linear model's empty regions are projected onto lambda = 0 (their bound)
        if (!sk) next = next.map((x, i) => (n[i] === 0 && x < lowest[i] ? lowest[i] : x));
        if (feasible(next)) {
          fn = this.nllOfTheta(mu, next);
          if (fn <= f + 1e-12 * Math.abs(f)) {
            accepted = true;
            break;
          }
        }
        t /= 2;
      }
      if (!accepted) break;
      const moved = Math.max(...next.map((x, i) => Math.abs(x - theta[i]) / (1 + Math.abs(theta[i]))));
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
    return this.withObserved(this.expectedBackground(this.thetaHat(0)).map((x) => Math.max(0, x)));
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
  // the expected count at theta_hat(0); with a large background covariance (CMS aggregated SRs) the profiled
  // nuisance can push it below zero, where no Poisson mean lies: the Asimov count is then 0.
  const asimov = comp.withObserved(comp.expectedBackground(comp.thetaHat(0)).map((x) => Math.max(0, x)));
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
