/**
 * Asymptotic calculator (pyhf.infer.calculators.AsymptoticCalculator), arXiv:1007.1727:
 *  - Asimov data set (sec. 3.2, eq. 24): expected main and auxiliary data at the conditional fit to the observed data
 *    with the POI at mu' = 0 for q_mu / q~_mu and mu' = 1 for q0; aux data = the fitted nuisance values.
 *  - sigma from the Asimov data: q_{mu,A} = (mu - mu')^2 / sigma^2 (eq. 32).
 *  - test statistic in the "sqrt" form pyhf uses: sqrt(q_mu) - sqrt(q_mu,A) for q and q0 (eqs. 53, 57), and for q~_mu
 *    the two branches of eq. 65: sqrt(q~) - sqrt(q~_A) if q~ <= q~_A else (q~ - q~_A) / (2 sqrt(q~_A)).
 *  - p-values: CL_{s+b} = Phi(-(t + sqrt(q_A))), CL_b = Phi(-t), CL_s = CL_{s+b} / CL_b (eqs. 59, 66; Read 2002);
 *    expected band: t = n for n in [2, 1, 0, -1, -2] (the background-only distribution's n-sigma quantiles).
 */
import type { HistFactoryModel } from '../model/model';
import { fit, type FitResult } from './mle';
import { normalCdf } from './normal';
import { testStatFunction, type TestStatName } from './teststat';

export interface AsymptoticResult {
  teststat: number;
  sqrtqmuA: number;
  clsb: number;
  clb: number;
  cls: number;
  expected: { clsb: number[]; clb: number[]; cls: number[] };
  fits: { freeData: FitResult; fixedData: FitResult; asimov: FitResult; freeAsimov: FitResult; fixedAsimov: FitResult };
  asimovData: Float64Array;
}

/** Asimov data (arXiv:1007.1727 eq. 24; pyhf generate_asimov_data). */
export function asimovData(model: HistFactoryModel, data: ArrayLike<number>, asimovMu: number): { data: Float64Array; fit: FitResult } {
  const f = fit(model, data, { fixedPoi: asimovMu });
  return { data: model.expectedData(f.pars), fit: f };
}

/**
 * Caches what does not depend on the tested mu (the free fit to the data, the Asimov data and the free fit to it), so
 * that scans and root finding cost two fits per new mu. `evaluate` with a fresh calculator reproduces pyhf's hypotest.
 */
export class AsymptoticCalculator {
  private freeData?: FitResult;
  private asimov?: { data: Float64Array; fit: FitResult };
  private freeAsimov?: FitResult;

  constructor(
    readonly model: HistFactoryModel,
    readonly data: ArrayLike<number>,
    readonly testStat: TestStatName = 'qtilde',
  ) {}

  evaluate(mu: number): AsymptoticResult {
    const ts = testStatFunction(this.testStat);
    const obs = ts(this.model, this.data, mu, this.freeData);
    this.freeData = obs.freeFit;
    if (!this.asimov) this.asimov = asimovData(this.model, this.data, this.testStat === 'q0' ? 1 : 0);
    const asi = ts(this.model, this.asimov.data, mu, this.freeAsimov);
    this.freeAsimov = asi.freeFit;
    const sqrtq = Math.sqrt(obs.value);
    const sqrtqA = Math.sqrt(asi.value);
    let t: number;
    if (this.testStat === 'qtilde' && sqrtq > sqrtqA && sqrtqA > 0) t = (obs.value - asi.value) / (2 * sqrtqA);
    else t = sqrtq - sqrtqA;
    const pv = (v: number) => {
      const clsb = normalCdf(-(v + sqrtqA));
      const clb = normalCdf(-v);
      return { clsb, clb, cls: clsb / clb };
    };
    const o = pv(t);
    const exp = [2, 1, 0, -1, -2].map(pv);
    return {
      teststat: t,
      sqrtqmuA: sqrtqA,
      ...o,
      expected: { clsb: exp.map((e) => e.clsb), clb: exp.map((e) => e.clb), cls: exp.map((e) => e.cls) },
      fits: { freeData: obs.freeFit, fixedData: obs.fixedFit, asimov: this.asimov.fit, freeAsimov: asi.freeFit, fixedAsimov: asi.fixedFit },
      asimovData: this.asimov.data,
    };
  }
}
