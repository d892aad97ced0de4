/** Fit behaviour on a multimodal likelihood: the default reports pyhf's local minimum, `reflect` finds the deeper one. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asimovData, buildModel, fit, observedData, parseWorkspace } from '../src/index';

describe('fit', () => {
  // coupled histosys with lo and hi on the same side of the nominal in one bin (bkg2: nominal 120, lo 45, hi 55):
  // -log L is a double well in the histosys alpha
  const c = JSON.parse(readFileSync(join(__dirname, '../../../../shared/data/pyhf_validation/2bin_2channel_coupledhistosys_mu1.json'), 'utf8'));
  const ws = parseWorkspace(c.workspace);
  const model = buildModel(ws, { normsysInterp: 'code1', histosysInterp: 'code0' });
  const data = observedData(ws, model);

  it('default: the minimum pyhf reports (alpha > 0, -2 log L = 29.2874096 printed by pyhf at ftol 1e-14)', () => {
    const f = fit(model, data);
    expect(f.converged).toBe(true);
    expect(model.config.sameSideVariation[0]).toBe(true);
    expect(f.pars[0]).toBeGreaterThan(0);
    expect(f.twiceNll).toBeCloseTo(29.2874096, 6);
  });

  it('reflect: restarts from the mirrored alpha and keeps the deeper minimum (mu = 1 fit to the Asimov data)', () => {
    const asimov = asimovData(model, data, 0).data;
    const plain = fit(model, asimov, { fixedPoi: 1 });
    const refl = fit(model, asimov, { fixedPoi: 1, reflect: true });
    expect(plain.converged && refl.converged).toBe(true);
    // the default stays in the alpha > 0 well (as pyhf does); the mirrored start finds the alpha < 0 well, ~4.8 lower
    expect(plain.pars[0]).toBeGreaterThan(0);
    expect(refl.pars[0]).toBeLessThan(0);
    expect(plain.twiceNll - refl.twiceNll).toBeGreaterThan(4);
  });

  it('respects fixed parameters and bounds, and rejects data of the wrong length', () => {
    const f = fit(model, data, { fixed: [true, false], init: [0.25, 1] });
    expect(f.pars[0]).toBe(0.25);
    const b = fit(model, data, {
      bounds: [
        [-5, 5],
        [0, 0.4],
      ],
    });
    expect(b.pars[1]).toBeLessThanOrEqual(0.4);
    expect(() => fit(model, data.subarray(1))).toThrow(/data: expected 5 values/);
  });
});
