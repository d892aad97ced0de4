import { InputError } from '@sigmap/contracts';
import { DEFAULT_EVENTS, type DetectorFidelity, JsShowerEngine, type ShowerEngine, type SimulateResult, simulatePoint } from '@sigmap/physics';
import type { SurrogateSimulateResult } from '@sigmap/surrogate';
import { GENERATORS, type GeneratedSimulateResult, type GeneratorName, simulateEventFile, simulateWithGenerator } from '@sigmap/generators';
import { integerOption, numberOption, parseCli, printJson } from '../args';
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
    if (!k?.trim() || v === undefined || rest.length || v.trim() === '' || !Number.isFinite(x))
      throw new InputError('--point', `expected k=v,k=v with numbers, got '${part}'`);
    out[k.trim()] = x;
  }
  return out;
}

/** The shower engine for `full`: tfjs on the selected backend (tfjs-node-gpu, else wasm, else cpu), or pure JS. */
async function showerEngineFor(engine: string): Promise<ShowerEngine> {
  if (engine === 'js') return new JsShowerEngine();
  if (engine !== 'tf') throw new InputError('--engine', `expected 'tf' or 'js', got '${engine}'`);
  // Required lazily (tfjs costs ~1 s to load and `fast` does not need it); only the backend module of the surrogate lib.
  const { selectBackend, TfShowerEngine } = require('@sigmap/surrogate/src/backend') as typeof import('@sigmap/surrogate/src/backend');
  const backend = await selectBackend();
  return new TfShowerEngine(backend);
}

export const command: CliCommand = {
  summary: 'simulate one model point into an own search: signal yields per bin, eff x acc, events/s, backend',
  usage: `usage: sigmap simulate --family F --point k=v,... --search ID [--generator builtin|pythia8] [--events N] [--fidelity full|fast|surrogate] [--seed S] [--engine tf|js] [--json]
       sigmap simulate --events FILE.lhe|FILE.hepmc --search ID [--xsec PB] [--fidelity full|fast] [--seed S] [--json]
  --family    a model family id (sigmap families)
  --generator builtin (sigmap's two-body generator with independent fragmentation, the default) or pythia8
              (Pythia 8.317 with ISR/FSR, MPI and hadronisation, in the pyhf virtualenv; bash infra/pyhf/install.sh)
  --xsec      cross section in pb for --events FILE (default: the LHE <init> block's / the HepMC3 one)
  --point     parameter values, e.g. mass=3000,g=1 (missing parameters take their defaults)
  --search    an own search id (sigmap searches / listOwnSearches)
  --events    generated events (default ${DEFAULT_EVENTS}); or a .lhe (showered by Pythia, Beams:frameType = 4) or
              .hepmc/.hepmc3 file (used as given) whose events are simulated
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
        generator: { type: 'string' },
        xsec: { type: 'string' },
        json: { type: 'boolean' },
      },
      false,
    );
    if (!values.search) throw new InputError('--search', 'is required');
    const fidelity = (values.fidelity ?? 'full') as DetectorFidelity | 'surrogate';
    if (fidelity !== 'full' && fidelity !== 'fast' && fidelity !== 'surrogate')
      throw new InputError('--fidelity', `expected full, fast or surrogate, got '${fidelity}'`);
    const seed = integerOption('seed', values.seed, 1, 0);
    const eventFile = values.events !== undefined && !/^\s*\d+\s*$/.test(values.events) ? values.events : null;
    const generator = (values.generator ?? 'builtin') as GeneratorName;
    if (!GENERATORS.includes(generator)) throw new InputError('--generator', `expected ${GENERATORS.join(' or ')}, got '${generator}'`);
    let r: SimulateResult | SurrogateSimulateResult | GeneratedSimulateResult;
    let events: number;
    const t0 = performance.now();
    if (eventFile) {
      if (values.family || values.point) throw new InputError('--events', 'an event file replaces --family / --point');
      if (fidelity === 'surrogate') throw new InputError('--fidelity', 'event files run through full or fast');
      const xsecPb = values.xsec === undefined ? undefined : numberOption('xsec', values.xsec, 0, (x) => x > 0, 'a cross section in pb > 0');
      const engine = fidelity === 'full' ? await showerEngineFor(values.engine ?? 'tf') : undefined;
      r = await simulateEventFile({ file: eventFile, search: values.search, xsecPb, seed, fidelity, showerEngine: engine });
      events = r.events;
    } else {
      if (!values.family) throw new InputError('--family', 'is required (sigmap families lists them)');
      if (values.xsec !== undefined) throw new InputError('--xsec', 'applies to --events FILE only');
      events = integerOption('events', values.events, DEFAULT_EVENTS);
      const req = { family: values.family, point: parsePoint(values.point), search: values.search, events, seed };
      if (fidelity === 'surrogate') {
        if (generator !== 'builtin') throw new InputError('--generator', "the surrogate runs on the built-in generator's events");
        // tfjs and the surrogate models are loaded only here (about a second)
        const { simulateWithSurrogate } = require('@sigmap/surrogate') as typeof import('@sigmap/surrogate');
        r = await simulateWithSurrogate(req);
      } else {
        const engine = fidelity === 'full' ? await showerEngineFor(values.engine ?? 'tf') : undefined;
        r =
          generator === 'pythia8'
            ? await simulateWithGenerator({ ...req, fidelity, generator, showerEngine: engine })
            : await simulatePoint({ ...req, fidelity, showerEngine: engine });
      }
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
    if ('crossSection' in r) {
      const x = r.crossSection;
      process.stdout.write(
        `generator: ${r.generator}; yields use the ${x.used} cross section${x.familySource ? ` (family: ${x.familySource})` : ''}` +
          `${x.familyPb !== null ? `; family ${formatNumber(x.familyPb)} pb` : ''}${x.pythiaPb !== null ? `; Pythia sigmaGen ${formatNumber(x.pythiaPb)} +- ${formatNumber(x.pythiaErrPb ?? 0)} pb` : ''}\n`,
      );
    }
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
