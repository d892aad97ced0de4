/**
 * Toy-based calculator (pyhf.infer.calculators.ToyCalculator), seeded: pseudo-experiments drawn from the model at the
 * conditional fits to the data with the POI at the tested mu (signal+background) and at 0 (background; 1 for q0).
 * Main bins ~ Poisson(lambda_b); Gaussian aux ~ Normal(theta_i, sigma_i); Poisson aux ~ Poisson(gamma_j tau_j).
 * p-values are the fractions of toys with a test statistic >= the observed one (pyhf EmpiricalDistribution); the
 * expected band is the 2.275/15.87/50/84.13/97.72 percentiles (linear interpolation, as numpy.percentile) of the CLs
 * obtained by treating each background toy as the observation.
 */
import { createRng, normal, poisson, type Rng } from '@sigmap/contracts';
import type { HistFactoryModel } from '../model/model';
import { fit } from './mle';
import { testStatFunction, type TestStatName } from './teststat';

export interface ToyResult {
  teststat: number;
  clsb: number;
  clb: number;
  cls: number;
  expected: { clsb: number[]; clb: number[]; cls: number[] };
  signalTeststats: Float64Array;
  backgroundTeststats: Float64Array;
  /** Whether the fits to the observed data (test statistic and the two toy-generating fits) converged. */
  converged: boolean;
}

/** Draws one pseudo-experiment (main + aux) from the model at pars. */
function sampleToy(model: HistFactoryModel, pars: ArrayLike<number>, rng: Rng): Float64Array {
  const expected = model.expectedData(pars);
  const nb = model.config.nMainBins;
  const out = new Float64Array(expected.length);
  for (let b = 0; b < nb; b++) out[b] = poisson(rng, Math.max(0, expected[b]));
  const c = model.constraints;
  for (let i = 0; i < c.gaussPar.length; i++) out[nb + c.gaussAux[i]] = normal(rng, expected[nb + c.gaussAux[i]], c.gaussSigma[i]);
  for (let i = 0; i < c.poisPar.length; i++) out[nb + c.poisAux[i]] = poisson(rng, Math.max(0, expected[nb + c.poisAux[i]]));
  return out;
}

function tailFraction(samples: Float64Array, value: number): number {
  let k = 0;
  for (const s of samples) if (s >= value) k++;
  return k / samples.length;
}

/** numpy.percentile(x, q, method='linear'). */
function percentile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

const NORMAL_PERCENTILES = [2.27501319, 15.86552539, 50.0, 84.13447461, 97.72498681];

export function toyHypotest(
  model: HistFactoryModel,
  data: ArrayLike<number>,
  mu: number,
  opts: { testStat?: TestStatName; ntoys?: number; seed?: number } = {},
): ToyResult {
  const testStat = opts.testStat ?? 'qtilde';
  const ntoys = opts.ntoys ?? 2000;
  const rng = createRng(opts.seed ?? 0);
  const ts = testStatFunction(testStat);
  const sigFit = fit(model, data, { fixedPoi: mu });
  const bkgFit = fit(model, data, { fixedPoi: testStat === 'q0' ? 1 : 0 });
  const sigPars = sigFit.pars;
  const bkgPars = bkgFit.pars;
  const sigRng = rng.fork(1);
  const bkgRng = rng.fork(2);
  const signalTeststats = new Float64Array(ntoys);
  const backgroundTeststats = new Float64Array(ntoys);
  for (let i = 0; i < ntoys; i++) signalTeststats[i] = ts(model, sampleToy(model, sigPars, sigRng), mu).value;
  for (let i = 0; i < ntoys; i++) backgroundTeststats[i] = ts(model, sampleToy(model, bkgPars, bkgRng), mu).value;
  const obsStat = ts(model, data, mu);
  const observed = obsStat.value;
  const converged = sigFit.converged && bkgFit.converged && obsStat.fixedFit.converged && obsStat.freeFit.converged;
  const pv = (v: number) => {
    const clsb = tailFraction(signalTeststats, v);
    const clb = tailFraction(backgroundTeststats, v);
    return { clsb, clb, cls: clsb / clb };
  };
  const o = pv(observed);
  const all = Array.from(backgroundTeststats, pv);
  const band = (k: 'clsb' | 'clb' | 'cls') =>
    NORMAL_PERCENTILES.map((q) =>
      percentile(
        all.map((p) => p[k]),
        q,
      ),
    );
  return { teststat: observed, ...o, expected: { clsb: band('clsb'), clb: band('clb'), cls: band('cls') }, signalTeststats, backgroundTeststats, converged };
}
