/**
 * Hypothesis test at one POI value (pyhf.infer.hypotest): CLs_obs and the 5-point expected band (-2..+2 sigma, in pyhf's
 * order [+2, +1, 0, -1, -2] of the background-only test statistic, i.e. increasing CLs). For q0 it returns CL_{s+b}
 * (the p-value of the background-only hypothesis) as pyhf does.
 */
import { InputError } from '@sigmap/contracts';
import type { HistFactoryModel } from '../model/model';
import { AsymptoticCalculator } from './asymptotics';
import { toyHypotest } from './toys';
import type { TestStatName } from './teststat';

export interface HypotestOptions {
  testPoi?: number;
  testStat?: TestStatName;
  calctype?: 'asymptotics' | 'toys';
  ntoys?: number;
  seed?: number;
}

export interface HypotestResult {
  clsObs: number;
  clsExp: number[];
  /** Whether every fit behind the result converged (asymptotics: the five fits; toys: the fits to the observed data). */
  converged: boolean;
}

export function checkHypotestInputs(model: HistFactoryModel, opts: HypotestOptions): void {
  const poi = model.config.poiIndex;
  if (model.config.fixed[poi]) throw new InputError('poi', `the POI '${model.config.poiName}' is fixed in the measurement; unfix it to run a hypothesis test`);
  if (opts.testStat !== undefined && !['qtilde', 'q', 'q0'].includes(opts.testStat))
    throw new InputError('test-stat', `unknown test statistic '${opts.testStat}' (qtilde, q, q0)`);
  if (opts.calctype !== undefined && !['asymptotics', 'toys'].includes(opts.calctype))
    throw new InputError('calctype', `unknown calculator '${opts.calctype}' (asymptotics, toys)`);
  if (opts.testPoi !== undefined && !Number.isFinite(opts.testPoi)) throw new InputError('test-poi', `must be a finite number, got ${opts.testPoi}`);
}

export function hypotest(model: HistFactoryModel, data: ArrayLike<number>, opts: HypotestOptions = {}): HypotestResult {
  checkHypotestInputs(model, opts);
  const testStat = opts.testStat ?? 'qtilde';
  const mu = opts.testPoi ?? 1;
  const q0 = testStat === 'q0';
  if ((opts.calctype ?? 'asymptotics') === 'toys') {
    const r = toyHypotest(model, data, mu, { testStat, ntoys: opts.ntoys, seed: opts.seed });
    return { clsObs: q0 ? r.clsb : r.cls, clsExp: q0 ? r.expected.clsb : r.expected.cls, converged: r.converged };
  }
  const r = new AsymptoticCalculator(model, data, testStat).evaluate(mu);
  const converged = Object.values(r.fits).every((f) => f.converged);
  return { clsObs: q0 ? r.clsb : r.cls, clsExp: q0 ? r.expected.clsb : r.expected.cls, converged };
}
