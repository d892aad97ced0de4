import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRoot } from '../paths';
import { clsFunction, clsFromNll, CountingLikelihood, skewTerms, upperLimitOnMu } from './simplifiedLikelihood';
import { erfc, lgamma as logGamma, normalCdf as normCdf } from '@sigmap/stats';

// Reference: shared/data/smodels_reference simplified_counting_likelihood (SModelS testStatistics.py::testOneMoreExample).
const ref = JSON.parse(readFileSync(join(dataRoot(), 'smodels_reference', 'smodels_reference_numbers.json'), 'utf8')) as {
  simplified_counting_likelihood: {
    id: string;
    inputs: { nobs: number; nbg: number; bgerr: number; nsig: number; deltas_rel: number; lumi: number };
    expected: { ul_mu_expected_apriori: number; ul_mu_observed: number };
    tolerance: string;
  }[];
};

const almostEqual = (a: number, b: number, places: number) => Math.abs(a - b) < 0.5 * 10 ** -places;

describe('SModelS simplified-likelihood reference', () => {
  for (const c of ref.simplified_counting_likelihood) {
    it(`${c.id}: 95% CLs upper limits on mu (${c.tolerance})`, () => {
      const places = Number(/places=(\d+)/.exec(c.tolerance)![1]);
      // SModelS Data(nobs, nbg, covariance, None, nsig, deltas_rel, lumi): the third argument is the covariance
      // (here 0.001, named bgerr in the reference file).
      const lh = new CountingLikelihood({
        observed: [c.inputs.nobs],
        backgrounds: [c.inputs.nbg],
        covariance: [[c.inputs.bgerr]],
        nsignal: [c.inputs.nsig],
        deltasRel: c.inputs.deltas_rel,
        lumi: c.inputs.lumi,
      });
      const exp = upperLimitOnMu(lh, 'apriori')!;
      const obs = upperLimitOnMu(lh, 'observed')!;
      expect(almostEqual(exp, c.expected.ul_mu_expected_apriori, places), `expected ${exp} vs ${c.expected.ul_mu_expected_apriori}`).toBe(true);
      expect(almostEqual(obs, c.expected.ul_mu_observed, places), `observed ${obs} vs ${c.expected.ul_mu_observed}`).toBe(true);
    });
  }
});

describe('counting likelihood', () => {
  it('CLs at the upper limit is 0.05 and decreases with mu', () => {
    const lh = new CountingLikelihood({ observed: [4], backgrounds: [2.2], covariance: [[1.1 ** 2]], nsignal: [3] });
    const ul = upperLimitOnMu(lh)!;
    const f = clsFunction(lh)!;
    expect(f.cls(ul)).toBeCloseTo(0.05, 8);
    expect(f.cls(0.5 * ul)).toBeGreaterThan(0.05);
    expect(f.cls(2 * ul)).toBeLessThan(0.05);
    expect(f.muHat).toBeCloseTo((4 - 2.2) / 3, 3); // profiled theta ~ 0 at the best fit of a lone region
  });

  it('theta_hat solves the score equations with correlations', () => {
    const lh = new CountingLikelihood({
      observed: [12, 30],
      backgrounds: [10, 25],
      covariance: [
        [4, 3],
        [3, 9],
      ],
      nsignal: [2, 1],
    });
    const th = lh.thetaHat(0.7);
    const lam = th.map((t, i) => 0.7 * [2, 1][i] + [10, 25][i] + t);
    // gradient 1 - n/lambda + V^-1 theta = 0  <=>  V (n/lambda - 1) = theta
    const g = [12 / lam[0] - 1, 30 / lam[1] - 1];
    expect(4 * g[0] + 3 * g[1]).toBeCloseTo(th[0], 9);
    expect(3 * g[0] + 9 * g[1]).toBeCloseTo(th[1], 9);
  });

  it('two regions with equal s/b and negligible background error give the limit of the merged region (sufficiency)', () => {
    const two = new CountingLikelihood({
      observed: [7, 16],
      backgrounds: [5, 12],
      covariance: [
        [1e-6, 0],
        [0, 1e-6],
      ],
      nsignal: [1, 2.4],
    });
    const one = new CountingLikelihood({ observed: [23], backgrounds: [17], covariance: [[2e-6]], nsignal: [3.4] });
    expect(upperLimitOnMu(two)!).toBeCloseTo(upperLimitOnMu(one)!, 4);
    expect(upperLimitOnMu(two, 'apriori')!).toBeCloseTo(upperLimitOnMu(one, 'apriori')!, 4);
  });

  it('refuses inconsistent input', () => {
    expect(() => new CountingLikelihood({ observed: [1, 2], backgrounds: [1], covariance: [[1]], nsignal: [1] })).toThrow(/backgrounds/);
    expect(() => new CountingLikelihood({ observed: [1], backgrounds: [1], covariance: [[-1]], nsignal: [1] })).toThrow(/positive definite/);
    expect(() => new CountingLikelihood({ observed: [1], backgrounds: [1], covariance: [[1]], nsignal: [-1] })).toThrow(/>= 0/);
  });
});

describe('special functions', () => {
  it('normal CDF and erfc match tabulated values', () => {
    // Abramowitz & Stegun table 26.1 / 7.1
    expect(normCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normCdf(-1.6448536269514729)).toBeCloseTo(0.05, 14);
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 12);
    expect(erfc(6) / 2.151973671249891e-17).toBeCloseTo(1, 10);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });

  it('CLsfromNLL: qmu = 0 when mu_hat > mu, CLs = 1 at qA = qmu = 0', () => {
    expect(clsFromNll(3, 1, 2, 5, true).cls).toBeCloseTo(0.5 / normCdf(2), 12);
    expect(clsFromNll(1, 1, 1, 1, false).cls).toBe(1);
  });

  it('skewed model (arXiv:1809.05548 eqs. 1.27-1.30): mean, variance, third moment and covariance are the published ones', () => {
    const d = {
      observed: [10, 4, 0],
      backgrounds: [9.5, 3.2, 0.8],
      covariance: [
        [4, 0.9, 0.2],
        [0.9, 1.5, 0.1],
        [0.2, 0.1, 0.3],
      ],
      nsignal: [1, 1, 1],
      thirdMoment: [1.2, 0.6, 0.08],
    };
    const sk = skewTerms(d)!;
    for (let i = 0; i < 3; i++) {
      const C = sk.C[i];
      const m2 = d.covariance[i][i];
      // x = A + theta + C theta^2 / B^2, theta ~ N(0, B^2): E x = A + C, Var x = B^2 + 2 C^2, third central moment 6 C B^2 + 8 C^3
      expect(sk.A[i] + C).toBeCloseTo(d.backgrounds[i], 12);
      expect(sk.B2[i] + 2 * C * C).toBeCloseTo(m2, 12);
      expect(6 * C * sk.B2[i] + 8 * C ** 3).toBeCloseTo(d.thirdMoment[i], 12);
      for (let j = 0; j < 3; j++) {
        // Cov(x_i, x_j) = B_i B_j rho_ij + 2 C_i C_j rho_ij^2, with V = B rho B
        const rho = sk.V[i][j] / Math.sqrt(sk.B2[i] * sk.B2[j]);
        expect(sk.V[i][j] + 2 * sk.C[i] * sk.C[j] * rho * rho).toBeCloseTo(d.covariance[i][j], 12);
      }
    }
    const lh = new CountingLikelihood(d);
    expect(lh.skewed).toBe(true);
    expect(new CountingLikelihood({ ...d, thirdMoment: [0, 0, 0] }).skewed).toBe(false);
    // the empty region's expected count is held at >= 0 by the profile
    const th = lh.thetaHat(0);
    expect(lh.expectedBackground(th).every((x) => x >= 0)).toBe(true);
    expect(upperLimitOnMu(lh)).toBeGreaterThan(0);
    expect(() => new CountingLikelihood({ ...d, thirdMoment: [1.2, 50, 0.08] })).toThrow(
      /counting data.thirdMoment\[1\]: \|m3\| = 50 is too large for the variance 1.5/,
    );
    expect(() => new CountingLikelihood({ ...d, thirdMoment: [1.2, 0.6] })).toThrow(/counting data.thirdMoment: has 2 entries, observed has 3/);
  });
});
