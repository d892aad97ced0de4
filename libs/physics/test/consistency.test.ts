import { describe, expect, it } from 'vitest';
import { simulatePoint } from '../src';

// `fast` (parametric) and `full` (shower simulation + reconstruction) must agree on eff x acc within statistics:
// fast is the debugging reference for full (and full the truth that fast approximates).
describe('fast vs full fidelity', () => {
  for (const [family, point, search] of [
    ['x0-gamma-gamma', { mass: 1500 }, 'own-diphoton-resonance-13tev'],
    ['sbottom-bh', { m_sbottom: 1200, m_chi2: 600, m_chi1: 60 }, 'own-bjets-met-13tev'],
    ['excited-quark', { mass: 5000 }, 'own-dijet-resonance-13tev'],
  ] as const) {
    it(`${family} -> ${search}`, async () => {
      const fast = await simulatePoint({ family, point, search, events: 300, fidelity: 'fast', seed: 1 });
      const full = await simulatePoint({ family, point, search, events: 300, fidelity: 'full', seed: 2 });
      expect(full.effAcc).toBeGreaterThan(0.05);
      expect(Math.abs(fast.effAcc - full.effAcc)).toBeLessThan(4 * Math.hypot(fast.effAccError, full.effAccError));
    });
  }
});
