/**
 * Model internals: interpolation codes against pyhf's formulas at chosen points, continuity of code4 / code4p at |alpha| = 1,
 * staterror widths, and the analytic gradient of -log L against central finite differences on every validation model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, observedData, parseWorkspace, lgamma } from '../src/index';
import { interpHistosys, interpNormsys, normsysCoefficients, histosysCoefficients } from '../src/model/interpolation';

const out = new Float64Array(2);
describe('interpolation codes', () => {
  it('code1 / code4 normsys: exponential outside, polynomial inside matching value and slope at |alpha| = 1', () => {
    const c = new Float64Array(10);
    normsysCoefficients(1.2, 0.9, 'code4', c, 0);
    for (const a of [1, -1]) {
      interpNormsys(4, a, c, 0, out);
      const inside = out[0];
      const slopeIn = out[1];
      interpNormsys(4, a * (1 + 1e-12), c, 0, out);
      expect(inside).toBeCloseTo(out[0], 10);
      expect(slopeIn).toBeCloseTo(out[1], 6);
    }
    interpNormsys(4, 2, c, 0, out);
    expect(out[0]).toBeCloseTo(1.2 ** 2, 14);
    interpNormsys(4, 0, c, 0, out);
    expect(out[0]).toBe(1);
    normsysCoefficients(1.2, 0.9, 'code1', c, 0);
    interpNormsys(1, -0.5, c, 0, out);
    expect(out[0]).toBeCloseTo(0.9 ** 0.5, 14);
  });
  it('code4p / code0 / code2 histosys', () => {
    const c = new Float64Array(4);
    histosysCoefficients(10, 8, 13, 'code4p', c, 0);
    interpHistosys(4, 1, c, 0, out);
    expect(out[0]).toBeCloseTo(3, 12);
    interpHistosys(4, -1, c, 0, out);
    expect(out[0]).toBeCloseTo(-2, 12);
    interpHistosys(4, 2, c, 0, out);
    expect(out[0]).toBeCloseTo(6, 12);
    histosysCoefficients(10, 8, 13, 'code0', c, 0);
    interpHistosys(0, -0.5, c, 0, out);
    expect(out[0]).toBeCloseTo(-1, 12);
    histosysCoefficients(10, 8, 13, 'code2', c, 0);
    interpHistosys(2, 0.5, c, 0, out);
    // a = (13 + 8)/2 - 10 = 0.5, b = 2.5: a alpha^2 + b alpha
    expect(out[0]).toBeCloseTo(0.5 * 0.25 + 2.5 * 0.5, 12);
  });
});

describe('likelihood', () => {
  it('lgamma matches log factorials', () => {
    let lf = 0;
    for (let n = 1; n < 60; n++) {
      lf += Math.log(n);
      expect(lgamma(n + 1)).toBeCloseTo(lf, 10);
    }
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
  });

  it('staterror width: quadrature sum over the samples / summed nominal (cabinetry example: sqrt(5^2+7^2)/200)', () => {
    const ref = JSON.parse(readFileSync(join(__dirname, '../../../../shared/data/pyhf_reference/pyhf_reference_numbers.json'), 'utf8'));
    const m = buildModel(parseWorkspace(ref.workspaces['cabinetry_example_spec_with_background_poi0-8']));
    expect(m.constraints.gaussSigma[0]).toBeCloseTo(Math.sqrt(25 + 49) / 200, 15);
  });

  it('analytic gradient = central finite differences on every validation model, codes 4/4p and 1/0', () => {
    const dir = join(__dirname, '../../../../shared/data/pyhf_validation');
    const files = (JSON.parse(readFileSync(join(dir, '_index_test_validation.json'), 'utf8')) as { file: string }[]).map((e) => e.file);
    for (const file of files) {
      const ws = parseWorkspace((JSON.parse(readFileSync(join(dir, file), 'utf8')) as { workspace: unknown }).workspace);
      for (const codes of [
        { normsysInterp: 'code4', histosysInterp: 'code4p' },
        { normsysInterp: 'code1', histosysInterp: 'code2' },
      ] as const) {
        const m = buildModel(ws, codes);
        const data = observedData(ws, m);
        const n = m.config.parameterNames.length;
        // a point away from kinks: alphas 0.3/-0.7, gammas and factors near 1
        const p = Float64Array.from(m.config.suggestedInit, (v, i) => (v === 0 ? (i % 2 ? 0.3 : -0.7) : v * (1 + 0.05 * ((i % 3) - 1))));
        const g = new Float64Array(n);
        m.nllCore(p, data, g);
        for (let i = 0; i < n; i++) {
          const h = 1e-6 * Math.max(1, Math.abs(p[i]));
          const a = Float64Array.from(p);
          const b = Float64Array.from(p);
          a[i] += h;
          b[i] -= h;
          const fd = (m.nllCore(a, data, null) - m.nllCore(b, data, null)) / (2 * h);
          expect(Math.abs(g[i] - fd), `${file} ${m.config.parameterNames[i]}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
        }
      }
    }
  });

  it('never a silent NaN: a zero rate with data > 0 is +Infinity, and logpdf checks lengths', () => {
    const ws = parseWorkspace(JSON.parse(readFileSync(join(__dirname, '../../../../shared/data/pyhf_reference/2-bin_1-channel.json'), 'utf8')));
    const m = buildModel(ws);
    const data = observedData(ws, m);
    expect(m.nllCore(Float64Array.from([0, 0, 0]), data, null)).toBe(Infinity);
    expect(() => m.logpdf([1, 1], data)).toThrow(/pars/);
  });
});
