import { parseDocument } from 'yaml';
import { InputError } from './errors';
import type { StoppingProgress } from './stopping';

/**
 * A scan SPEC (YAML or JSON): which model family, over which parameter ranges, for which searches,
 * at which fidelity, with which batch size / budget / stopping target / seed. `parseScanSpec` validates it
 * and throws InputError('<field path>', '<problem>') on the first problem found.
 */
export type ParameterScale = 'linear' | 'log';
/**
 * How a point's signal yields are obtained (DESIGN.md glossary): `full` event generation + detector simulation,
 * `fast` the same generation with the parametric (fast) detector, `surrogate` the trained detector surrogate,
 * `lookup` published patches or maps.
 */
export type Fidelity = 'full' | 'fast' | 'surrogate' | 'lookup';

export interface ParameterRange {
  min: number;
  max: number;
  scale: ParameterScale;
  /** Fixed value: the parameter is held constant (e.g. m_chi1 = 60 GeV on the sbottom plane). */
  fixed?: number;
}

export interface FidelityPolicy {
  /** Fidelity used for new points. */
  default: Fidelity;
  /** Events per simulated point (full / fast / surrogate). */
  events: number;
  /**
   * Multi-fidelity (default 'surrogate' only): a point whose surrogate label depends on the surrogate's epistemic
   * uncertainty (the label flips with the yields shifted by +-k sigma_ens, or |CLs - 0.05| < band) is simulated
   * again at this fidelity, and that result is the one the GP learns.
   */
  escalate?: 'full' | 'fast';
  /** Shift of the surrogate yields in units of the ensemble spread (default 1). */
  k?: number;
  /** |CLs - 0.05| below which a surrogate point is always escalated (default 0.01). */
  band?: number;
}

export interface ScanSpec {
  name: string;
  family: string;
  /** Ordered parameters; only the non-fixed ones are scanned. */
  parameters: Record<string, ParameterRange>;
  searches: string[];
  fidelity: FidelityPolicy;
  /** 'pool': candidates are the published grid points of the family (lookup); 'continuous': the box. */
  mode: 'pool' | 'continuous';
  batchSize: number;
  /** Maximum number of evaluated model points. */
  budget: number;
  /** Stop when the estimated misclassified fraction of the scanned volume is below this. */
  target: number;
  /** Points evaluated before the GP takes over (space-filling, seeded). */
  initialPoints: number;
  /** Rounds per workflow run before continueAsNew. */
  roundsPerRun: number;
  /**
   * Batches in flight at once (default 1: synchronous rounds, reproducible whatever the timing). With k > 1 a new
   * batch is proposed while k - 1 others run, their points pending (asynchronous active learning).
   */
  inFlightBatches?: number;
  seed: number;
  /** Event generator of simulated fidelities (full, fast): 'builtin' (sigmap's two-body generator, default) or 'pythia8'. */
  generator?: EventGenerator;
  /**
   * Family `slha-template`: path of an SLHA template whose `{parameter}` (and `{xsec:TABLE:parameter}`) placeholders
   * the scanned parameters fill (libs/catalogue slhaTemplate.ts). The validated spec routes it as the family id
   * `slha-template:<path>`, since activities receive the family id, not the spec.
   */
  template?: string;
}

/** The family of SLHA-template scans; a validated spec's family is `${SLHA_TEMPLATE_FAMILY}:<template path>`. */
export const SLHA_TEMPLATE_FAMILY = 'slha-template';

export type EventGenerator = 'builtin' | 'pythia8';
const EVENT_GENERATORS: readonly EventGenerator[] = ['builtin', 'pythia8'];

const FIDELITIES: readonly Fidelity[] = ['full', 'fast', 'surrogate', 'lookup'];

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const at = (field: string, key: string) => (field === '' || field === 'spec' ? key : `${field}.${key}`);

function num(obj: Record<string, unknown>, key: string, field: string, fallback?: number): number {
  const v = obj[key];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new InputError(at(field, key), 'is required');
  }
  // String(), not JSON.stringify: Infinity (a YAML or JSON 1e400) must not read as null
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new InputError(at(field, key), `must be a finite number, got ${typeof v === 'number' ? String(v) : JSON.stringify(v)}`);
  return v;
}

function int(obj: Record<string, unknown>, key: string, field: string, fallback: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = num(obj, key, field, fallback);
  if (!Number.isInteger(v) || v < min || v > max) throw new InputError(at(field, key), `must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}

/**
 * Upper limits of a spec, the same for the CLI (YAML) and the API (its DTO states them too): they bound the cost of
 * one scan. Parameter values stay within +-PARAMETER_MAGNITUDE so widths and log ranges stay finite.
 */
export const SCAN_LIMITS = {
  budget: 100_000,
  batchSize: 256,
  events: 10_000_000,
  initialPoints: 100_000,
  roundsPerRun: 1000,
  inFlightBatches: 16,
  seed: 2 ** 31 - 1,
} as const;
const PARAMETER_MAGNITUDE = 1e12;

function bounded(v: number, field: string): number {
  if (Math.abs(v) > PARAMETER_MAGNITUDE) throw new InputError(field, `must be within +-${PARAMETER_MAGNITUDE.toExponential()}, got ${v}`);
  return v;
}

function str(obj: Record<string, unknown>, key: string, field: string, fallback?: string): string {
  const v = obj[key];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new InputError(at(field, key), 'is required');
  }
  if (typeof v !== 'string' || v.trim() === '') throw new InputError(at(field, key), `must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

const KNOWN_KEYS = [
  'name',
  'family',
  'parameters',
  'searches',
  'fidelity',
  'mode',
  'batchSize',
  'batch_size',
  'budget',
  'target',
  'stopping',
  'initialPoints',
  'initial_points',
  'roundsPerRun',
  'rounds_per_run',
  'inFlightBatches',
  'in_flight_batches',
  'seed',
  'generator',
  'template',
];

/** Validates a parsed spec object. Field paths in errors are relative to the document root. */
export function validateScanSpec(raw: unknown): ScanSpec {
  if (!isRecord(raw)) throw new InputError('spec', 'must be a mapping (YAML object)');
  for (const k of Object.keys(raw))
    if (!KNOWN_KEYS.includes(k))
      throw new InputError(k === '' ? '(empty key)' : k, `unknown key (known: ${KNOWN_KEYS.filter((x) => !x.includes('_')).join(', ')})`);
  const family = str(raw, 'family', '');
  const name = str(raw, 'name', '', family);
  const params = raw.parameters;
  if (!isRecord(params) || Object.keys(params).length === 0) throw new InputError('parameters', 'must map each parameter name to {min, max, scale} or {fixed}');
  const parameters: Record<string, ParameterRange> = {};
  for (const [pname, pr] of Object.entries(params)) {
    const field = `parameters.${pname}`;
    if (typeof pr === 'number') {
      bounded(num(params, pname, 'parameters'), field);
      parameters[pname] = { min: pr, max: pr, scale: 'linear', fixed: pr };
      continue;
    }
    if (!isRecord(pr)) throw new InputError(field, 'must be {min, max, scale} or {fixed: value}');
    for (const k of Object.keys(pr))
      if (!['min', 'max', 'scale', 'fixed'].includes(k)) throw new InputError(`${field}.${k}`, 'unknown key (known: min, max, scale, fixed)');
    if (pr.fixed !== undefined) {
      const f = bounded(num(pr, 'fixed', field), `${field}.fixed`);
      parameters[pname] = { min: f, max: f, scale: 'linear', fixed: f };
      continue;
    }
    const min = bounded(num(pr, 'min', field), `${field}.min`);
    const max = bounded(num(pr, 'max', field), `${field}.max`);
    if (!(min < max)) throw new InputError(`${field}.min`, 'must be < max');
    const scale = str(pr, 'scale', field, 'linear');
    if (scale !== 'linear' && scale !== 'log') throw new InputError(`${field}.scale`, `must be 'linear' or 'log', got '${scale}'`);
    if (scale === 'log' && min <= 0) throw new InputError(`${field}.min`, 'must be > 0 on a log scale');
    parameters[pname] = { min, max, scale };
  }
  if (!Object.values(parameters).some((p) => p.fixed === undefined)) throw new InputError('parameters', 'at least one parameter must be scanned (not fixed)');
  const searches = raw.searches;
  if (!Array.isArray(searches) || searches.length === 0) throw new InputError('searches', 'must be a non-empty list of search ids');
  searches.forEach((s, i) => {
    if (typeof s !== 'string' || s.trim() === '') throw new InputError(`searches[${i}]`, `must be a search id string, got ${JSON.stringify(s)}`);
  });
  if (new Set(searches).size !== searches.length) throw new InputError('searches', 'lists a search twice');
  let fidelity: FidelityPolicy = { default: 'lookup', events: 10000 };
  if (typeof raw.fidelity === 'string') fidelity = { ...fidelity, default: raw.fidelity as Fidelity };
  else if (isRecord(raw.fidelity)) {
    const f = raw.fidelity;
    for (const k of Object.keys(f))
      if (!['default', 'events', 'escalate', 'k', 'band'].includes(k))
        throw new InputError(`fidelity.${k}`, 'unknown key (known: default, events, escalate, k, band)');
    fidelity = { default: str(f, 'default', 'fidelity', 'lookup') as Fidelity, events: int(f, 'events', 'fidelity', 10000, 1, SCAN_LIMITS.events) };
    if (f.escalate !== undefined) {
      const escalate = str(f, 'escalate', 'fidelity');
      if (escalate !== 'full' && escalate !== 'fast') throw new InputError('fidelity.escalate', `must be 'full' or 'fast', got '${escalate}'`);
      if (fidelity.default !== 'surrogate')
        throw new InputError('fidelity.escalate', `applies to surrogate scans only (fidelity.default is '${fidelity.default}')`);
      const k = num(f, 'k', 'fidelity', 1);
      if (!(k > 0 && k <= 10)) throw new InputError('fidelity.k', `must be in (0, 10], got ${k}`);
      const band = num(f, 'band', 'fidelity', 0.01);
      if (!(band >= 0 && band < 1)) throw new InputError('fidelity.band', `must be in [0, 1), got ${band}`);
      fidelity = { ...fidelity, escalate, k, band };
    } else if (f.k !== undefined || f.band !== undefined) throw new InputError(f.k !== undefined ? 'fidelity.k' : 'fidelity.band', 'needs fidelity.escalate');
  } else if (raw.fidelity !== undefined) throw new InputError('fidelity', "must be 'lookup' | 'surrogate' | 'fast' | 'full' or {default, events}");
  if (!FIDELITIES.includes(fidelity.default)) throw new InputError('fidelity.default', `must be one of ${FIDELITIES.join(', ')}, got '${fidelity.default}'`);
  const mode = str(raw, 'mode', 'spec', fidelity.default === 'lookup' && raw.template === undefined ? 'pool' : 'continuous');
  if (mode !== 'pool' && mode !== 'continuous') throw new InputError('mode', `must be 'pool' or 'continuous', got '${mode}'`);
  const pick = (a: string, b: string) => (raw[a] !== undefined ? a : b);
  const batchSize = int(raw, pick('batchSize', 'batch_size'), 'spec', 5, 1, SCAN_LIMITS.batchSize);
  const budget = int(raw, 'budget', 'spec', undefined, 1, SCAN_LIMITS.budget);
  if (batchSize > budget) throw new InputError('batchSize', `must be <= budget (${budget})`);
  let target = 0.02;
  if (raw.target !== undefined) target = num(raw, 'target', 'spec');
  else if (isRecord(raw.stopping)) target = num(raw.stopping, 'misclassified', 'stopping', 0.02);
  if (!(target >= 0 && target < 1)) throw new InputError('target', `must be in [0, 1), got ${target}`);
  const initialPoints = int(
    raw,
    pick('initialPoints', 'initial_points'),
    'spec',
    Math.min(budget, Math.max(batchSize, 2 * Object.values(parameters).filter((p) => p.fixed === undefined).length + 1)),
    1,
    SCAN_LIMITS.initialPoints,
  );
  if (initialPoints > budget) throw new InputError('initialPoints', `must be <= budget (${budget})`);
  const roundsPerRun = int(raw, pick('roundsPerRun', 'rounds_per_run'), 'spec', 10, 1, SCAN_LIMITS.roundsPerRun);
  const inFlightBatches = int(raw, pick('inFlightBatches', 'in_flight_batches'), 'spec', 1, 1);
  if (inFlightBatches > 16) throw new InputError('inFlightBatches', `must be <= 16, got ${inFlightBatches}`);
  const seed = int(raw, 'seed', 'spec', 1, 0, SCAN_LIMITS.seed);
  const out: ScanSpec = {
    name,
    family,
    parameters,
    searches: searches as string[],
    fidelity,
    mode,
    batchSize,
    budget,
    target,
    initialPoints,
    roundsPerRun,
    inFlightBatches,
    seed,
  };
  if (raw.generator !== undefined) {
    const g = raw.generator as EventGenerator;
    if (!EVENT_GENERATORS.includes(g)) throw new InputError('generator', `must be one of ${EVENT_GENERATORS.join(', ')}, got '${String(raw.generator)}'`);
    const simulated = fidelity.default === 'full' || fidelity.default === 'fast' || fidelity.escalate !== undefined;
    if (g === 'pythia8' && !simulated)
      throw new InputError('generator', `pythia8 generates for simulated fidelities (full, fast, or an escalation), not '${fidelity.default}'`);
    out.generator = g;
  }
  const tplFamily = family === SLHA_TEMPLATE_FAMILY || family.startsWith(`${SLHA_TEMPLATE_FAMILY}:`);
  if (raw.template !== undefined) {
    const template = str(raw, 'template', '');
    if (!tplFamily) throw new InputError('template', `applies to family '${SLHA_TEMPLATE_FAMILY}' only, not '${family}'`);
    // a spec validated once (family slha-template:<path>) validates again to the same spec
    if (family !== SLHA_TEMPLATE_FAMILY && family !== `${SLHA_TEMPLATE_FAMILY}:${template}`)
      throw new InputError('family', `'${family}' names another template than template: ${template}`);
    if (fidelity.default !== 'lookup')
      throw new InputError('fidelity.default', `an SLHA template is reinterpreted (lookup), not simulated ('${fidelity.default}')`);
    out.template = template;
    out.family = `${SLHA_TEMPLATE_FAMILY}:${template}`;
    if (raw.name === undefined) out.name = SLHA_TEMPLATE_FAMILY;
  } else if (family === SLHA_TEMPLATE_FAMILY) throw new InputError('template', `is required for family '${SLHA_TEMPLATE_FAMILY}' (the SLHA template file)`);
  return out;
}

/**
 * Parses YAML (or JSON) text and validates it. YAML errors and warnings (unknown directives, unresolved tags) both
 * become InputError('<source>', ...): a spec that only half-parses is not run.
 */
export function parseScanSpec(text: string, source = 'spec'): ScanSpec {
  const doc = parseDocument(text, { logLevel: 'silent' });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw new InputError(source, `not valid YAML (${problem.message.split('\n')[0]})`);
  let raw: unknown;
  try {
    // maxAliasCount bounds alias expansion ("billion laughs")
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new InputError(source, `not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  return validateScanSpec(raw);
}

/** Names of the scanned (non-fixed) parameters, in spec order. */
export function scannedParameters(spec: ScanSpec): string[] {
  return Object.entries(spec.parameters)
    .filter(([, p]) => p.fixed === undefined)
    .map(([n]) => n);
}

/** A model point: values for every parameter of the spec, in spec order. */
export type ModelPoint = Record<string, number>;

/** Canonical key of a point: name=value pairs sorted by name (JSONB reorders keys), values to 6 significant digits. */
export function pointKey(point: ModelPoint): string {
  return Object.keys(point)
    .sort()
    .map((k) => `${k}=${Number(point[k].toPrecision(6))}`)
    .join(',');
}

/** Deterministic per-point seed (FNV-1a of the point key, mixed with the scan seed). */
export function pointSeed(scanSeed: number, key: string): number {
  let h = 0x811c9dc5 ^ (scanSeed >>> 0);
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

// ---- Activity inputs and outputs (one object in, one object out) ----

export interface ScanWorkflowInput {
  scanId: string;
  spec: ScanSpec;
  /** Carried across continueAsNew; absent on the first run. */
  carry?: ScanCarry;
}

/** Small state carried across continueAsNew (numbers live in the store). */
export interface ScanCarry {
  round: number;
  evaluated: number;
  budget: number;
  paused: boolean;
  gpDigest: string;
  misclassified: number | null;
  /** The stopping rule's patience count (advanceStopping); absent in carries written before it existed. */
  stopping?: StoppingProgress;
  startedAtMs: number;
  /** Multi-fidelity scans: points re-simulated at the escalation fidelity so far. */
  escalated?: number;
  /** Slowest proposeBatch / finalizeScan so far (workflow time, ms): sizes their start-to-close timeout. */
  gpMs?: number;
}

export interface StartScanInput {
  scanId: string;
  spec: ScanSpec;
}

export interface ProposeBatchInput {
  scanId: string;
  spec: ScanSpec;
  q: number;
  /** Points already proposed and not yet evaluated (their outcome is unknown). */
  pending: ModelPoint[];
  round: number;
}

export interface ContourLine {
  /** Polyline in the scanned parameters' coordinates ([x, y] for 2D, [x] for 1D). */
  points: number[][];
}

export interface ProposeBatchResult {
  points: ModelPoint[];
  /** Estimated misclassified fraction of the scanned volume, for the GP fitted on the data so far (null before any fit). */
  misclassified: number | null;
  /** Number of evaluations the GP was fitted on. */
  trainingSize: number;
  /** Digest of the GP training set (order-independent). */
  gpDigest: string;
  /** Candidates left (pool mode), or -1 (continuous). */
  candidatesLeft: number;
  /** Exclusion contour of the fitted GP (physical coordinates of the scanned parameters). */
  contour: ContourLine[];
}

export interface SimulateInput {
  scanId: string;
  family: string;
  point: ModelPoint;
  searches: string[];
  fidelity: Fidelity;
  events: number;
  seed: number;
  /** The scan spec's generator (default builtin). */
  generator?: EventGenerator;
}

export interface SimulateResult {
  /** Store id of the stored yields (per search). */
  yieldsKey: string;
  events: number;
  /** What produced the yields: 'fast' (parametric detector), the shower engine, or 'surrogate (<tfjs backend>)'. */
  backend?: string;
}

export interface LimitInput {
  scanId: string;
  family: string;
  point: ModelPoint;
  search: string;
  fidelity: Fidelity;
  seed: number;
  yieldsKey?: string;
  /** Surrogate points of a multi-fidelity scan: decide whether the label depends on the epistemic spread. */
  escalation?: { k: number; band: number };
}

export interface LimitResult {
  pointKey: string;
  search: string;
  clsObs: number;
  clsExp: number[];
  /** The sub-likelihood used (e.g. the best-expected signal region). */
  region: string | null;
  excluded: boolean;
  /** True when the result came from the store (idempotent replay of an earlier evaluation). */
  cached: boolean;
  /** With LimitInput.escalation: whether this point must be simulated again at the escalation fidelity, and why. */
  escalate?: { needed: boolean; reason: string; clsDown: number; clsUp: number };
}

/**
 * 'terminated' and 'timed-out' are never written by the workflow itself: the API records them when Temporal says the
 * workflow was terminated or ran past its execution timeout (reconciliation).
 */
export type ScanStatus = 'running' | 'paused' | 'completed' | 'cancelled' | 'budget-spent' | 'converged' | 'exhausted' | 'failed' | 'terminated' | 'timed-out';

/** Statuses after which a scan runs no more (every other status counts as active). */
export const FINAL_SCAN_STATUSES: readonly ScanStatus[] = [
  'completed',
  'cancelled',
  'budget-spent',
  'converged',
  'exhausted',
  'failed',
  'terminated',
  'timed-out',
];
export const isFinalScanStatus = (s: string): boolean => (FINAL_SCAN_STATUSES as readonly string[]).includes(s);

export interface FinalizeScanInput {
  scanId: string;
  spec: ScanSpec;
  status: ScanStatus;
}

export interface EvaluatedPoint {
  point: ModelPoint;
  key: string;
  search: string;
  fidelity: Fidelity;
  seed: number;
  clsObs: number;
  clsExp: number[];
  region: string | null;
  excluded: boolean;
}

export interface ScanReport {
  scanId: string;
  spec: ScanSpec;
  status: ScanStatus;
  parameters: string[];
  evaluations: EvaluatedPoint[];
  contour: ContourLine[];
  misclassified: number | null;
  rounds: number;
}

export interface ScanProgress {
  scanId: string;
  status: ScanStatus;
  round: number;
  evaluated: number;
  budget: number;
  inFlight: number;
  misclassified: number | null;
  target: number;
  gpDigest: string;
  /** Multi-fidelity scans: points re-simulated at the escalation fidelity so far. */
  escalated?: number;
  startedAtMs: number;
  updatedAtMs: number;
}

export interface CoverageWorkflowInput {
  scanIds?: string[];
}

export interface CoverageSummary {
  scans: number;
  rows: { family: string; search: string; evaluated: number; excluded: number; fractionExcluded: number }[];
}

export interface SurrogateTrainingInput {
  family: string;
  searches: string[];
  /** Train on the `full` evaluations of these scans (their model points; none: points drawn in the family's box). */
  scanIds: string[];
  seed: number;
  /** Object types to train (default all: electron, muon, photon, jet). */
  objects?: string[];
  /** Full-simulation training events (default 2400). */
  events?: number;
  /** Ensemble members (default 3). */
  members?: number;
  /** Generator kinds to train and choose between by validation (default both: iqn, flow). */
  kinds?: ('iqn' | 'flow')[];
  /** Optimiser steps and network size (defaults in @sigmap/surrogate DEFAULT_BUDGET). */
  budget?: { generatorSteps?: number; headSteps?: number; hidden?: number[]; flowLayers?: number };
}

export interface SurrogateTrainingResult {
  modelKey: string | null;
  trainedOn: number;
  note: string;
}
