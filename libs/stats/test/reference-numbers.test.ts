/**
 * Every number in ../shared/data/pyhf_reference/pyhf_reference_numbers.json (pyhf @ b3dc4bb2 docstrings, README and
 * tests; cabinetry; a ROOT-derived CLs), compared with the tolerance stated there.
 *
 * pyhf computed most of them with scipy SLSQP at its default ftol = 1e-6, which stops fits ~1e-5 (relative) short of the
 * optimum; sigmap converges to ~1e-12. Where that optimizer error is larger than a stated tolerance, the check says so
 * (`slack`, with the measured deviation) and ALSO pins sigmap to the exact optimum by an independent route (closed-form
 * MLE of the shapesys gamma, or the self-consistency CLs(limit) = 0.05). test/validation/pyhf-tight.test.ts re-runs pyhf
 * with a tight optimizer tolerance and checks these same quantities at 1e-6.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AsymptoticCalculator,
  asimovData,
  buildModel,
  fit,
  hypotest,
  normalSf,
  observedData,
  parseWorkspace,
  qmuTilde,
  upperLimit,
  type Workspace,
} from '../src/index';

const ref = JSON.parse(readFileSync(join(__dirname, '../../../../shared/data/pyhf_reference/pyhf_reference_numbers.json'), 'utf8')) as {
  workspaces: Record<string, unknown>;
  checks: { id: string; expected: Record<string, unknown> }[];
};
const check = (id: string) => {
  const c = ref.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c.expected as Record<string, never>;
};
/** numpy.isclose(a, b, rtol, atol) */
const isclose = (a: number, b: number, rtol = 1e-5, atol = 1e-8) => Math.abs(a - b) <= atol + rtol * Math.abs(b);
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

function setup(name: string) {
  const ws = parseWorkspace(ref.workspaces[name]) as Workspace;
  const model = buildModel(ws);
  return { ws, model, data: observedData(ws, model) };
}

describe('simple model (pyhf README: uncorrelated_background([12,11],[50,52],[3,7]), data [51,48])', () => {
  const { model, data } = setup('simple');
  // closed-form MLE of gamma in a bin whose only free parameter is the shapesys gamma (mu fixed):
  // d/dgamma [b*gamma*... ] -> gamma = (n + tau) / (b + tau) when s = 0 (mu = 0)
  const tau = model.config.auxdata;

  it('-2 log L at init, free fit and mu=1 fit (printed to 8 decimals)', () => {
    const e = check('simple_twice_nll') as unknown as {
      twice_nll_at_init: number;
      fit: { bestfit: number[]; twice_nll: number };
      fixed_poi_fit_mu1: { bestfit: number[]; twice_nll: number };
    };
    expect(Math.abs(-2 * model.logpdf(model.config.suggestedInit, data) - e.twice_nll_at_init)).toBeLessThan(1e-8);
    const f = fit(model, data);
    const c = fit(model, data, { fixedPoi: 1 });
    expect(f.converged && c.converged).toBe(true);
    expect(Math.abs(f.twiceNll - e.fit.twice_nll)).toBeLessThan(2e-8);
    expect(Math.abs(c.twiceNll - e.fixed_poi_fit_mu1.twice_nll)).toBeLessThan(2e-8);
    // mu-hat = 0 at the bound: each gamma has the closed form (n + tau) / (b + tau)
    expect(f.pars[0]).toBe(0);
    expect(f.pars[1]).toBeCloseTo((51 + tau[0]) / (50 + tau[0]), 10);
    expect(f.pars[2]).toBeCloseTo((48 + tau[1]) / (52 + tau[1]), 10);
    // pyhf's SLSQP (ftol 1e-6) stops within 1.2e-5 of that optimum: the printed pars agree at rtol 2e-5 (slack on np.isclose's 1e-5)
    e.fit.bestfit.forEach((v, i) => expect(isclose(f.pars[i], v, 2e-5)).toBe(true));
    e.fixed_poi_fit_mu1.bestfit.forEach((v, i) => expect(isclose(c.pars[i], v)).toBe(true));
  });

  it('q~_mu at mu=1 and the fitted parameters', () => {
    const e = check('simple_qmu_tilde_raw') as unknown as { qmu_tilde: number; constrained: number[] };
    const q = qmuTilde(model, data, 1);
    expect(isclose(q.value, e.qmu_tilde, 1e-8, 1e-8)).toBe(true);
    e.constrained.forEach((v, i) => expect(isclose(q.fixedFit.pars[i], v)).toBe(true));
  });

  it('q_mu with POI bounds [-10, 10]', () => {
    const e = check('simple_qmu_raw_poi_bounds_pm10') as unknown as { qmu: number; unconstrained: number[] };
    const bounds = model.config.suggestedBounds.map((b, i) => (i === model.config.poiIndex ? ([-10, 10] as [number, number]) : b));
    const free = fit(model, data, { bounds });
    const fixed = fit(model, data, { bounds, fixedPoi: 1 });
    const q = free.pars[0] > 1 ? 0 : Math.max(0, fixed.twiceNll - free.twiceNll);
    expect(isclose(q, e.qmu, 1e-6)).toBe(true);
    // mu-hat is shallow here: pyhf's SLSQP leaves it 7.5e-5 (absolute) from the optimum; gammas within 2e-5 relative
    e.unconstrained.forEach((v, i) => expect(isclose(free.pars[i], v, 2e-5, 1e-4)).toBe(true));
  });

  it('Asimov data at mu=1', () => {
    const e = check('simple_asimov_data_mu1') as unknown as { asimov_data: number[]; asimov_pars: number[] };
    const a = asimovData(model, data, 1);
    e.asimov_data.forEach((v, i) => expect(isclose(a.data[i], v)).toBe(true));
    e.asimov_pars.forEach((v, i) => expect(isclose(a.fit.pars[i], v)).toBe(true));
  });

  it('hypotest CLs_obs and band (README / doctest / CLI), transformed test statistic and tail probabilities', () => {
    const cli = check('simple_hypotest_qtilde_mu1_cli') as unknown as { CLs_obs: number; CLs_exp: number[] };
    const r = hypotest(model, data, { testPoi: 1 });
    // slack: pyhf's default SLSQP leaves CLs 1.1e-5 (obs) / 5.4e-5 (band) relative from the optimum (pyhf at ftol 1e-14
    // reproduces sigmap to 1e-8: test/validation/pyhf-tight.test.ts)
    expect(rel(r.clsObs, cli.CLs_obs)).toBeLessThan(2e-5);
    r.clsExp.forEach((v, i) => expect(rel(v, cli.CLs_exp[i])).toBeLessThan(1e-4));
    const doc = check('simple_hypotest_qtilde_mu1_doctest') as unknown as { CLs_exp: number[] };
    r.clsExp.forEach((v, i) => expect(isclose(v, doc.CLs_exp[i], 1e-4)).toBe(true));
    const calc = new AsymptoticCalculator(model, data, 'qtilde').evaluate(1);
    const ts = check('simple_asymptotic_teststatistic_transformed') as unknown as { teststat: number };
    // slack 2e-4 (measured 1.0e-4): the transformed statistic divides the q difference by 2 sqrt(q_A)
    expect(isclose(calc.teststat, ts.teststat, 2e-4)).toBe(true);
    const tails = check('simple_tail_probs') as unknown as { CLsb: number; CLb: number; CLs: number };
    expect(isclose(calc.clsb, tails.CLsb, 2e-5)).toBe(true);
    expect(isclose(calc.clb, tails.CLb, 2e-5)).toBe(true); // measured 1.3e-5: pyhf optimizer error (slack on 1e-5)
    expect(isclose(calc.cls, tails.CLs, 2e-5)).toBe(true);
    const dist = check('simple_distributions_pvalue_at_mu') as unknown as { sb_pvalue: number; b_pvalue: number };
    // pvalue of the s+b distribution at value 1.0: Phi(-(1 + sqrt(q_A)))
    expect(isclose(normalSf(1 + calc.sqrtqmuA), dist.sb_pvalue, 1e-4)).toBe(true); // sqrt(q_A) carries the optimizer error: slack 1e-4 on 8 printed digits
    expect(Math.abs(normalSf(1) - dist.b_pvalue)).toBeLessThan(5e-9);
  });

  it('upper limits by linear scan (11 and 21 points) and by root finding', () => {
    for (const [id, n] of [
      ['simple_upper_limit_linear_scan_11', 11],
      ['simple_upper_limit_linear_scan_21', 21],
    ] as const) {
      const e = check(id) as unknown as { obs: number; exp: number[] };
      const scan = Array.from({ length: n }, (_, i) => (5 * i) / (n - 1));
      const r = upperLimit(model, data, { method: 'scan', scan });
      // slack 1e-4 on pytest.approx's 1e-6: the interpolated CLs carry pyhf's optimizer error (see the hypotest check)
      expect(rel(r.muUpObs, e.obs)).toBeLessThan(1e-4);
      r.muUpExp.forEach((v, i) => expect(rel(v, e.exp[i])).toBeLessThan(1e-4));
    }
    const e = check('simple_upper_limit_toms748_rtol1e-6') as unknown as { obs: number; exp: number[] };
    const r = upperLimit(model, data);
    expect(rel(r.muUpObs, e.obs)).toBeLessThan(1e-5);
    r.muUpExp.forEach((v, i) => expect(rel(v, e.exp[i])).toBeLessThan(1e-5));
    // self-consistency (tests/test_infer.py::test_toms748_scan): CLs = 0.05 at each limit
    const at = (mu: number) => hypotest(model, data, { testPoi: mu });
    expect(at(r.muUpObs).clsObs).toBeCloseTo(0.05, 8);
    r.muUpExp.forEach((mu, i) => expect(at(mu).clsExp[i]).toBeCloseTo(0.05, 8));
    // toms748 at rtol 0.01 returns a point up to 1% from the root: sigmap's (exact) root lies within that tolerance
    const e2 = check('simple_upper_limit_toms748_rtol0.01') as unknown as { obs: number; exp: number[] };
    expect(rel(r.muUpObs, e2.obs)).toBeLessThan(0.01);
    r.muUpExp.forEach((v, i) => expect(rel(v, e2.exp[i])).toBeLessThan(0.01));
  });
});

describe('other reference numbers', () => {
  it('2-bin 1-channel example: pyhf cls and pyhf fit', () => {
    const { model, data } = setup('2-bin_1-channel');
    const e = check('2bin1ch_cls_cli') as unknown as { CLs_obs: number; CLs_exp: number[] };
    const r = hypotest(model, data);
    expect(rel(r.clsObs, e.CLs_obs)).toBeLessThan(5e-6);
    r.clsExp.forEach((v, i) => expect(rel(v, e.CLs_exp[i])).toBeLessThan(1e-5));
    const f = check('2bin1ch_fit_cli') as unknown as { twice_nll: number };
    const ff = fit(model, data);
    // sigmap's minimum is at or below pyhf's (whose mu-hat 1.7e-4 is short of the boundary at 0)
    expect(ff.twiceNll).toBeLessThanOrEqual(f.twice_nll + 1e-9);
    expect(f.twice_nll - ff.twiceNll).toBeLessThan(1e-6);
  });

  it('ROOT-derived CLs for shapesys with a zero-uncertainty bin (np.allclose atol 1e-4, rtol 1e-5)', () => {
    const ws = parseWorkspace(ref.workspaces['nuisparfilter_root']);
    const model = buildModel(ws, { normsysInterp: 'code4', histosysInterp: 'code4p' });
    const e = check('shapesys_nuisparfilter_ROOT_reference') as unknown as { CLs_obs: number; CLs_exp: number[] };
    const r = hypotest(model, observedData(ws, model));
    expect(isclose(r.clsObs, e.CLs_obs, 1e-5, 1e-4)).toBe(true);
    r.clsExp.forEach((v, i) => expect(isclose(v, e.CLs_exp[i], 1e-5, 1e-4)).toBe(true));
    expect(model.config.fixed).toEqual([false, false, true]);
  });

  it('non-pyhf model equivalent (signal 5, background 50 +- 7, data 55)', () => {
    const ws = parseWorkspace({
      channels: [
        {
          name: 'c',
          samples: [
            { name: 's', data: [5], modifiers: [{ name: 'mu', type: 'normfactor', data: null }] },
            { name: 'b', data: [50], modifiers: [{ name: 'g', type: 'shapesys', data: [7] }] },
          ],
        },
      ],
      observations: [{ name: 'c', data: [55] }],
      measurements: [{ name: 'm', config: { poi: 'mu', parameters: [] } }],
      version: '1.0.0',
    });
    const model = buildModel(ws);
    const e = check('nonpyhf_model_cls') as unknown as { CLs_obs: number };
    expect(isclose(hypotest(model, observedData(ws, model)).clsObs, e.CLs_obs)).toBe(true);
  });

  it('logpdf and expected data of uncorrelated_background([10],[50],[7]) at init', () => {
    const ws = parseWorkspace({
      channels: [
        {
          name: 'singlechannel',
          samples: [
            { name: 'signal', data: [10], modifiers: [{ name: 'mu', type: 'normfactor', data: null }] },
            { name: 'background', data: [50], modifiers: [{ name: 'uncorr_bkguncrt', type: 'shapesys', data: [7] }] },
          ],
        },
      ],
      observations: [{ name: 'singlechannel', data: [55] }],
      measurements: [{ name: 'm', config: { poi: 'mu', parameters: [] } }],
      version: '1.0.0',
    });
    const model = buildModel(ws);
    const e = check('logpdf_1bin_shapesys_at_init') as unknown as { logpdf: number; pdf: number; expected_data: number[] };
    const data = observedData(ws, model);
    const lp = model.logpdf(model.config.suggestedInit, data);
    expect(Math.abs(lp - e.logpdf)).toBeLessThan(1e-4);
    expect(Math.abs(Math.exp(lp) - e.pdf)).toBeLessThan(1e-4);
    const ex = model.expectedData(model.config.suggestedInit);
    e.expected_data.forEach((v, i) => expect(rel(ex[i], v)).toBeLessThan(1e-8));
  });

  it('normal tail p-values at 5..9 sigma (rtol 1e-8)', () => {
    const e = check('asymptotic_normal_tail') as unknown as Record<string, number>;
    for (const [k, v] of Object.entries(e)) expect(rel(normalSf(Number(k)), v)).toBeLessThan(1e-8);
  });

  it('fitted parameters of the 1-bin calculator (uncorrelated_background([1],[1],[1]), data [2, 1])', () => {
    const ws = parseWorkspace({
      channels: [
        {
          name: 'c',
          samples: [
            { name: 'signal', data: [1], modifiers: [{ name: 'mu', type: 'normfactor', data: null }] },
            { name: 'background', data: [1], modifiers: [{ name: 'uncorr_bkguncrt', type: 'shapesys', data: [1] }] },
          ],
        },
      ],
      observations: [{ name: 'c', data: [2] }],
      measurements: [{ name: 'm', config: { poi: 'mu', parameters: [] } }],
      version: '1.0.0',
    });
    const model = buildModel(ws);
    const data = observedData(ws, model);
    const e = check('calc_fitted_pars_1bin') as unknown as Record<string, number[]>;
    const r = new AsymptoticCalculator(model, data, 'qtilde').evaluate(1);
    e.asimov_pars.forEach((v, i) => expect(isclose(r.fits.asimov.pars[i], v, 1e-5)).toBe(true));
    e.fixed_poi_fit_to_data.forEach((v, i) => expect(isclose(r.fits.fixedData.pars[i], v, 1e-5)).toBe(true));
    // slack 5e-5 (measured 2.8e-5): pyhf's SLSQP stopping point
    e.fixed_poi_fit_to_asimov.forEach((v, i) => expect(isclose(r.fits.fixedAsimov.pars[i], v, 5e-5)).toBe(true));
    e.free_fit_to_data.forEach((v, i) => expect(isclose(r.fits.freeData.pars[i], v, 1e-5)).toBe(true));
    // free fit to the Asimov data: the exact MLE is mu = 0, gamma = 1.5 (the Asimov property); pyhf's SLSQP stops at
    // mu ~ 7.6e-5 (platform-dependent, rel 1e-3 stated): sigmap is at the exact point, within pyhf's absolute spread
    expect(Math.abs(r.fits.freeAsimov.pars[0] - e.free_fit_to_asimov[0])).toBeLessThan(1e-4);
    expect(isclose(r.fits.freeAsimov.pars[1], e.free_fit_to_asimov[1], 1e-3)).toBe(true);
    expect(r.fits.freeAsimov.pars[0]).toBeLessThan(1e-6);
  });

  it('cabinetry staterror example: CLs at mu = 0.1 and 8, observed and expected limits (rtol 1e-2)', () => {
    const { model, data } = setup('cabinetry_example_spec_with_background_poi0-8');
    const e = check('cabinetry_limit_staterror') as unknown as Record<string, number | number[]>;
    const at01 = hypotest(model, data, { testPoi: 0.1 });
    // slack 2e-4 on np.allclose's 1e-5 (measured 1.0e-4): cabinetry fitted with iminuit at its default tolerance
    expect(isclose(at01.clsObs, e['CLs_obs_at_poi_0.1'] as number, 2e-4)).toBe(true);
    (e['CLs_exp_at_poi_0.1'] as number[]).forEach((v, i) => expect(isclose(at01.clsExp[i], v, 2e-4)).toBe(true));
    expect(isclose(hypotest(model, data, { testPoi: 8 }).clsObs, e['CLs_obs_at_poi_8'] as number)).toBe(true);
    const lim = upperLimit(model, data);
    expect(rel(lim.muUpObs, e.observed_limit as number)).toBeLessThan(1e-2);
    (e.expected_limits as number[]).forEach((v, i) => expect(rel(lim.muUpExp[i], v)).toBeLessThan(1e-2));
  });
});
