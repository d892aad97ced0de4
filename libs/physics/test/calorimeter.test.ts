import { createRng } from '@sigmap/contracts';
import { describe, expect, it } from 'vitest';
import { DESIGN, EventRecord, JsShowerEngine, type RecoEvent, fragmentAll, fromPtEtaPhiM, fullDetector } from '../src';

/** Single-particle guns through the full simulation (JS shower engine) and reconstruction. */
async function gun(kind: 'e' | 'gamma' | 'q', E: number, n: number, seed: number): Promise<RecoEvent[]> {
  const rng = createRng(seed);
  const evs: EventRecord[] = [];
  for (let i = 0; i < n; i++) {
    const ev = new EventRecord();
    const eta = 1.2 * rng.uniform() - 0.6;
    const phi = 2 * Math.PI * rng.uniform() - Math.PI;
    ev.add({ kind, charge: kind === 'e' ? -1 : 0, p: fromPtEtaPhiM(E / Math.cosh(eta), eta, phi, 0), m: 0, mother: -1, final: true });
    fragmentAll(ev, rng);
    evs.push(ev);
  }
  return fullDetector(evs, { engine: new JsShowerEngine(), seed });
}

/** Mean and Gaussian-core width (RMS after two rounds of 3-sigma clipping), as experiments fit the core. */
function core(xs: number[]): { mean: number; sigma: number; n: number } {
  let v = xs;
  let m = 0;
  let s = 0;
  for (let it = 0; it < 3; it++) {
    m = v.reduce((a, x) => a + x, 0) / v.length;
    s = Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1));
    const mm = m;
    const ss = s;
    v = xs.filter((x) => Math.abs(x - mm) < 3 * ss);
  }
  return { mean: m, sigma: s, n: v.length };
}

/**
 * Weighted least squares of (sigma/E)^2 = a^2/E + b^2 (sigma/E = a/sqrt(E) (+) b, linear in a^2 and b^2), weights from
 * var((sigma/E)^2) = 2 (sigma/E)^4 / (n - 1). Points below the energy where noise (c/E) matters are left out.
 */
function fitResolution(points: { E: number; r: number; n: number }[]): { a: number; b: number } {
  let s11 = 0;
  let s12 = 0;
  let s22 = 0;
  let y1 = 0;
  let y2 = 0;
  for (const p of points) {
    const v = p.r * p.r;
    const w = (p.n - 1) / (2 * v * v);
    const f1 = 1 / p.E;
    s11 += w * f1 * f1;
    s12 += w * f1;
    s22 += w;
    y1 += w * f1 * v;
    y2 += w * v;
  }
  const d = s11 * s22 - s12 * s12;
  const a2 = (y1 * s22 - y2 * s12) / d;
  const b2 = (s11 * y2 - s12 * y1) / d;
  return { a: Math.sqrt(Math.max(a2, 0)), b: Math.sqrt(Math.max(b2, 0)) };
}

describe('full calorimeter: response and resolution vs design', () => {
  it('electrons: response 1 within 1.5%, sigma/E fit gives the design 10%/sqrt(E) (+) 0.7%', async () => {
    const pts: { E: number; r: number; n: number }[] = [];
    for (const E of [50, 100, 200, 500, 1000, 2000]) {
      const reco = await gun('e', E, 400, E);
      const vals = reco.flatMap((r) => (r.electrons[0] ? [r.electrons[0].p.E / E] : []));
      expect(vals.length / 400, `electron efficiency at ${E} GeV`).toBeGreaterThan(0.85);
      const c = core(vals);
      expect(Math.abs(c.mean - 1), `response at ${E} GeV`).toBeLessThan(0.015);
      pts.push({ E, r: c.sigma / c.mean, n: c.n });
    }
    const fit = fitResolution(pts);
    console.log('EM fit', fit, 'design', DESIGN.em, pts.map((p) => `${p.E}:${(100 * p.r).toFixed(2)}%`).join(' '));
    expect(Math.abs(fit.a - DESIGN.em.a) / DESIGN.em.a).toBeLessThan(0.15);
    expect(Math.abs(fit.b - DESIGN.em.b)).toBeLessThan(0.003);
  });

  it('photons reconstruct as photons (no track) with the same response', async () => {
    const reco = await gun('gamma', 100, 200, 3);
    const ph = reco.flatMap((r) => (r.photons[0] ? [r.photons[0].p.E / 100] : []));
    expect(reco.filter((r) => r.electrons.length).length).toBe(0);
    expect(ph.length).toBeGreaterThan(160);
    expect(Math.abs(core(ph).mean - 1)).toBeLessThan(0.015);
  });

  it('jets: response 1 within 3%, sigma/E fit gives the design 50%/sqrt(E) (+) 3%', async () => {
    const pts: { E: number; r: number; n: number }[] = [];
    for (const E of [100, 200, 500, 1000, 2000]) {
      const reco = await gun('q', E, 250, 100 + E);
      const vals = reco.flatMap((r) => (r.jets[0] ? [r.jets[0].p.E / E] : []));
      expect(vals.length / 250).toBeGreaterThan(0.9);
      const c = core(vals);
      expect(Math.abs(c.mean - 1), `jet response at ${E} GeV`).toBeLessThan(0.03);
      pts.push({ E, r: c.sigma / c.mean, n: c.n });
    }
    const fit = fitResolution(pts);
    console.log('jet fit', fit, 'design', DESIGN.jet, pts.map((p) => `${p.E}:${(100 * p.r).toFixed(2)}%`).join(' '));
    expect(Math.abs(fit.a - DESIGN.jet.a) / DESIGN.jet.a).toBeLessThan(0.2);
    expect(Math.abs(fit.b - DESIGN.jet.b)).toBeLessThan(0.01);
  });
});
