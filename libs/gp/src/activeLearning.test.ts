import { describe, expect, it } from 'vitest';
import { createRng } from '@sigmap/contracts';
import { ActiveLearner, createActiveLearner, type LearnerConfig } from './activeLearning';
import { levelCalibration } from './calibration';
import { ExactGp } from './exactGp';
import { expectedMisclassifiedFraction, sampleMisclassifiedCounts } from './stopping';
import { OutputTransform } from './transforms';

// excursion's fast_2D_truth (diana-hep/excursion, formula in ../shared/data/excursion/excursion_testcases.json)
const stats = (n: number) => (1 - Math.tanh(n - 5)) / 2;
function truth(x: number, y: number): number {
  const xsec = 12 * Math.exp(-x / 2) + 0.1 * Math.cos(10 * y + 1) + 0.2 * Math.cos(15 * x);
  const eff = Math.tanh(1.3 * x - y + 1);
  return 3 * (Math.log(stats(xsec * eff)) - Math.log(0.05));
}

const config: LearnerConfig = {
  axes: [
    { name: 'x', lower: 0, upper: 1.5 },
    { name: 'y', lower: 0, upper: 1.5 },
  ],
  objectives: [{ name: 'truth', threshold: 0 }],
  seed: 7,
};
const grid: number[][] = [];
for (let i = 0; i < 30; i++) for (let j = 0; j < 30; j++) grid.push([(1.5 * i) / 29, (1.5 * j) / 29]);
const init = [
  [0.1, 0.1],
  [1.4, 0.1],
  [0.1, 1.4],
  [1.4, 1.4],
  [0.75, 0.75],
  [0.4, 1.0],
  [1.0, 0.4],
];

function accuracy(l: ReturnType<typeof createActiveLearner>): number {
  const lab = l.classify(grid);
  return grid.filter((p, i) => lab[i][0] === truth(p[0], p[1]) < 0).length / grid.length;
}

describe('active learner', () => {
  it('learns the excursion 2D level set to >= 98% with 40 evaluations (pool mode, batches of 5)', () => {
    const l = createActiveLearner(config);
    l.observe(
      init,
      init.map((p) => [truth(p[0], p[1])]),
    );
    while (l.observations < 40) {
      const { points } = l.proposeBatch(5, [], { candidates: grid });
      expect(points.length).toBe(5);
      l.observe(
        points,
        points.map((p) => [truth(p[0], p[1])]),
      );
    }
    expect(accuracy(l)).toBeGreaterThanOrEqual(0.98);
    const est = l.estimateMisclassifiedFraction(grid);
    expect(est.fraction).toBeGreaterThanOrEqual(0);
    expect(est.fraction).toBeLessThan(0.05);
  });

  it('is deterministic and survives toState/fromState (JSON) with identical proposals', () => {
    const run = () => {
      const l = createActiveLearner(config);
      l.observe(
        init,
        init.map((p) => [truth(p[0], p[1])]),
      );
      l.proposeBatch(3, [], { candidates: grid });
      return l;
    };
    const a = run();
    const b = run();
    const c = ActiveLearner.fromState(JSON.parse(JSON.stringify(a.toState())));
    const pa = a.proposeBatch(4, [[0.5, 0.5]], { candidates: grid });
    const pb = b.proposeBatch(4, [[0.5, 0.5]], { candidates: grid });
    const pc = c.proposeBatch(4, [[0.5, 0.5]], { candidates: grid });
    expect(pb.indices).toEqual(pa.indices);
    expect(pc.indices).toEqual(pa.indices);
    expect(pa.points).not.toContainEqual([0.5, 0.5]);
  });

  it('continuous mode respects a forbidden region (y > x forbidden) and pending points', () => {
    const l = createActiveLearner({ ...config, constraints: [{ coefficients: [-1, 1], bound: 0 }], continuousCandidates: 1500 });
    const ok = init.filter((p) => p[1] <= p[0]);
    l.observe(
      ok,
      ok.map((p) => [truth(p[0], p[1])]),
    );
    const pending = [[1.0, 0.3]];
    const { points } = l.proposeBatch(6, pending);
    expect(points.length).toBe(6);
    for (const p of points) {
      expect(p[1]).toBeLessThanOrEqual(p[0] + 1e-12);
      expect(p[0]).toBeGreaterThanOrEqual(0);
      expect(p[0]).toBeLessThanOrEqual(1.5);
    }
    expect(l.allowed([0.2, 0.9])).toBe(false);
  });

  it('learns two thresholds at once (log transform on a positive quantity)', () => {
    const l = createActiveLearner({
      ...config,
      objectives: [
        { name: 'cls_obs', threshold: 0.05, transform: 'log' },
        { name: 'cls_exp', threshold: 0.05, transform: 'log' },
      ],
    });
    const f = (p: number[]) => [Math.exp(-3 * p[0] - p[1]), Math.exp(-3.3 * p[0] - p[1])];
    l.observe(init, init.map(f));
    for (let k = 0; k < 4; k++) {
      const { points } = l.proposeBatch(5, [], { candidates: grid });
      l.observe(points, points.map(f));
    }
    const lab = l.classify(grid);
    const acc = (j: number) => grid.filter((p, i) => lab[i][j] === f(p)[j] < 0.05).length / grid.length;
    expect(acc(0)).toBeGreaterThan(0.97);
    expect(acc(1)).toBeGreaterThan(0.97);
    expect(() => l.observe([[0.1, 0.2]], [[1]])).toThrow(/values/);
  });
});

describe('active learner: the stopping estimate', () => {
  it('counts observed reference points by their observed label and brackets the level only with both labels seen', () => {
    const l = createActiveLearner(config);
    const allowedOnly = [
      [0.1, 1.4],
      [0.4, 1.0],
      [0.75, 1.4],
    ];
    l.observe(
      allowedOnly,
      allowedOnly.map((p) => [truth(p[0], p[1])]),
    );
    expect(allowedOnly.every((p) => truth(p[0], p[1]) >= 0)).toBe(true);
    expect(l.bracketed()).toBe(false);
    const l2 = createActiveLearner(config);
    l2.observe(
      init,
      init.map((p) => [truth(p[0], p[1])]),
    );
    expect(l2.bracketed()).toBe(true);
    // reference = the observed points only: each is interpolated, so its label is right and counts 0 exactly
    expect(l2.estimateMisclassifiedFraction(init).fraction).toBe(0);
    // an unobserved reference point keeps its probability
    const mixed = l2.estimateMisclassifiedFraction([...init, [0.9, 0.9]]);
    const alone = l2.estimateMisclassifiedFraction([[0.9, 0.9]]);
    expect(mixed.fraction * 8).toBeCloseTo(alone.fraction, 12);
  });

  it("calibrates the predictive near the level ('level-loo'); 'none' takes it as fitted", () => {
    const observe = (l: ReturnType<typeof createActiveLearner>) => {
      l.observe(
        init,
        init.map((p) => [truth(p[0], p[1])]),
      );
      return l;
    };
    const calibrated = observe(createActiveLearner({ ...config, estimateCalibration: 'level-loo' }));
    const asFitted = observe(createActiveLearner({ ...config, estimateCalibration: 'none' }));
    const grid = Array.from({ length: 400 }, (_, k) => [0.05 + 1.4 * ((k % 20) / 19), 0.05 + 1.4 * (Math.floor(k / 20) / 19)]);
    const a = calibrated.estimateMisclassifiedFraction(grid).fraction;
    const b = asFitted.estimateMisclassifiedFraction(grid).fraction;
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(Math.abs(a - b)).toBeGreaterThan(1e-3 * b);
    // the same training set, the same posterior mean: only the estimate differs
    expect(calibrated.classify(grid)).toEqual(asFitted.classify(grid));
  });

  it("by default ('level-cv') reads the estimate and the count draws from levelCalibration's predictive", () => {
    const l = createActiveLearner(config);
    l.observe(
      init,
      init.map((p) => [truth(p[0], p[1])]),
    );
    const grid = Array.from({ length: 400 }, (_, k) => [0.05 + 1.4 * ((k % 20) / 19), 0.05 + 1.4 * (Math.floor(k / 20) / 19)]);
    const cv = createActiveLearner({ ...config, estimateCalibration: 'level-cv' });
    cv.observe(
      init,
      init.map((p) => [truth(p[0], p[1])]),
    );
    expect(l.estimateMisclassifiedFraction(grid)).toEqual(cv.estimateMisclassifiedFraction(grid));
    // the same numbers by hand: the objective's model for the labels, levelCalibration's model and factor for the rest
    const state = l.toState().models[0]!;
    const objective = { model: ExactGp.fromState(state.gp), threshold: OutputTransform.fromJSON(state.transform).forward(0) };
    const chosen = levelCalibration(objective.model, objective.threshold);
    const unit = l.scaler.toUnit(grid.flat());
    const direct = expectedMisclassifiedFraction([objective], unit, 1e-6, {
      observationNoise: true,
      varianceScale: [chosen.varianceScale],
      predictive: [chosen.model],
    });
    expect(l.estimateMisclassifiedFraction(grid).fraction).toBe(direct.fraction);
    const draws = l.sampleMisclassifiedCounts(grid, 300, 4);
    const again = sampleMisclassifiedCounts([objective], unit, 300, createRng(4), {
      observationNoise: true,
      varianceScale: [chosen.varianceScale],
      predictive: [chosen.model],
    });
    expect(Array.from(draws)).toEqual(Array.from(again));
  });

  it('refuses an unknown calibration, naming the field', () => {
    expect(() => createActiveLearner({ ...config, estimateCalibration: 'loo' as 'none' })).toThrow(/estimateCalibration/);
  });
});
