/**
 * Profile-likelihood test statistics of Cowan, Cranmer, Gross, Vitells, arXiv:1007.1727 (Eur. Phys. J. C 71 (2011) 1554),
 * as pyhf.infer.test_statistics implements them:
 *   t_mu = -2 ln lambda(mu), lambda(mu) = L(mu, theta_hathat) / L(mu_hat, theta_hat)           (eq. 8; clipped at 0)
 *   q0   = t_0 if mu_hat >= 0, else 0                                                          (eq. 12)
 *   q_mu = t_mu if mu_hat <= mu, else 0                                                        (eq. 14)
 *   q~_mu: eq. 16, i.e. q_mu with mu_hat restricted to mu_hat >= 0 by the POI's lower bound 0    (pyhf qmu_tilde)
 * pyhf evaluates q_mu and q~_mu with the same formula; the POI bounds decide which one it is.
 */
import type { HistFactoryModel } from '../model/model';
import { fit, type FitResult } from './mle';

export type TestStatName = 'qtilde' | 'q' | 'q0';

export interface TestStatResult {
  value: number;
  fixedFit: FitResult;
  freeFit: FitResult;
}

function tmuLike(model: HistFactoryModel, data: ArrayLike<number>, mu: number, freeFit?: FitResult): TestStatResult {
  const fixedFit = fit(model, data, { fixedPoi: mu });
  const free = freeFit ?? fit(model, data);
  const t = fixedFit.twiceNll - free.twiceNll;
  if (!Number.isFinite(t)) throw new Error(`test statistic is not finite (fixed-POI fit: ${fixedFit.message}; free fit: ${free.message})`);
  return { value: Math.max(0, t), fixedFit, freeFit: free };
}

/** q_mu (arXiv:1007.1727 eq. 14). */
function qmu(model: HistFactoryModel, data: ArrayLike<number>, mu: number, freeFit?: FitResult): TestStatResult {
  const r = tmuLike(model, data, mu, freeFit);
  if (r.freeFit.pars[model.config.poiIndex] > mu) r.value = 0;
  return r;
}

/** q~_mu (arXiv:1007.1727 eq. 16): q_mu with the POI bounded below at 0. */
export function qmuTilde(model: HistFactoryModel, data: ArrayLike<number>, mu: number, freeFit?: FitResult): TestStatResult {
  return qmu(model, data, mu, freeFit);
}

/** q0 (arXiv:1007.1727 eq. 12), the discovery statistic; mu is always 0. */
/** (`mu` is ignored: q0 tests mu = 0, as pyhf's q0 does.) */
function q0(model: HistFactoryModel, data: ArrayLike<number>, mu = 0, freeFit?: FitResult): TestStatResult {
  void mu;
  const r = tmuLike(model, data, 0, freeFit);
  if (r.freeFit.pars[model.config.poiIndex] < 0) r.value = 0;
  return r;
}

export function testStatFunction(name: TestStatName) {
  return name === 'q0' ? q0 : name === 'q' ? qmu : qmuTilde;
}
