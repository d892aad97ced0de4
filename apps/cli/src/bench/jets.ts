import { spawnSync } from 'node:child_process';
import { cpus, homedir, loadavg } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@sigmap/contracts';
import { type AntiKtStrategy, type Constituent, PLAIN_MAX_INPUTS, antiKt, generateEvents, particleCloud } from '@sigmap/physics';
import { integerOption, parseCli } from '../args';
import type { CliCommand } from '../command';
import { formatTable, writeJsonFile } from '../output';

const PEER = join(__dirname, '../../../../libs/peers/python/fastjet_antikt.py');
const R = 0.4;
const PT_MIN = 10;

interface Row {
  inputs: string;
  events: number;
  /** microseconds per event */
  plain_us: number;
  tiled_us: number;
  fastjet_us: number | null;
  /** tiled / plain time: > 1 where the plain strategy is faster */
  tiled_over_plain: number;
  /** FastJet / sigmap's auto strategy */
  fastjet_over_auto: number | null;
}

/** Microseconds per event of one strategy, repeated for at least `minMs`. */
function timeStrategy(events: Constituent[][], strategy: AntiKtStrategy, minMs: number): number {
  for (const e of events) antiKt(e, R, PT_MIN, strategy); // warm-up
  let reps = 0;
  const t0 = performance.now();
  do {
    for (const e of events) antiKt(e, R, PT_MIN, strategy);
    reps++;
  } while (performance.now() - t0 < minMs);
  return ((performance.now() - t0) * 1000) / (reps * events.length);
}

function timeFastjet(python: string, events: Constituent[][], repeat: number): { us: number; version: string } | { error: string } {
  const input = JSON.stringify({ R, pt_min: PT_MIN, repeat, events: events.map((e) => e.map((p) => [p.px, p.py, p.pz, p.E])) });
  const r = spawnSync(python, [PEER], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) return { error: (r.stderr || r.error?.message || 'failed').trim().split('\n').pop()! };
  const out = JSON.parse(r.stdout) as { seconds: number; fastjet_version: string };
  return { us: (out.seconds * 1e6) / (repeat * events.length), version: out.fastjet_version };
}

const generated = (family: string, point: Record<string, number>, n: number): Constituent[][] =>
  generateEvents(family, point, n, 5).map((ev) => ev.visibleFinals().map((q) => q.p));

export const bench: CliCommand = {
  summary: 'anti-kT clustering: plain vs tiled strategy vs FastJet 3.5 (Python bindings), microseconds per event',
  usage: `usage: sigmap bench jets [--particles N] [--json FILE]
Times sigmap's anti-kT (R = ${R}, pT >= ${PT_MIN} GeV) with its two strategies on generated events and on synthetic
particle clouds of 8 to 1024 inputs, beside FastJet's anti-kT through its Python bindings (the peers' virtualenv;
SIGMAP_PYHF_PYTHON overrides). The crossover sets PLAIN_MAX_INPUTS (now ${PLAIN_MAX_INPUTS}).
Writes reports/bench/jets.json unless --json FILE is given.
  --particles  particles per measurement and multiplicity (default 20000)`,
  async run(argv) {
    const { values } = parseCli(argv, { particles: { type: 'string' }, json: { type: 'string' } }, false);
    const budget = integerOption('particles', values.particles, 20000, 100);
    const python = process.env.SIGMAP_PYHF_PYTHON ?? join(homedir(), '.cache/sigmap/pyhf-venv/bin/python');
    const rng = createRng(7);
    const sets: { inputs: string; events: Constituent[][] }[] = [
      { inputs: 'x0-e-e events (truth-jet inputs)', events: generated('x0-e-e', {}, 400) },
      { inputs: 'sbottom-bh events', events: generated('sbottom-bh', {}, 400) },
      ...[8, 16, 32, 48, 64, 96, 128, 256, 1024].map((n) => ({
        inputs: `cloud of ${n}`,
        events: Array.from({ length: Math.max(10, Math.round(budget / n)) }, () => particleCloud(n, rng)),
      })),
    ];
    const rows: Row[] = [];
    let fastjetVersion = 'unavailable';
    for (const { inputs, events } of sets) {
      const plain = timeStrategy(events, 'plain', 300);
      const tiled = timeStrategy(events, 'tiled', 300);
      const auto = timeStrategy(events, 'auto', 300);
      const fj = timeFastjet(python, events, 5);
      if ('version' in fj) fastjetVersion = fj.version;
      else if (rows.length === 0) process.stderr.write(`FastJet peer unavailable (${fj.error}); run bash scripts/bootstrap.sh\n`);
      const fjUs = 'us' in fj ? fj.us : null;
      rows.push({
        inputs,
        events: events.length,
        plain_us: plain,
        tiled_us: tiled,
        fastjet_us: fjUs,
        tiled_over_plain: tiled / plain,
        fastjet_over_auto: fjUs === null ? null : fjUs / auto,
      });
    }
    process.stdout.write(`anti-kT R = ${R}, pT >= ${PT_MIN} GeV; FastJet ${fastjetVersion} (Python bindings)\n`);
    process.stdout.write(
      formatTable(
        ['inputs', 'events', 'plain us/ev', 'tiled us/ev', 'FastJet us/ev', 'tiled / plain', 'FastJet / auto'],
        rows.map((r) => [r.inputs, r.events, r.plain_us, r.tiled_us, r.fastjet_us ?? '-', r.tiled_over_plain, r.fastjet_over_auto ?? '-']),
      ),
    );
    const report = {
      bench: 'jets',
      R,
      ptMin: PT_MIN,
      plainMaxInputs: PLAIN_MAX_INPUTS,
      fastjetVersion,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, loadavg1: loadavg()[0], node: process.versions.node },
      note: "wall clock per event, single thread. FastJet's time includes its Python bindings' per-call conversion of the input list (building the PseudoJets is outside), so it overstates FastJet's C++ cost for small events.",
      rows,
    };
    const path = values.json ?? 'reports/bench/jets.json';
    writeJsonFile(path, report);
    process.stdout.write(`wrote ${path}\n`);
    return 0;
  },
};
