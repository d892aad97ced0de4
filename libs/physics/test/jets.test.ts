/**
 * Anti-kT against FastJet 3.5 (libs/peers/python/fastjet_antikt.py, the Python bindings in the peers' virtualenv): the same
 * jets (constituents) with four-momenta equal to 1e-9 relative, on generated events and on random particle clouds on
 * both sides of the strategies' crossover; and the two strategies give bitwise the same jets.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@sigmap/contracts';
import { describe, expect, it } from 'vitest';
import { type Constituent, PLAIN_MAX_INPUTS, antiKt, fromPtEtaPhiM, generateEvents, particleCloud } from '../src';

const PYTHON = process.env.SIGMAP_PYHF_PYTHON ?? join(homedir(), '.cache/sigmap/pyhf-venv/bin/python');
const PEER = join(__dirname, '../../../libs/peers/python/fastjet_antikt.py');
const skipPeers = process.env.SIGMAP_SKIP_PYHF === '1';

interface PeerJet extends Constituent {
  constituents: number[];
}

function fastjet(events: Constituent[][], R: number, ptMin: number): PeerJet[][] {
  if (!existsSync(PYTHON)) throw new Error(`FastJet peer: no Python at ${PYTHON} (run bash scripts/bootstrap.sh)`);
  const input = JSON.stringify({ R, pt_min: ptMin, events: events.map((e) => e.map((p) => [p.px, p.py, p.pz, p.E])) });
  const r = spawnSync(PYTHON, [PEER], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`FastJet peer failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { events: PeerJet[][] }).events;
}

/** Visible final-state particles of generated, fragmented events (the inputs of truth jets). */
const generatedInputs = (family: string, point: Record<string, number>, n: number, seed: number): Constituent[][] =>
  generateEvents(family, point, n, seed).map((ev) => ev.visibleFinals().map((q) => q.p));

const canonical = (j: ReturnType<typeof antiKt>[number]) => ({ ...j, constituents: [...j.constituents].sort((a, b) => a - b) });

function expectSameJets(ours: ReturnType<typeof antiKt>, ref: PeerJet[], what: string): void {
  expect(
    ours.map((j) => [...j.constituents].sort((a, b) => a - b)),
    `${what}: constituents`,
  ).toEqual(ref.map((j) => j.constituents));
  ours.forEach((j, k) => {
    for (const c of ['px', 'py', 'pz', 'E'] as const) expect(Math.abs(j[c] - ref[k][c]), `${what}: jet ${k} ${c}`).toBeLessThanOrEqual(1e-9 * ref[k].E);
  });
}

describe.skipIf(skipPeers)('anti-kT against FastJet', () => {
  const rng = createRng(2026);
  const cases: { name: string; events: Constituent[][] }[] = [
    { name: 'sbottom-bh (b jets)', events: generatedInputs('sbottom-bh', {}, 30, 1) },
    { name: 'excited-quark 3 TeV (dijets)', events: generatedInputs('excited-quark', { mass: 3000 }, 30, 2) },
    { name: 'T2tt (tops)', events: generatedInputs('T2tt', { m_stop: 800, m_lsp: 100 }, 30, 3) },
    { name: 'clouds', events: [2, 5, 20, PLAIN_MAX_INPUTS - 1, PLAIN_MAX_INPUTS, PLAIN_MAX_INPUTS + 1, 150, 400, 1000].map((n) => particleCloud(n, rng)) },
  ];
  for (const { R, ptMin } of [
    { R: 0.4, ptMin: 10 },
    { R: 1.0, ptMin: 0 },
  ]) {
    it(`R = ${R}, pT >= ${ptMin}: same jets as FastJet, both strategies`, () => {
      for (const { name, events } of cases) {
        const ref = fastjet(events, R, ptMin);
        events.forEach((ev, i) => {
          const plain = antiKt(ev, R, ptMin, 'plain');
          const tiled = antiKt(ev, R, ptMin, 'tiled');
          expectSameJets(plain, ref[i], `${name} #${i} (${ev.length} inputs), plain`);
          // A mutual nearest pair may be recombined into either index (heap vs scan order): same sums, constituents reordered.
          expect(tiled.map(canonical), `${name} #${i}: tiled = plain`).toEqual(plain.map(canonical));
        });
      }
    });
  }
  it('tied distances (towers on a grid, few distinct energies) go to the lower index: both strategies agree', () => {
    const rng = createRng(11);
    for (let e = 0; e < 200; e++) {
      const n = 10 + Math.floor(rng.uniform() * 200);
      const towers = Array.from({ length: n }, () => {
        const ieta = Math.floor(rng.uniform() * 40) - 20;
        const iphi = Math.floor(rng.uniform() * 64);
        return fromPtEtaPhiM([2, 5, 20, 50][Math.floor(rng.uniform() * 4)], 0.1 * ieta + 0.05, ((iphi + 0.5) * 2 * Math.PI) / 64 - Math.PI, 0);
      });
      for (const R of [0.4, 1.0])
        expect(antiKt(towers, R, 0, 'tiled').map(canonical), `grid event ${e}, R = ${R}`).toEqual(antiKt(towers, R, 0, 'plain').map(canonical));
    }
  });
  it('has no inputs, no jets; a lone particle is its own jet', () => {
    for (const s of ['plain', 'tiled'] as const) {
      expect(antiKt([], 0.4, 0, s)).toEqual([]);
      const p = fromPtEtaPhiM(50, 1, 2, 0);
      const [j] = antiKt([p], 0.4, 10, s);
      expect(j.constituents).toEqual([0]);
      expect(j.pt).toBeCloseTo(50, 9);
    }
  });
});
