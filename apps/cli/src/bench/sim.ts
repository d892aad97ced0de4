import { cpus, loadavg } from 'node:os';
import { DEFAULT_EVENTS, JsShowerEngine, type ShowerEngine, simulatePoint } from '@sigmap/physics';
import { integerOption, parseCli } from '../args';
import type { CliCommand } from '../command';
import { showerEngineFor } from '../commands/simulate';
import { formatTable, writeJsonFile } from '../output';

/** Reference points: a lepton resonance (few particles) and a jet-rich SUSY cascade (many showers). */
const POINTS = [
  { family: 'zprime-ssm', point: { mass: 3000 }, search: 'own-dilepton-resonance-13tev' },
  { family: 'sbottom-bh', point: { m_sbottom: 1200, m_chi2: 600, m_chi1: 60 }, search: 'own-bjets-met-13tev' },
];

interface Row {
  family: string;
  search: string;
  fidelity: 'fast' | 'full';
  engine: string;
  events: number;
  seconds: number;
  /** CPU seconds of this process (user + system): robust against other processes sharing the cores */
  cpu_seconds: number;
  events_per_s: number;
  /** events per CPU second */
  events_per_cpu_s: number;
  /** seconds for one model point at the default statistics (DEFAULT_EVENTS), extrapolated from the measured rate */
  point_cost_s: number;
  eff_acc: number;
}

export const bench: CliCommand = {
  summary: 'events/s of the fast and full simulation (JS and tfjs shower engines) and the cost of one model point',
  usage: `usage: sigmap bench sim [--events N] [--json FILE]
Measures, on two reference points, events/s for fidelity fast, full with the pure-JS shower engine and full with the
tfjs engine on the selected backend (tfjs-node-gpu on a GPU node, wasm here), and the cost of one point at the
default statistics (${DEFAULT_EVENTS} events). Writes reports/bench/sim.json unless --json FILE is given.
  --events  events per measurement (default 400)`,
  async run(argv) {
    const { values } = parseCli(argv, { events: { type: 'string' }, json: { type: 'string' } }, false);
    const n = integerOption('events', values.events, 400);
    const tfEngine = await showerEngineFor('tf');
    const configs: { fidelity: 'fast' | 'full'; engine: ShowerEngine | undefined; name: string }[] = [
      { fidelity: 'fast', engine: undefined, name: 'fast (parametric)' },
      { fidelity: 'full', engine: new JsShowerEngine(), name: 'js-cpu' },
      { fidelity: 'full', engine: tfEngine, name: tfEngine.name },
    ];
    const rows: Row[] = [];
    for (const p of POINTS) {
      for (const c of configs) {
        // Warm-up (JIT, tfjs kernels), then the timed run.
        await simulatePoint({ ...p, events: 32, fidelity: c.fidelity, seed: 99, showerEngine: c.engine });
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const r = await simulatePoint({ ...p, events: n, fidelity: c.fidelity, seed: 1, showerEngine: c.engine });
        const seconds = (performance.now() - t0) / 1000;
        const cu = process.cpuUsage(c0);
        const cpuSeconds = (cu.user + cu.system) / 1e6;
        rows.push({ family: p.family, search: p.search, fidelity: c.fidelity, engine: c.name, events: n, seconds, cpu_seconds: cpuSeconds, events_per_s: n / seconds, events_per_cpu_s: n / cpuSeconds, point_cost_s: (DEFAULT_EVENTS * seconds) / n, eff_acc: r.effAcc });
      }
    }
    process.stdout.write(
      formatTable(
        ['family', 'fidelity', 'engine', 'events', 'events/s', 'events/CPU-s', `s per point (${DEFAULT_EVENTS} ev)`, 'eff x acc'],
        rows.map((r) => [r.family, r.fidelity, r.engine, r.events, r.events_per_s, r.events_per_cpu_s, r.point_cost_s, r.eff_acc]),
      ),
    );
    const report = {
      bench: 'sim',
      defaultEvents: DEFAULT_EVENTS,
      backend: tfEngine.name,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, loadavg1: loadavg()[0], node: process.versions.node },
      note: 'single process; events/s is wall clock (inflated when other processes share the cores, see loadavg1), events/CPU-s counts this process only (the wasm backend runs single-threaded here). Times include generation, fragmentation, detector and selection.',
      rows,
    };
    const path = values.json ?? 'reports/bench/sim.json';
    writeJsonFile(path, report);
    process.stdout.write(`wrote ${path}\n`);
    return 0;
  },
};
