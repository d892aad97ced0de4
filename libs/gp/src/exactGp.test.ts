import { createRng } from '@sigmap/contracts';
import { describe, expect, it } from 'vitest';
import { ExactGp } from './exactGp';
import { ConstantKernel, createKernel, ProductKernel, SumKernel } from './kernels';

describe('ExactGp posterior', () => {
  it('one observation: closed form (R&W eq. 2.19 with n = 1)', () => {
    const k = createKernel('rbf', 1, 0.5, 2);
    const gp = new ExactGp(k, { logNoise: Math.log(0.1), mean: 0.3 }).setData([0.2], [1.5]);
    const xs = Float64Array.from([0.6]);
    const p = gp.posterior(xs);
    const kx = 2 * Math.exp(-0.5 * (0.4 / 0.5) ** 2);
    expect(p.mean[0]).toBeCloseTo(0.3 + (kx * (1.5 - 0.3)) / (2 + 0.1), 14);
    expect(p.variance[0]).toBeCloseTo(2 - (kx * kx) / (2 + 0.1), 14);
  });

  it('two observations with heteroscedastic noise: closed-form 2x2 inverse', () => {
    const k = createKernel('matern32', 1, 0.7, 1);
    const noise = [0.05, 0.2];
    const gp = new ExactGp(k, { logNoise: Math.log(1e-9) }).setData([0, 1], [1, -1], noise);
    const kf = (a: number, b: number) => {
      const r = Math.abs(a - b) / 0.7;
      return (1 + Math.sqrt(3) * r) * Math.exp(-Math.sqrt(3) * r);
    };
    const a = 1 + noise[0] + 1e-9;
    const d = 1 + noise[1] + 1e-9;
    const b = kf(0, 1);
    const det = a * d - b * b;
    const Ki = [d / det, -b / det, -b / det, a / det];
    const xs = 0.3;
    const ks = [kf(xs, 0), kf(xs, 1)];
    const alpha = [Ki[0] * 1 + Ki[1] * -1, Ki[2] * 1 + Ki[3] * -1];
    const p = gp.posterior(Float64Array.from([xs]));
    expect(p.mean[0]).toBeCloseTo(ks[0] * alpha[0] + ks[1] * alpha[1], 13);
    const q = ks[0] * (Ki[0] * ks[0] + Ki[1] * ks[1]) + ks[1] * (Ki[2] * ks[0] + Ki[3] * ks[1]);
    expect(p.variance[0]).toBeCloseTo(1 - q, 13);
    // log marginal likelihood, eq. 2.30
    const yKy = 1 * alpha[0] - 1 * alpha[1];
    expect(gp.logMarginalLikelihood()).toBeCloseTo(-0.5 * yKy - 0.5 * Math.log(det) - Math.log(2 * Math.PI), 12);
  });

  // Reference: scikit-learn 1.9.1 GaussianProcessRegressor(kernel, alpha=noise, optimizer=None, normalize_y=False)
  // run on the same data (script: X_i = ((0.6180339887 i) mod 1, (0.4142135623 i + 0.1) mod 1), i < 8,
  // y = sin(3 x0) + cos(2 x1), noise_i = 1e-3 (1 + i mod 3)); kernels ConstantKernel(s2) * Matern/RBF(ARD).
  const sk = {
    matern52: {
      s2: 1.7,
      ls: [0.3, 0.6],
      mean: [1.0835342962759487, 1.1761738734917924, 1.4590323762813555, 0.22870230826714066],
      variance: [0.3158225105555166, 0.3246034532992932, 0.10737448541648975, 0.5377806324387326],
      cov01: -0.011197871095254525,
      lml: -6.263339637354589,
    },
    matern32: {
      s2: 0.8,
      ls: [0.5, 0.2],
      mean: [1.1074406702369057, 0.5683165058403254, 1.432122448097245, 0.2427069542001487],
      variance: [0.43661791403755096, 0.6615229870757564, 0.09215358660925321, 0.21266360002760465],
      cov01: 0.0006597583633046883,
      lml: -6.6065908148876815,
    },
    rbf: {
      s2: 1.2,
      ls: [0.4, 0.7],
      mean: [1.2279857555666398, 1.3635320669293103, 1.5424327011212249, -0.00560018579819932],
      variance: [0.014363604176875766, 0.04041877848537001, 0.005478786767159294, 0.059318041033890934],
      cov01: -0.004922687296772532,
      lml: -1.7620500342386842,
    },
  } as const;
  const X: number[] = [];
  const y: number[] = [];
  const noise: number[] = [];
  for (let i = 0; i < 8; i++) {
    const a = (i * 0.6180339887) % 1;
    const b = (i * 0.4142135623 + 0.1) % 1;
    X.push(a, b);
    y.push(Math.sin(3 * a) + Math.cos(2 * b));
    noise.push(1e-3 * (1 + (i % 3)));
  }
  const Xs = Float64Array.from([0.25, 0.5, 0.9, 0.1, 0.5, 0.5, 0.05, 0.95]);
  for (const [type, ref] of Object.entries(sk)) {
    it(`matches scikit-learn (float64) for ${type} to 1e-10`, () => {
      const gp = new ExactGp(createKernel(type as 'rbf', 2, [...ref.ls], ref.s2), { logNoise: -700, mean: 0 }).setData(X, y, noise);
      const p = gp.posterior(Xs, { full: true });
      for (let i = 0; i < 4; i++) {
        expect(Math.abs(p.mean[i] - ref.mean[i])).toBeLessThan(1e-10);
        expect(Math.abs(p.variance[i] - ref.variance[i])).toBeLessThan(1e-10);
      }
      expect(Math.abs(p.covariance![1] - ref.cov01)).toBeLessThan(1e-10);
      expect(Math.abs(gp.logMarginalLikelihood() - ref.lml)).toBeLessThan(1e-9);
    });
  }

  it('incremental addObservations equals refitting from scratch', () => {
    const rng = createRng(4);
    const X = Array.from({ length: 60 }, () => rng.uniform());
    const y = Array.from({ length: 30 }, (_, i) => Math.sin(5 * X[2 * i]) * X[2 * i + 1]);
    const noise = y.map((_, i) => 1e-4 * (i % 4));
    const mk = () => new ExactGp(createKernel('matern52', 2, [0.3, 0.4], 1.3), { logNoise: Math.log(1e-6), mean: 0.1 });
    const inc = mk().setData(X.slice(0, 40), y.slice(0, 20), noise.slice(0, 20));
    inc.addObservations(X.slice(40, 50), y.slice(20, 25), noise.slice(20, 25)).addObservations(X.slice(50), y.slice(25), noise.slice(25));
    const full = mk().setData(X, y, noise);
    const Xs = Float64Array.from({ length: 40 }, () => rng.uniform());
    const a = inc.posterior(Xs);
    const b = full.posterior(Xs);
    for (let i = 0; i < 20; i++) {
      expect(a.mean[i]).toBeCloseTo(b.mean[i], 10);
      expect(a.variance[i]).toBeCloseTo(b.variance[i], 10);
    }
    expect(inc.logMarginalLikelihood()).toBeCloseTo(full.logMarginalLikelihood(), 9);
  });

  it('a noisy observation is not interpolated; a noise-free one is', () => {
    const k = createKernel('rbf', 1, 0.3, 1);
    const quiet = new ExactGp(k, { logNoise: Math.log(1e-10) }).setData([0.5], [2]).posterior(Float64Array.from([0.5]));
    const loud = new ExactGp(k, { logNoise: Math.log(1e-10) }).setData([0.5], [2], [1]).posterior(Float64Array.from([0.5]));
    expect(quiet.mean[0]).toBeCloseTo(2, 8);
    expect(loud.mean[0]).toBeCloseTo(1, 8); // 2 * 1/(1+1)
    expect(loud.variance[0]).toBeCloseTo(0.5, 8);
  });

  it('serialises and restores', () => {
    const gp = new ExactGp(new SumKernel([createKernel('rbf', 2, 0.3), new ConstantKernel(2, -2)]), { mean: 0.2 }).setData(X, y, noise);
    const back = ExactGp.fromState(JSON.parse(JSON.stringify(gp.toState())));
    expect(Array.from(back.posterior(Xs).mean)).toEqual(Array.from(gp.posterior(Xs).mean));
  });
});

describe('log marginal likelihood gradient (R&W eq. 5.9) against central differences', () => {
  const rng = createRng(11);
  const n = 25;
  const X = Array.from({ length: 2 * n }, () => rng.uniform());
  const y = Array.from({ length: n }, (_, i) => Math.sin(4 * X[2 * i]) + 0.5 * X[2 * i + 1] + 0.01 * (rng.uniform() - 0.5));
  const noise = y.map((_, i) => 1e-3 * (i % 3));
  const kernels = {
    rbf: () => createKernel('rbf', 2, [0.3, 0.6], 1.2),
    matern32: () => createKernel('matern32', 2, [0.4, 0.2], 0.7),
    matern52: () => createKernel('matern52', 2, [0.25, 0.5], 1.5),
    sum: () => new SumKernel([createKernel('rbf', 2, [0.3, 0.6], 1.2), createKernel('matern32', 2, 0.8, 0.3)]),
    product: () => new ProductKernel([new ConstantKernel(2, 0.4), createKernel('matern52', 2, [0.25, 0.5], 1)]),
  };
  for (const [name, make] of Object.entries(kernels)) {
    it(name, () => {
      const gp = new ExactGp(make(), { logNoise: Math.log(1e-3), mean: 0.2 }).setData(X, y, noise);
      const { value, grad } = gp.logMarginalLikelihoodGrad();
      expect(value).toBeCloseTo(gp.logMarginalLikelihood(), 12);
      const p = gp.getHyper();
      for (let i = 0; i < p.length; i++) {
        const h = 1e-5;
        const q = Float64Array.from(p);
        q[i] += h;
        gp.setHyper(q);
        const up = gp.logMarginalLikelihood();
        q[i] -= 2 * h;
        gp.setHyper(q);
        const dn = gp.logMarginalLikelihood();
        gp.setHyper(p);
        const fd = (up - dn) / (2 * h);
        expect(Math.abs(grad[i] - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
      }
    });
  }
});
