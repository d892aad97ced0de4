import { createRng } from '@sigmap/contracts';
import { describe, expect, it } from 'vitest';
import { misclassOne } from './acquisition';
import { proposeBatch, type LevelSetObjective } from './batch';
import { ExactGp } from './exactGp';
import { createKernel } from './kernels';

function setup(seed: number, n = 30, m = 400) {
  const rng = createRng(seed);
  const X = Array.from({ length: 2 * n }, () => rng.uniform());
  const y = Array.from({ length: n }, (_, i) => Math.sin(4 * X[2 * i]) + X[2 * i + 1] - 0.8);
  const gp = new ExactGp(createKernel('matern52', 2, [0.25, 0.4], 1), { logNoise: Math.log(1e-6) }).setData(X, y);
  const C = Float64Array.from({ length: 2 * m }, () => rng.uniform());
  return { gp, C, X, y };
}

/** Brute force kriging believer: full posterior of every candidate, add the pick with y = mean, refit, repeat. */
function bruteForce(gp: ExactGp, C: Float64Array, q: number, t: number, score: (m: number, v: number) => number, pending: number[] = []): number[] {
  const g = ExactGp.fromState(gp.toState());
  g.setHyper(gp.getHyper());
  const addFantasy = (x: ArrayLike<number>) => {
    const mu = g.posterior(Float64Array.from(x)).mean[0];
    g.addObservations(x, [mu], [0]);
  };
  for (let p = 0; p < pending.length / 2; p++) addFantasy(pending.slice(2 * p, 2 * p + 2));
  const picks: number[] = [];
  for (let k = 0; k < q; k++) {
    const post = g.posterior(C);
    let best = -Infinity;
    let arg = -1;
    for (let a = 0; a < C.length / 2; a++) {
      if (picks.includes(a)) continue;
      const s = score(post.mean[a], post.variance[a]);
      if (s > best) {
        best = s;
        arg = a;
      }
    }
    picks.push(arg);
    addFantasy(C.subarray(2 * arg, 2 * arg + 2));
  }
  void t;
  return picks;
}

describe('proposeBatch (kriging believer, pruned by variance upper bounds)', () => {
  it('picks the same batch as a brute-force kriging believer (straddle and misclassification)', () => {
    const { gp, C } = setup(1);
    const obj: LevelSetObjective[] = [{ model: gp, threshold: 0, fantasyNoise: 0 }];
    const st = proposeBatch(obj, { candidates: C, q: 5, acquisition: 'straddle' });
    expect(st.indices).toEqual(bruteForce(gp, C, 5, 0, (m, v) => 1.96 * Math.sqrt(v) - Math.abs(m)));
    expect(st.exactCount).toBeLessThan(400); // pruning did work
    const mc = proposeBatch(obj, { candidates: C, q: 5, acquisition: 'misclassification' });
    expect(mc.indices).toEqual(bruteForce(gp, C, 5, 0, (m, v) => misclassOne(m, v, 0)));
  });

  it('conditions on pending points as fantasies and never repeats a point', () => {
    const { gp, C } = setup(2);
    const obj: LevelSetObjective[] = [{ model: gp, threshold: 0, fantasyNoise: 0 }];
    const first = proposeBatch(obj, { candidates: C, q: 3 });
    const pending = Array.from(C.subarray(2 * first.indices[0], 2 * first.indices[0] + 2));
    const next = proposeBatch(obj, { candidates: C, q: 4, pending: Float64Array.from(pending), exclude: new Set([first.indices[0]]) });
    expect(next.indices).not.toContain(first.indices[0]);
    expect(new Set(next.indices).size).toBe(4);
    expect(next.indices).toEqual(bruteForce(gp, C, 4, 0, (m, v) => 1.96 * Math.sqrt(v) - Math.abs(m), pending));
  });

  it('local penalisation spreads the batch; is deterministic', () => {
    const { gp, C } = setup(3);
    const obj: LevelSetObjective[] = [{ model: gp, threshold: 0 }];
    const a = proposeBatch(obj, { candidates: C, q: 5, strategy: 'penalisation', acquisition: 'misclassification' });
    const b = proposeBatch(obj, { candidates: C, q: 5, strategy: 'penalisation', acquisition: 'misclassification' });
    expect(a.indices).toEqual(b.indices);
    expect(new Set(a.indices).size).toBe(5);
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < i; j++) {
        const d = Math.hypot(C[2 * a.indices[i]] - C[2 * a.indices[j]], C[2 * a.indices[i] + 1] - C[2 * a.indices[j] + 1]);
        expect(d).toBeGreaterThan(0.01);
      }
  });

  it('several level sets at once, and the look-ahead criterion', () => {
    const { gp, C } = setup(4);
    const { gp: gp2 } = setup(5);
    const obj: LevelSetObjective[] = [
      { model: gp, threshold: 0 },
      { model: gp2, threshold: 0.3 },
    ];
    const p = proposeBatch(obj, { candidates: C, q: 5, acquisition: 'lookahead' });
    expect(p.indices.length).toBe(5);
    expect(p.scores.every((s) => s > 0)).toBe(true);
    const s = proposeBatch(obj, { candidates: C, q: 2, acquisition: 'entropy' });
    expect(s.indices.length).toBe(2);
  });
});
