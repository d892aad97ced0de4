import { createRng, normal } from '@sigmap/contracts';
import { describe, expect, it } from 'vitest';
import { occupancyVariance, productionSpread } from '../src/simulate';
import { type ClosureBin, type ValidationReport, calibrateSpread, chooseByValidation, closureScore, passesValidation } from '../src/validate';

const bin = (point: number, full: number, surrogate: number, sigmaPred: number): ClosureBin => ({
  point,
  search: 's',
  bin: 0,
  full,
  fullErr: 0,
  surrogate,
  sigmaEns: sigmaPred,
  sigmaDet: 0,
  sigmaPred,
  surrogateSingle: surrogate,
  sigmaSingle: sigmaPred,
});

describe('closure score and split-conformal calibration of the ensemble spread', () => {
  it('scores |full - surrogate| in units of the predictive spread; a zero spread scores 0 or infinity', () => {
    expect(closureScore(bin(0, 10, 7, 1.5))).toBe(2);
    expect(closureScore(bin(0, 3, 3, 0))).toBe(0);
    expect(closureScore(bin(0, 3, 2, 0))).toBe(Infinity);
  });

  it('takes the ceil((n+1)(1-alpha))-th smallest score, floored at 1, and counts bins and points', () => {
    // scores 0.5, 1, 1.5, ..., 9.5 (n = 19): k = ceil(20 * 0.9) = 18 -> 9
    const bins = Array.from({ length: 19 }, (_, i) => bin(i % 4, 0, 0.5 * (i + 1), 1));
    const c = calibrateSpread(bins, 0.9, 'dilepton')!;
    expect(c).toMatchObject({ method: 'split-conformal', level: 0.9, quantile: 9, scale: 9, bins: 19, points: 4, search: 'dilepton' });
    // an over-dispersed ensemble is not shrunk
    const tight = calibrateSpread(
      bins.map((b) => ({ ...b, surrogateSingle: b.surrogateSingle / 100 })),
      0.9,
    )!;
    expect(tight.quantile).toBeCloseTo(0.09, 12);
    expect(tight.scale).toBe(1);
  });

  it('refuses to calibrate with too few bins for the level, or when the quantile is infinite', () => {
    expect(
      calibrateSpread(
        Array.from({ length: 8 }, () => bin(0, 1, 2, 1)),
        0.9,
      ),
    ).toBeNull(); // k = 9 > 8
    expect(
      calibrateSpread(
        Array.from({ length: 9 }, () => bin(0, 1, 2, 1)),
        0.9,
      ),
    ).not.toBeNull();
    const inf = Array.from({ length: 20 }, (_, i) => bin(0, 1, i < 5 ? 1 : 2, i < 5 ? 1 : 0));
    expect(calibrateSpread(inf, 0.9)).toBeNull();
    expect(() => calibrateSpread([], 1)).toThrow(/level/);
  });

  it('covers at least the level on fresh exchangeable bins (Gaussian errors 3x wider than the stated spread)', () => {
    const rng = createRng(7);
    const draw = (n: number) =>
      Array.from({ length: n }, (_, i) => {
        const u = 0.1 + rng.uniform();
        return bin(i, 10, 10 + 3 * u * normal(rng), u);
      });
    let covered = 0;
    let total = 0;
    for (let rep = 0; rep < 200; rep++) {
      const c = calibrateSpread(draw(40), 0.9)!;
      for (const b of draw(40)) {
        total++;
        if (Math.abs(b.full - b.surrogateSingle) <= c.scale * b.sigmaSingle) covered++;
      }
    }
    // marginal coverage >= 0.9 (and below 1 - 1/(n+1) + 0.1 = 0.92 + slack): 8000 test bins, binomial sd 0.0034
    expect(covered / total).toBeGreaterThan(0.89);
    expect(covered / total).toBeLessThan(0.94);
  });
});

describe('production spread of an ensemble', () => {
  it('is the standard deviation of the member yields, floored at one event where the mean is positive', () => {
    // bin 0: no events; bin 1: every member puts its one event (yield 5) there; bin 2: members disagree widely
    const { mean, spread } = productionSpread(
      [
        [0, 5, 10],
        [0, 5, 30],
        [0, 5, 20],
      ],
      [
        [0, 1, 2],
        [0, 1, 6],
        [0, 1, 4],
      ],
    );
    expect(mean).toEqual([0, 5, 20]);
    expect(spread[0]).toBe(0);
    expect(spread[1]).toBe(5);
    expect(spread[2]).toBeCloseTo(10, 12); // std 10 > one event (5)
    // with the detector-level variance of the members' placements added in quadrature
    expect(
      productionSpread(
        [
          [0, 5, 10],
          [0, 5, 30],
          [0, 5, 20],
        ],
        [
          [0, 1, 2],
          [0, 1, 6],
          [0, 1, 4],
        ],
        [0, 0, 125],
      ).spread[2],
    ).toBeCloseTo(15, 12);
  });

  it('takes the detector-level variance from where the members put each event', () => {
    // event 0 (w 2): bins 1, 1, 2 -> p = 2/3 and 1/3; event 1 (w 1): all in bin 0 (p = 1, no variance); event 2: unselected by one member
    const v = occupancyVariance(
      [
        [1, 0, 2],
        [1, 0, -1],
        [2, 0, 2],
      ],
      [2, 1, 3],
      3,
    );
    expect(v[0]).toBe(0);
    expect(v[1]).toBeCloseTo(4 * (2 / 3) * (1 / 3), 12);
    expect(v[2]).toBeCloseTo(4 * (1 / 3) * (2 / 3) + 9 * (2 / 3) * (1 / 3), 12);
  });
});

describe('choice by validation', () => {
  const report = (maxRatio: number, auc: number, withinCalibrated?: number): ValidationReport => ({
    object: 'muon',
    backend: 'wasm',
    eventsPerSample: 1,
    objectsFull: 1,
    objectsSurrogate: 1,
    w1: [{ feature: 'pt', w1: maxRatio, floor: 1, ratio: maxRatio }],
    maxRatio,
    auc,
    aucPowerCheck: 0.7,
    classifierRows: 2,
    closure: withinCalibrated === undefined ? null : { search: 's', bins: [], withinEnsemble: 0.3, withinCombined: 0.8, withinCalibrated, calibration: null },
    note: '',
  });

  it('passes a model only when every W1 ratio, the AUC and the calibrated closure meet their targets', () => {
    expect(passesValidation(report(2.9, 0.55, 0.9))).toBe(true);
    expect(passesValidation(report(2.9, 0.55))).toBe(true); // no surrogate-capable search: closure not measured
    expect(passesValidation(report(3.1, 0.55, 0.95))).toBe(false);
    expect(passesValidation(report(1.5, 0.6, 0.95))).toBe(false);
    expect(passesValidation(report(1.5, 0.5, 0.86))).toBe(false);
  });

  it('prefers a passing model over a closer-matching failing one, then the lowest max ratio, then the lowest AUC', () => {
    const iqn = { id: 'iqn', report: report(2.03, 0.502, 0.868) };
    const flow = { id: 'flow', report: report(2.23, 0.493, 0.929) };
    expect(chooseByValidation([iqn, flow]).id).toBe('flow');
    const a = { id: 'a', report: report(1.5, 0.55, 0.95) };
    const b = { id: 'b', report: report(1.5, 0.52, 0.95) };
    expect(chooseByValidation([a, b, flow]).id).toBe('b');
    expect(() => chooseByValidation([])).toThrow(/no validated model/);
  });
});
