import { InputError } from '@sigmap/contracts';
import { DEFAULT_EVENTS, type DetectorFidelity, JsShowerEngine, type ShowerEngine, type SimulateResult, simulatePoint } from '@sigmap/physics';
import type { SurrogateSimulateResult } from '@sigmap/surrogate';
import { integerOption, parseCli, printJson } from '../args';
import type { CliCommand } from '../command';
import { formatNumber, formatTable } from '../output';

/** Parses 'k=v,k=v' into numbers. */
export function parsePoint(raw: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!raw) return out;
  for (const part of raw.split(',')) {
    if (!part.trim()) continue;
    const [k, v, ...rest] = part.split('=');
    const x = Number(v);
    if (!k?.trim() || v === undefined || rest.length || v.trim() === '' || !Number.isFinite(x)) throw new InputError('--point', `expected k=v,k=v with numbers, got '${part}'`);
    out[k.trim()] = x;
  }
  return out;
}

/** The shower engine for `full`: tfjs on the selected backend (tfjs-node-gpu, else wasm, else cpu), or pure JS. */
export async function showerEngineFor(engine: string): Promise<ShowerEngine> {
  if (engine === 'js') return new JsShowerEngine();
  if (engine !== 'tf') throw new InputError('--engine', `expected 'tf' or 'js', got '${engine}'`);
  // Required lazily (tfjs costs ~1 s to load and `fast` does not need it); only the backend module of the surrogate lib.
  const { selectBackend, TfShowerEngine } = require('@sigmap/surrogate/src/backend') as typeof import('@sigmap/surrogate/src/backend');
  const backend = await selectBackend();
  return new TfShowerEngine(backend);
}

export const command: CliCommand = {
  summary: 'simulate one model point into an own search: signal yields per bin, eff x acc, events/s, backend',
  usage: `usage: sigmap simulate --family F --point k=v,... --search ID [--events N] [--fidelity full|fast|surrogate] [--seed S] [--engine tf|js] [--json]
  --family    a model family id (sigmap families)
  --point     parameter values, e.g. mass=3000,g=1 (missing parameters take their defaults)
  --search    an own search id (sigmap searches / listOwnSearches)
  --events    generated events (default ${DEFAULT_EVENTS})
  --fidelity  full (calorimeter shower simulation + reconstruction), fast (parametric) or surrogate (the trained
              detector surrogates of sigmap surrogate list; yields are the ensemble mean, with its per-bin spread),
              default full
  --seed      random seed (default 1)
  --engine    shower engine for full: tf (tfjs on the selected backend, default) or js (pure JS reference)`,
  async run(argv) {
    const { values } = parseCli(
      argv,
      {
        family: { type: 'string' },
        point: { type: 'string' },
        search: { type: 'string' },
        events: { type: 'string' },
        fidelity: { type: 'string' },
        seed: { type: 'string' },
        engine: { type: 'string' },
        json: { type: 'boolean' },
      },
      false,
    );
    if (!values.family) throw new InputError('--family', 'is required (sigmap families lists them)');
    if (!values.search) throw new InputError('--search', 'is required');
    const fidelity = (values.fidelity ?? 'full') as DetectorFidelity | 'surrogate';
    if (fidelity !== 'full' && fidelity !== 'fast' && fidelity !== 'surrogate') throw new InputError('--fidelity', `expected full, fast or surrogate, got '${fidelity}'`);
    const events = integerOption('events', values.events, DEFAULT_EVENTS);
    const seed = integerOption('seed', values.seed, 1, 0);
    const req = { family: values.family, point: parsePoint(values.point), search: values.search, events, seed };
    let r: SimulateResult | SurrogateSimulateResult;
    const t0 = performance.now();
    if (fidelity === 'surrogate') {
      // tfjs and the surrogate models are loaded only here (about a second)
      const { simulateWithSurrogate } = require('@sigmap/surrogate') as typeof import('@sigmap/surrogate');
      r = await simulateWithSurrogate(req);
    } else {
      const engine = fidelity === 'full' ? await showerEngineFor(values.engine ?? 'tf') : undefined;
      r = await simulatePoint({ ...req, fidelity, showerEngine: engine });
    }
    const seconds = (performance.now() - t0) / 1000;
    const out = { ...r, seconds, eventsPerSecond: events / seconds };
    if (values.json) {
      printJson(out);
      return 0;
    }
    process.stdout.write(
      `${r.family} ${JSON.stringify(r.point)} -> ${r.search} (${r.fidelity}, backend ${r.backend}, seed ${r.seed})\n` +
        `sigma = ${formatNumber(r.crossSectionPb)} pb, L = ${r.luminosityFb} fb^-1, eff x acc = ${formatNumber(r.effAcc)} +- ${formatNumber(r.effAccError)}, ` +
        `${events} events in ${seconds.toFixed(2)} s = ${formatNumber(events / seconds)} events/s\n`,
    );
    const epistemic = 'epistemic' in r ? r.epistemic : null;
    if ('models' in r) process.stdout.write(`surrogate models (${r.memberYields.length} ensemble members): ${Object.values(r.models).join(', ')}\n`);
    process.stdout.write(
      formatTable(
        [`${r.observable} bin`, 'MC events', 'signal yield', 'stat. error', ...(epistemic ? ['epistemic (ens. sd)'] : [])],
        r.yields.map((y, i) => [`${r.binEdges[i]}-${r.binEdges[i + 1]}`, r.counts[i], y, r.yieldErrors[i], ...(epistemic ? [epistemic[i]] : [])]),
      ),
    );
    return 0;
  },
};
