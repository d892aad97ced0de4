import { describe, expect, it } from 'vitest';
import type { ModelPoint, ScanSpec } from '@sigmap/contracts';
import { buildLearner } from './learner';
import { misclassificationProbabilities, misclassifiedCountDraws, misclassifiedEstimate, scanConverged } from './stopping';
import type { TrainingRow } from './training';

const spec: ScanSpec = {
  name: 't',
  family: 'f',
  parameters: { x: { min: 0, max: 1, scale: 'linear' }, y: { min: 0, max: 1, scale: 'linear' } },
  searches: ['s'],
  fidelity: { default: 'lookup', events: 0 },
  mode: 'pool',
  batchSize: 5,
  budget: 50,
  target: 0.02,
  initialPoints: 4,
  roundsPerRun: 10,
  seed: 3,
};
const cls = (p: ModelPoint) => Math.exp(-6 * (p.x + p.y)); // excluded (CLs < 0.05) where x + y > 0.5
const row = (x: number, y: number): TrainingRow => ({ key: `${x},${y}`, point: { x, y }, cls: [cls({ x, y })] });
const pool: ModelPoint[] = [];
for (let i = 0; i < 11; i++) for (let j = 0; j < 11; j++) pool.push({ x: i / 10, y: j / 10 });

describe('scan stopping estimate', () => {
  it('is null until the evaluated points bracket the threshold, then a fraction in [0, 1]', () => {
    const oneSide = [row(0.6, 0.6), row(0.9, 0.3), row(1, 1), row(0.4, 0.9)];
    expect(misclassifiedEstimate(buildLearner(spec, oneSide, 1), spec, pool)).toBeNull();
    const both = [...oneSide, row(0.1, 0.1), row(0, 0.3)];
    const e = misclassifiedEstimate(buildLearner(spec, both, 1), spec, pool);
    expect(e).not.toBeNull();
    expect(e!).toBeGreaterThanOrEqual(0);
    expect(e!).toBeLessThanOrEqual(1);
    expect(misclassifiedEstimate(null, spec, pool)).toBeNull();
  });

  it("the estimate's per-point probabilities and count draws describe the same count (evaluated pool points exact)", () => {
    const rows = [row(0.6, 0.6), row(0.9, 0.3), row(1, 1), row(0.4, 0.9), row(0.1, 0.1), row(0, 0.3), row(0.3, 0.2)];
    const learner = buildLearner(spec, rows, 1);
    const e = misclassifiedEstimate(learner, spec, pool)!;
    const p = misclassificationProbabilities(learner, spec, pool)!;
    expect(p.length).toBe(pool.length);
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(e * pool.length, 9);
    // the evaluated pool points are known: probability 0 or 1
    const evaluated = pool.map((q, i) => (rows.some((r) => r.point.x === q.x && r.point.y === q.y) ? i : -1)).filter((i) => i >= 0);
    expect(evaluated.length).toBe(rows.length);
    for (const i of evaluated) expect([0, 1]).toContain(p[i]);
    const draws = misclassifiedCountDraws(learner, spec, pool, 3000, 7)!;
    const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((s, v) => s + (v - mean) ** 2, 0) / (draws.length - 1));
    expect(Math.abs(mean - e * pool.length)).toBeLessThan(4 * (sd / Math.sqrt(draws.length)) + 0.02);
    expect(misclassifiedCountDraws(null, spec, pool, 10, 1)).toBeNull();
    expect(misclassificationProbabilities(null, spec, pool)).toBeNull();
  });

  it('scanConverged is the shared patience rule', () => {
    expect(scanConverged(spec, { below: 3, digest: 'a' }, 4)).toBe(true);
    expect(scanConverged(spec, { below: 2, digest: 'a' }, 40)).toBe(false);
    expect(scanConverged(spec, { below: 3, digest: 'a' }, 3)).toBe(false);
  });
});
