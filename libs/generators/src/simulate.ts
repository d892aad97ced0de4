/**
 * "Simulate on demand" with an external generator: Pythia 8 for a family's point, or events a group brings (LHE
 * showered by Pythia, HepMC3 as given), through physics' detector and selection (simulateEvents).
 */
import { extname } from 'node:path';
import { existsSync } from 'node:fs';
import { InputError } from '@sigmap/contracts';
import {
  type DetectorFidelity,
  type EventBatch,
  type Point,
  type ShowerEngine,
  type SimulateResult,
  type YieldTally,
  generatedBatches,
  getFamily,
  getOwnSearch,
  simulateEvents,
} from '@sigmap/physics';
import { type DriverBatch, type DriverInfo, type DriverRequest, driverBatches } from './driver';
import { pythiaConfig } from './pythiaFamilies';

export type GeneratorName = 'pythia8' | 'builtin';
export const GENERATORS: readonly GeneratorName[] = ['pythia8', 'builtin'];
const DEFAULT_BATCH = 256;

/** Where the cross section in the yields comes from, and the other estimates next to it. */
export interface CrossSectionReport {
  usedPb: number;
  used: 'family' | 'pythia' | 'lhe-init' | 'hepmc' | 'given';
  familyPb: number | null;
  familySource: string | null;
  /** Pythia's sigmaGen over the batches (event-weighted mean of per-batch estimates) and its error. */
  pythiaPb: number | null;
  pythiaErrPb: number | null;
}

export interface GeneratedSimulateResult extends SimulateResult {
  generator: string;
  crossSection: CrossSectionReport;
}

/** Resumable state: the tally after the batches done, and Pythia's per-batch cross sections so far. */
export interface GeneratorProgress {
  tally: YieldTally;
  nextBatch: number;
  sigmas: { events: number; sigmaPb: number; sigmaErrPb: number }[];
}

export interface GeneratorSimulateRequest {
  family: string;
  point: Partial<Point>;
  search: string;
  events: number;
  seed: number;
  fidelity: DetectorFidelity;
  generator: GeneratorName;
  showerEngine?: ShowerEngine;
  batchSize?: number;
  /** Resume from a heartbeat's progress: batches before progress.nextBatch are not generated again. */
  resume?: GeneratorProgress;
  onBatch?: (done: number, total: number, progress: GeneratorProgress) => void | Promise<void>;
  signal?: AbortSignal;
}

const checkCommon = (events: number, seed: number, batchSize: number) => {
  if (!Number.isInteger(events) || events < 1) throw new InputError('events', `must be an integer >= 1, got ${events}`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InputError('seed', `must be an integer >= 0, got ${seed}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError('batchSize', `must be an integer >= 1, got ${batchSize}`);
};

function combineSigmas(s: GeneratorProgress['sigmas']): { pb: number; err: number } | null {
  const n = s.reduce((a, x) => a + x.events, 0);
  if (!n) return null;
  return { pb: s.reduce((a, x) => a + x.events * x.sigmaPb, 0) / n, err: Math.sqrt(s.reduce((a, x) => a + (x.events * x.sigmaErrPb) ** 2, 0)) / n };
}

/** Tracks progress over driver batches, for onBatch / resume. */
async function* tracked(src: AsyncIterable<DriverBatch>, prog: GeneratorProgress): AsyncGenerator<EventBatch> {
  for await (const b of src) {
    if (b.sigmaPb !== null) prog.sigmas.push({ events: b.events.length, sigmaPb: b.sigmaPb, sigmaErrPb: b.sigmaErrPb ?? 0 });
    prog.nextBatch = b.batch + 1;
    yield { start: b.start, events: b.events };
  }
}

/**
 * One family point: Pythia 8 (pythia8) or sigmap's own two-body generator (builtin), same detector and selection.
 * Pythia batch b is generated from its own seed (seed, b), so resuming at a batch gives the same events.
 */
export async function simulateWithGenerator(req: GeneratorSimulateRequest): Promise<GeneratedSimulateResult> {
  const batchSize = req.batchSize ?? DEFAULT_BATCH;
  checkCommon(req.events, req.seed, batchSize);
  if (!GENERATORS.includes(req.generator)) throw new InputError('generator', `expected ${GENERATORS.join(' or ')}, got '${String(req.generator)}'`);
  const family = getFamily(req.family);
  getOwnSearch(req.search);
  const point = family.validate(req.point);
  const familyPb = family.crossSectionPb(point);
  const prog: GeneratorProgress = req.resume ? structuredClone(req.resume) : { tally: undefined as unknown as YieldTally, nextBatch: 0, sigmas: [] };
  const onBatch = (done: number, total: number, tally: YieldTally) => {
    prog.tally = tally;
    return req.onBatch?.(done, total, prog);
  };
  if (req.generator === 'builtin') {
    const all = generatedBatches(family, point, family.prepare(point), req.events, req.seed, batchSize);
    const skip = req.resume?.nextBatch ?? 0;
    const batches = (function* () {
      let b = 0;
      for (const x of all) {
        prog.nextBatch = b + 1;
        // generation is cheap and each batch forks its own rng: regenerate and drop the finished ones
        if (b++ >= skip) yield x;
      }
    })();
    const r = await simulateEvents(batches, {
      search: req.search,
      fidelity: req.fidelity,
      seed: req.seed,
      events: req.events,
      crossSectionPb: familyPb,
      family: family.id,
      point,
      showerEngine: req.showerEngine,
      tally: req.resume?.tally,
      onBatch,
    });
    return {
      ...r,
      generator: 'builtin (sigmap two-body generator + independent fragmentation)',
      crossSection: { usedPb: familyPb, used: 'family', familyPb, familySource: family.xsecSource, pythiaPb: null, pythiaErrPb: null },
    };
  }
  const { config } = pythiaConfig(family.id, point);
  let info: DriverInfo = {};
  const src = driverBatches(
    { source: 'pythia', settings: config.settings, slha: config.slha, seed: req.seed, events: req.events, batchSize, startBatch: prog.nextBatch },
    { signal: req.signal, onInfo: (i) => (info = { ...info, ...i }) },
  );
  // Yields are scaled at the end, when Pythia's cross section is known: run with sigma = 1 pb and rescale.
  const r = await simulateEvents(tracked(src, prog), {
    search: req.search,
    fidelity: req.fidelity,
    seed: req.seed,
    events: req.events,
    crossSectionPb: 1,
    family: family.id,
    point,
    showerEngine: req.showerEngine,
    tally: req.resume?.tally,
    onBatch,
  });
  const py = combineSigmas(prog.sigmas);
  const usedPb = config.crossSection === 'family-table' ? familyPb : py!.pb;
  const xs: CrossSectionReport = {
    usedPb,
    used: config.crossSection === 'family-table' ? 'family' : 'pythia',
    familyPb,
    familySource: family.xsecSource,
    pythiaPb: py?.pb ?? null,
    pythiaErrPb: py?.err ?? null,
  };
  return { ...rescaled(r, usedPb), generator: info.generator ?? 'pythia8', crossSection: xs };
}

function rescaled(r: SimulateResult, pb: number): SimulateResult {
  const f = pb / r.crossSectionPb;
  return { ...r, crossSectionPb: pb, yields: r.yields.map((y) => y * f), yieldErrors: r.yieldErrors.map((y) => y * f) };
}

export interface EventFileRequest {
  file: string;
  search: string;
  /** Cross section in pb; default: the LHE <init> block's, or the HepMC3 GenCrossSection. */
  xsecPb?: number;
  /** Events to use (default: all in the file). */
  events?: number;
  seed: number;
  fidelity: DetectorFidelity;
  showerEngine?: ShowerEngine;
  batchSize?: number;
  resume?: GeneratorProgress;
  onBatch?: GeneratorSimulateRequest['onBatch'];
  signal?: AbortSignal;
}

export type EventFormat = 'lhe' | 'hepmc';

function eventFormatOf(file: string): EventFormat {
  const e = extname(file.replace(/\.gz$/, '')).toLowerCase();
  if (e === '.lhe' || e === '.lhef') return 'lhe';
  if (e === '.hepmc' || e === '.hepmc3') return 'hepmc';
  throw new InputError('--events', `${file}: expected a .lhe or .hepmc / .hepmc3 file`);
}

/** Events from a file: LHE showered and hadronised by Pythia (Beams:frameType = 4), HepMC3 used as given. */
export async function simulateEventFile(req: EventFileRequest): Promise<GeneratedSimulateResult> {
  const batchSize = req.batchSize ?? DEFAULT_BATCH;
  checkCommon(req.events ?? 1, req.seed, batchSize);
  if (!existsSync(req.file)) throw new InputError('--events', `${req.file}: no such file`);
  if (req.xsecPb !== undefined && !(req.xsecPb > 0 && Number.isFinite(req.xsecPb)))
    throw new InputError('--xsec', `must be a cross section in pb > 0, got ${req.xsecPb}`);
  getOwnSearch(req.search);
  const format = eventFormatOf(req.file);
  const prog: GeneratorProgress = req.resume ? structuredClone(req.resume) : { tally: undefined as unknown as YieldTally, nextBatch: 0, sigmas: [] };
  let info: DriverInfo = {};
  const base = { events: req.events ?? 0, batchSize, startBatch: prog.nextBatch };
  const dreq: DriverRequest =
    format === 'lhe' ? { source: 'lhe', file: req.file, settings: [], seed: req.seed, ...base } : { source: 'hepmc', file: req.file, ...base };
  const src = driverBatches(dreq, { signal: req.signal, onInfo: (i) => (info = { ...info, ...i }) });
  // The normalisation N is known once the file is read: count events, then rescale yields by N_assumed / N.
  const assumed = 1;
  const r = await simulateEvents(tracked(src, prog), {
    search: req.search,
    fidelity: req.fidelity,
    seed: req.seed,
    events: assumed,
    crossSectionPb: 1,
    family: `events:${req.file}`,
    point: {},
    showerEngine: req.showerEngine,
    tally: req.resume?.tally,
    onBatch: (done, total, tally) => {
      prog.tally = tally;
      return req.onBatch?.(done, total, prog);
    },
  });
  const n = prog.tally?.done ?? 0;
  if (n === 0) throw new InputError('--events', `${req.file}: no events`);
  const py = combineSigmas(prog.sigmas);
  const fileXsec = format === 'lhe' ? (info.xsecPb ?? null) : (py?.pb ?? null);
  const usedPb = req.xsecPb ?? fileXsec;
  if (!(usedPb !== null && usedPb > 0)) throw new InputError('--xsec', `${req.file} states no cross section: give --xsec PB`);
  const N = n;
  const f = (usedPb * assumed) / N;
  const effAcc = prog.tally.selW / N;
  return {
    ...r,
    events: N,
    crossSectionPb: usedPb,
    yields: r.yields.map((y) => y * f),
    yieldErrors: r.yieldErrors.map((y) => y * f),
    effAcc,
    effAccError: Math.sqrt(Math.max(prog.tally.selW2 / N - effAcc * effAcc, 0) / N),
    generator: format === 'lhe' ? `${info.generator ?? 'pythia8'} showering ${req.file}` : `${info.generator ?? 'pyhepmc'} reading ${req.file}`,
    crossSection: {
      usedPb,
      used: req.xsecPb !== undefined ? 'given' : format === 'lhe' ? 'lhe-init' : 'hepmc',
      familyPb: null,
      familySource: null,
      pythiaPb: format === 'lhe' ? (py?.pb ?? null) : null,
      pythiaErrPb: format === 'lhe' ? (py?.err ?? null) : null,
    },
  };
}
