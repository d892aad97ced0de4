import { cpus, loadavg } from 'node:os';
import { DEFAULT_EVENTS, type EventRecord, type ShowerEngine, fastDetector, fullDetector, generatedBatches, getFamily } from '@sigmap/physics';
import { createRng } from '@sigmap/contracts';
import { driverBatches, pythiaConfig } from '@sigmap/generators';
import { TfShowerEngine, ensureBackend, loadDefaultSet, surrogateDetector, truthEvent } from '@sigmap/surrogate';
import { integerOption, parseCli } from '../args';
import type { CliCommand } from '../command';
import { formatTable, writeJsonFile } from '../output';

/** Reference points: a lepton resonance (few hard objects) and a jet-rich SUSY cascade. */
const POINTS = [
  { family: 'zprime-ssm', point: { mass: 3000 } },
  { family: 'sbottom-bh', point: { m_sbottom: 1200, m_chi2: 600, m_chi1: 60 } },
];

interface Row {
  family: string;
  generator: 'builtin' | 'pythia8';
  events: number;
  /** visible final-state particles per event (what the detectors process) */
  visible_per_event: number;
  generation_ms_per_event: number;
  /** Pythia: process start + initialisation, not in the per-event figure */
  init_s: number;
  fast_ms_per_event: number;
  full_ms_per_event: number;
}

const ms = (t0: number, n: number) => (performance.now() - t0) / n;

export const bench: CliCommand = {
  summary: 'generation and detector time per event for Pythia 8 and the built-in generator; surrogate speed-up (ensemble detector stage, end to end)',
  usage: `usage: sigmap bench sim [--events N] [--json FILE]
On two reference points (Z' 3 TeV, ATLAS sbottom model), per event: generation (built-in two-body generator with
independent fragmentation vs Pythia 8.317 with ISR/FSR, MPI, hadronisation: its process start and initialisation
reported apart), the fast detector and the full detector (tfjs shower engine on the selected backend). Then, on the
same Z' events of each generator, the surrogate against full: the detector stage of the whole ensemble (truth objects
+ every member's networks vs showers + reconstruction) and end to end (generation included). Writes
reports/bench/sim.json unless --json FILE is given. Default statistics of a point: ${DEFAULT_EVENTS} events.
  --events  events per measurement (default 400)`,
  async run(argv) {
    const { values } = parseCli(argv, { events: { type: 'string' }, json: { type: 'string' } }, false);
    const n = integerOption('events', values.events, 400, 10);
    const backend = await ensureBackend();
    const engine: ShowerEngine = new TfShowerEngine(backend);
    // Warm-up of the shower engine (kernels) and the JIT on a few built-in events.
    const warm = [
      ...generatedBatches(
        getFamily('zprime-ssm'),
        getFamily('zprime-ssm').validate({}),
        getFamily('zprime-ssm').prepare(getFamily('zprime-ssm').validate({})),
        32,
        99,
      ),
    ].flatMap((b) => b.events);
    await fullDetector(warm, { engine, seed: 1 });
    const rows: Row[] = [];
    const samples: Record<string, EventRecord[]> = {};
    for (const p of POINTS) {
      const fam = getFamily(p.family);
      const point = fam.validate(p.point);
      // built-in
      let t0 = performance.now();
      const builtin = [...generatedBatches(fam, point, fam.prepare(point), n, 1)].flatMap((b) => b.events);
      const genBuiltin = ms(t0, n);
      // Pythia: time to the first batch includes process start + init; measured with a 1-event run
      const { config } = pythiaConfig(p.family, point);
      t0 = performance.now();
      for await (const _ of driverBatches({ source: 'pythia', settings: config.settings, slha: config.slha, seed: 2, events: 1, batchSize: 1 })) void _;
      const initS = (performance.now() - t0) / 1000;
      const pythia: EventRecord[] = [];
      t0 = performance.now();
      for await (const b of driverBatches({ source: 'pythia', settings: config.settings, slha: config.slha, seed: 1, events: n, batchSize: 256 }))
        pythia.push(...b.events);
      const genPythia = Math.max(ms(t0, n) - (initS * 1000) / n, 0);
      for (const [gen, evs, tGen, init] of [
        ['builtin', builtin, genBuiltin, 0],
        ['pythia8', pythia, genPythia, initS],
      ] as const) {
        const rng = createRng(3);
        t0 = performance.now();
        for (const ev of evs) fastDetector(ev, rng);
        const tFast = ms(t0, n);
        t0 = performance.now();
        await fullDetector(evs, { engine, seed: 3 });
        const tFull = ms(t0, n);
        const visible = evs.reduce((s, ev) => s + ev.visibleFinals().length, 0) / n;
        rows.push({
          family: p.family,
          generator: gen,
          events: n,
          visible_per_event: visible,
          generation_ms_per_event: tGen,
          init_s: init,
          fast_ms_per_event: tFast,
          full_ms_per_event: tFull,
        });
        if (p.family === 'zprime-ssm') samples[gen] = evs;
      }
    }
    process.stdout.write(`tfjs backend ${backend}, full detector shower engine ${engine.name}\n`);
    process.stdout.write(
      formatTable(
        ['family', 'generator', 'events', 'visible/event', 'generation ms/event', 'init s', 'fast detector ms/event', 'full detector ms/event'],
        rows.map((r) => [r.family, r.generator, r.events, r.visible_per_event, r.generation_ms_per_event, r.init_s, r.fast_ms_per_event, r.full_ms_per_event]),
      ),
    );
    // Surrogate vs full on the same Z' events.
    const { set, ids } = loadDefaultSet();
    const K = Math.min(...Object.values(set).map((m) => m!.length));
    const surrogateRows: { generator: string; stage: string; full_ms_per_event: number; surrogate_ms_per_event: number; ratio: number }[] = [];
    for (const r of rows.filter((x) => x.family === 'zprime-ssm')) {
      const evs = samples[r.generator];
      let t0 = performance.now();
      const truth = evs.map((ev) => ({ ...truthEvent(ev), weight: ev.weight }));
      const tTruth = ms(t0, n);
      t0 = performance.now();
      for (let k = 0; k < K; k++) surrogateDetector(truth, Object.fromEntries(Object.entries(set).map(([o, m]) => [o, m![k]])), 3 + k);
      const tNn = ms(t0, n);
      const full = r.full_ms_per_event;
      surrogateRows.push({
        generator: r.generator,
        stage: `detector stage, ${K}-member ensemble (truth objects + networks)`,
        full_ms_per_event: full,
        surrogate_ms_per_event: tTruth + tNn,
        ratio: full / (tTruth + tNn),
      });
      surrogateRows.push({
        generator: r.generator,
        stage: 'end to end (generation + detector stage)',
        full_ms_per_event: r.generation_ms_per_event + full,
        surrogate_ms_per_event: r.generation_ms_per_event + tTruth + tNn,
        ratio: (r.generation_ms_per_event + full) / (r.generation_ms_per_event + tTruth + tNn),
      });
    }
    process.stdout.write(`\nsurrogate (${Object.values(ids).join(', ')}) vs full detector on the same zprime-ssm events:\n`);
    process.stdout.write(
      formatTable(
        ['generator', 'stage', 'full ms/event', 'surrogate ms/event', 'full / surrogate'],
        surrogateRows.map((s) => [s.generator, s.stage, s.full_ms_per_event, s.surrogate_ms_per_event, s.ratio]),
      ),
    );
    const report = {
      bench: 'sim',
      events: n,
      defaultEvents: DEFAULT_EVENTS,
      backend,
      showerEngine: engine.name,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, loadavg1: loadavg()[0], node: process.versions.node },
      note: 'wall clock on shared cores (see loadavg1). Pythia generation per event excludes process start + init (init_s); it includes decoding the rows into EventRecords. The full detector uses the tfjs engine; JS engine: sigmap simulate --engine js.',
      rows,
      surrogate: { models: ids, members: K, rows: surrogateRows },
    };
    const path = values.json ?? 'reports/bench/sim.json';
    writeJsonFile(path, report);
    process.stdout.write(`wrote ${path}\n`);
    return 0;
  },
};
