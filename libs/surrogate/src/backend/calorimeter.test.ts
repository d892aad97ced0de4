import { createRng } from '@sigmap/contracts';
import {
  EM_WIN_CELLS,
  EventRecord,
  JsShowerEngine,
  WINDOW_SIZE,
  fragmentAll,
  fromPtEtaPhiM,
  fullDetector,
  makeShowerBatch,
  type ShowerEngine,
} from '@sigmap/physics';
import { beforeAll, describe, expect, it } from 'vitest';
import { TfShowerEngine } from './calorimeter';
import { selectBackend } from './select';

let tfEngine: ShowerEngine;
let backend: string;

beforeAll(async () => {
  backend = await selectBackend();
  tfEngine = new TfShowerEngine(backend);
});

interface Moments {
  mean: number;
  sd: number;
  emFrac: number;
  layers: number[];
}

async function moments(engine: ShowerEngine, kind: 0 | 1 | 2, E: number, n: number, seed: number): Promise<Moments> {
  const rng = createRng(seed);
  const b = makeShowerBatch(Array.from({ length: n }, () => ({ E, eta: 2 * rng.uniform() - 1, phi: 6 * rng.uniform() - 3, kind })));
  const d = await engine.deposit(b, seed);
  const tot: number[] = [];
  let em = 0;
  const layers = [0, 0, 0, 0, 0, 0];
  const off = [0, EM_WIN_CELLS, 2 * EM_WIN_CELLS, 3 * EM_WIN_CELLS, 3 * EM_WIN_CELLS + 25, 3 * EM_WIN_CELLS + 50, WINDOW_SIZE];
  for (let s = 0; s < n; s++) {
    let t = 0;
    for (let l = 0; l < 6; l++) {
      let x = 0;
      for (let k = off[l]; k < off[l + 1]; k++) x += d[s * WINDOW_SIZE + k];
      layers[l] += x / E / n;
      if (l < 3) em += x;
      t += x;
    }
    tot.push(t);
  }
  const mean = tot.reduce((a, x) => a + x, 0) / n;
  const sd = Math.sqrt(tot.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  return { mean, sd, emFrac: em / (mean * n), layers };
}

describe('tfjs shower engine vs the pure-JS reference engine', () => {
  it('selects a backend and names it', () => {
    expect(['tensorflow', 'wasm', 'cpu']).toContain(backend);
    expect(tfEngine.name).toBe(`tfjs-${backend}`);
  });

  for (const [kind, E] of [
    [0, 100],
    [1, 30],
    [2, 50],
    [2, 500],
  ] as const) {
    it(`agrees statistically for kind ${kind} at ${E} GeV (mean, width, longitudinal profile)`, async () => {
      const n = 3000;
      const a = await moments(new JsShowerEngine(), kind, E, n, 1);
      const b = await moments(tfEngine, kind, E, n, 2);
      // Means within 4 standard errors, widths within 4 standard errors of a width (~sd/sqrt(2n), x2 for tails).
      expect(Math.abs(a.mean - b.mean)).toBeLessThan((4 * Math.hypot(a.sd, b.sd)) / Math.sqrt(n));
      expect(Math.abs(a.sd - b.sd) / a.sd).toBeLessThan((4 * 2) / Math.sqrt(2 * n));
      for (let l = 0; l < 6; l++) expect(Math.abs(a.layers[l] - b.layers[l]), `layer ${l}`).toBeLessThan(0.01);
    });
  }

  it('gives the same reconstructed electron response through the full detector', async () => {
    const rng = createRng(4);
    const evs = Array.from({ length: 300 }, () => {
      const ev = new EventRecord();
      const eta = rng.uniform() - 0.5;
      ev.add({ kind: 'e', charge: -1, p: fromPtEtaPhiM(200 / Math.cosh(eta), eta, 6 * rng.uniform() - 3, 0), m: 0, mother: -1, final: true });
      fragmentAll(ev, rng);
      return ev;
    });
    const resp = async (engine: ShowerEngine) => {
      const r = await fullDetector(evs, { engine, seed: 7 });
      const v = r.flatMap((x) => (x.electrons[0] ? [x.electrons[0].p.E / 200] : []));
      const m = v.reduce((s, x) => s + x, 0) / v.length;
      return { n: v.length, m, sd: Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length) };
    };
    const js = await resp(new JsShowerEngine());
    const tf = await resp(tfEngine);
    expect(tf.n).toBeGreaterThan(250);
    expect(Math.abs(js.m - tf.m)).toBeLessThan((4 * Math.hypot(js.sd, tf.sd)) / Math.sqrt(300));
  });
});
