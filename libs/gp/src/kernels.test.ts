import { describe, expect, it } from 'vitest';
import { ConstantKernel, createKernel, kernelFromSpec, kernelRow, ProductKernel, StationaryKernel, SumKernel, type Kernel } from './kernels';

const x = Float64Array.from([0.1, 0.7, 0.35]);
const y = Float64Array.from([0.4, 0.2, 0.9]);

function r(ls: number[]): number {
  return Math.sqrt(ls.reduce((s, l, d) => s + ((x[d] - y[d]) / l) ** 2, 0));
}

describe('stationary kernels (R&W eqs. 4.9, 4.17)', () => {
  const ls = [0.3, 0.5, 2];
  it('match the closed forms', () => {
    const rr = r(ls);
    expect(createKernel('rbf', 3, ls, 2).value(x, 0, y, 0)).toBeCloseTo(2 * Math.exp(-0.5 * rr * rr), 14);
    expect(createKernel('matern32', 3, ls, 2).value(x, 0, y, 0)).toBeCloseTo(2 * (1 + Math.sqrt(3) * rr) * Math.exp(-Math.sqrt(3) * rr), 14);
    expect(createKernel('matern52', 3, ls, 2).value(x, 0, y, 0)).toBeCloseTo(
      2 * (1 + Math.sqrt(5) * rr + (5 / 3) * rr * rr) * Math.exp(-Math.sqrt(5) * rr),
      14,
    );
    expect(createKernel('matern52', 3, ls, 2).value(x, 0, x, 0)).toBe(2);
  });

  it('fast rows equal pointwise values', () => {
    for (const t of ['rbf', 'matern32', 'matern52'] as const) {
      const k = createKernel(t, 3, ls, 1.3);
      const X = Float64Array.from([...y, ...x, 0, 0, 0]);
      const row = kernelRow(k, x, 0, X, 3, new Float64Array(3));
      for (let i = 0; i < 3; i++) expect(row[i]).toBeCloseTo(k.value(x, 0, X, 3 * i), 14);
    }
  });
});

function checkGradient(k: Kernel) {
  const p = new Float64Array(k.nParams);
  k.getParams(p, 0);
  const g = new Float64Array(k.nParams);
  const v = k.valueGrad(x, 0, y, 0, g, 0);
  expect(v).toBeCloseTo(k.value(x, 0, y, 0), 14);
  for (let i = 0; i < k.nParams; i++) {
    const h = 1e-6;
    const q = Float64Array.from(p);
    q[i] += h;
    k.setParams(q, 0);
    const up = k.value(x, 0, y, 0);
    q[i] -= 2 * h;
    k.setParams(q, 0);
    const dn = k.value(x, 0, y, 0);
    k.setParams(p, 0);
    expect(g[i]).toBeCloseTo((up - dn) / (2 * h), 7);
  }
}

describe('kernel gradients in log parameters (central differences)', () => {
  for (const t of ['rbf', 'matern32', 'matern52'] as const) it(t, () => checkGradient(createKernel(t, 3, [0.3, 0.5, 2], 1.7)));
  it('sum', () => checkGradient(new SumKernel([createKernel('rbf', 3, 0.4), createKernel('matern32', 3, [1, 0.2, 0.3], 0.5)])));
  it('product', () =>
    checkGradient(new ProductKernel([new ConstantKernel(3, 0.3), createKernel('matern52', 3, [0.6, 0.2, 0.3], 0.5), createKernel('rbf', 3, 0.9)])));
  it('spec round trip', () => {
    const k = new SumKernel([createKernel('rbf', 3, 0.4), new ProductKernel([new ConstantKernel(3, -1), createKernel('matern32', 3, [1, 0.2, 0.3])])]);
    const k2 = kernelFromSpec(JSON.parse(JSON.stringify(k.spec())), 3);
    expect(k2.value(x, 0, y, 0)).toBe(k.value(x, 0, y, 0));
    expect(k2.paramKinds()).toEqual(k.paramKinds());
    expect(k2).not.toBeInstanceOf(StationaryKernel);
  });
});
