import { describe, expect, it } from 'vitest';
import { generatedBatches, getFamily, simulatePoint } from '../src';

const req = { family: 'zprime-ssm', point: { mass: 2000 }, search: 'own-dilepton-resonance-13tev' } as const;

describe('simulatePoint', () => {
  it('the same seed gives identical yields (fast and full)', async () => {
    for (const fidelity of ['fast', 'full'] as const) {
      const a = await simulatePoint({ ...req, events: fidelity === 'fast' ? 300 : 100, fidelity, seed: 5 });
      const b = await simulatePoint({ ...req, events: fidelity === 'fast' ? 300 : 100, fidelity, seed: 5 });
      expect(b.yields).toEqual(a.yields);
      expect(b.yieldErrors).toEqual(a.yieldErrors);
      expect(a.yields.reduce((s, x) => s + x, 0)).toBeGreaterThan(0);
    }
  });

  it('different seeds agree within statistical errors, and fast agrees with full', async () => {
    const a = await simulatePoint({ ...req, events: 1500, fidelity: 'fast', seed: 1 });
    const b = await simulatePoint({ ...req, events: 1500, fidelity: 'fast', seed: 2 });
    expect(a.yields).not.toEqual(b.yields);
    const z = (x: number, ex: number, y: number, ey: number) => Math.abs(x - y) / Math.hypot(ex, ey);
    expect(z(a.effAcc, a.effAccError, b.effAcc, b.effAccError)).toBeLessThan(4);
    // Bin by bin chi^2 over bins with content.
    let chi2 = 0;
    let nb = 0;
    a.yields.forEach((y, i) => {
      const e2 = a.yieldErrors[i] ** 2 + b.yieldErrors[i] ** 2;
      if (e2 > 0) {
        chi2 += (y - b.yields[i]) ** 2 / e2;
        nb++;
      }
    });
    // chi^2 with nb degrees of freedom: P(chi2 > nb + 5 sqrt(2 nb)) is below ~1e-4.
    expect(chi2).toBeLessThan(nb + 5 * Math.sqrt(2 * nb));
    // eff x acc <= BR(Z' -> ee, mumu) + BR(tau tau -> ee, mumu) = 6.18% + 0.19%, and acceptance x ID > ~65%.
    expect(a.effAcc).toBeGreaterThan(0.65 * 0.0618 - 3 * a.effAccError);
    expect(a.effAcc).toBeLessThan(0.0637 + 3 * a.effAccError);
    const full = await simulatePoint({ ...req, events: 300, fidelity: 'full', seed: 3 });
    expect(z(full.effAcc, full.effAccError, a.effAcc, a.effAccError)).toBeLessThan(4);
    // Yields are sigma x L x (selected / N).
    const sel = a.counts.reduce((s, c) => s + c, 0);
    expect(a.yields.reduce((s, y) => s + y, 0)).toBeCloseTo((a.crossSectionPb * 1000 * a.luminosityFb * sel) / a.events, 6);
  });

  it('rejects bad requests with InputError', async () => {
    await expect(simulatePoint({ ...req, events: 0, fidelity: 'fast', seed: 1 })).rejects.toThrow(/events/);
    await expect(simulatePoint({ ...req, search: 'nope', events: 10, fidelity: 'fast', seed: 1 })).rejects.toThrow(/unknown own search/);
    await expect(simulatePoint({ ...req, family: 'nope', events: 10, fidelity: 'fast', seed: 1 })).rejects.toThrow(/unknown family/);
  });
});

describe('generatedBatches', () => {
  it("gives each batch its own fork of the seed: a longer run starts with the shorter run's events", () => {
    const f = getFamily(req.family);
    const p = f.validate(req.point);
    const batches = (events: number) => [...generatedBatches(f, p, f.prepare(p), events, 9, 64)];
    const short = batches(128);
    const long = batches(150);
    expect(short.map((b) => [b.start, b.events.length])).toEqual([
      [0, 64],
      [64, 64],
    ]);
    expect(long.map((b) => [b.start, b.events.length])).toEqual([
      [0, 64],
      [64, 64],
      [128, 22],
    ]);
    const momenta = (bs: typeof short) => bs.flatMap((b) => b.events.map((e) => e.particles.map((q) => [q.kind, q.p.px, q.p.py, q.p.pz, q.p.E])));
    expect(momenta(long.slice(0, 2))).toEqual(momenta(short));
    expect(momenta(batches(128))).toEqual(momenta(short));
    expect(momenta([...generatedBatches(f, p, f.prepare(p), 128, 10, 64)])).not.toEqual(momenta(short));
  });
});
