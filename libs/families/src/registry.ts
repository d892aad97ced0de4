import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  checkTemplateParameters,
  dataRoot,
  decomposeSlha,
  readPatchArchive,
  readSlhaTemplate,
  templateParameters,
  rToCls,
  slhaFromTemplate,
  smodelsDatabase,
  theoryPredictions,
  type ArchiveRegion,
  type DatabasePredictions,
  type SlhaTemplate,
} from '@sigmap/catalogue';
import { InputError, isInputError, pointKey, SLHA_TEMPLATE_FAMILY, type Fidelity, type ModelPoint, type ScanSpec } from '@sigmap/contracts';
import {
  getOwnSearch,
  listFamilies,
  ownSearchesFor,
  simulatePoint,
  JsShowerEngine,
  type ModelFamily,
  type ShowerEngine,
  type SimulateResult,
} from '@sigmap/physics';
import { clsFromYields, selectBackend, simulateWithSurrogate, TfShowerEngine, type SurrogateSimulateResult } from '@sigmap/surrogate';
import { applyJsonPatch, buildModel, hypotest, observedData, parseWorkspace } from '@sigmap/stats';

/** CLs at mu = 1 (observed and 5-point expected band) for one point and one search. */
export interface PointLimit {
  clsObs: number;
  clsExp: number[];
  region: string | null;
}

export interface LimitContext {
  /** Called after each expensive sub-step with resumable details (the activity heartbeats them). */
  progress(details: unknown): void;
  /** Details of the last heartbeat of an earlier attempt, if any. */
  resumeFrom: unknown;
}

/**
 * Signal yields of one model point in one own search, as the `simulate` activity stores them (store.putYields: one
 * record per point, search id -> SearchYields) and `computeLimit` reads them back.
 */
export interface SearchYields {
  search: string;
  fidelity: Fidelity;
  events: number;
  seed: number;
  crossSectionPb: number;
  effAcc: number;
  observable: string;
  binEdges: number[];
  /** Expected signal events per bin at the search's luminosity, and their Monte Carlo statistical errors. */
  yields: number[];
  yieldErrors: number[];
  /** Per-bin epistemic spread of the surrogate ensemble (surrogate fidelity only). */
  epistemic?: number[];
  /** 'fast', the shower engine (e.g. 'tfjs-wasm') or 'surrogate (<tfjs backend>)'. */
  backend: string;
}

export interface SimulateOptions {
  fidelity: Fidelity;
  events: number;
  seed: number;
  /** Checked after every event batch: an aborted signal stops the simulation with its reason (activity cancellation). */
  signal?: AbortSignal;
  /** Called after every event batch with the events done so far. */
  onBatch?: (done: number, total: number) => void;
}

/** What the worker knows about a model family: candidates (pool mode), lookup limits, simulation. */
export interface FamilyAdapter {
  id: string;
  searches: string[];
  parameters: string[];
  /** The fidelities a scan of this family may use. */
  fidelities: readonly Fidelity[];
  /** Published grid points matching the spec's fixed parameters (pool mode), or null. */
  pool(spec: ScanSpec): ModelPoint[] | null;
  /** Throws InputError when a scan spec does not fit the family (parameters, ranges, fidelity). */
  checkSpec(spec: ScanSpec): void;
  lookupLimit?(point: ModelPoint, search: string, ctx: LimitContext): Promise<PointLimit>;
  /**
   * What, beyond (search, point), the lookup limit depends on — e.g. the content of an SLHA template — so that the
   * store's limit cache never hands one family's number to another. Absent: the search id says it all.
   */
  limitScope?(): string;
  /** Simulated families: the signal yields of a point in one of its searches. */
  simulate?(point: ModelPoint, search: string, o: SimulateOptions): Promise<SearchYields>;
  /** Simulated families: CLs at mu = 1 from stored yields. */
  limitFromYields?(point: ModelPoint, y: SearchYields): PointLimit;
  describe(): string;
}

function checkParameterNames(f: Pick<FamilyAdapter, 'id' | 'parameters'>, spec: ScanSpec): void {
  for (const name of Object.keys(spec.parameters))
    if (!f.parameters.includes(name)) throw new InputError(`parameters.${name}`, `unknown parameter of ${f.id} (known: ${f.parameters.join(', ')})`);
}

/** The checks every family makes of a spec: known parameter names and an allowed fidelity. */
function checkSpecBasics(f: Pick<FamilyAdapter, 'id' | 'parameters' | 'fidelities'>, spec: ScanSpec): void {
  checkParameterNames(f, spec);
  if (!f.fidelities.includes(spec.fidelity.default))
    throw new InputError('fidelity.default', `${f.id} supports ${f.fidelities.join(', ')}, not '${spec.fidelity.default}'`);
}

const SBOTTOM_ARCHIVE = 'atlas_sbottom_ins1748602/pyhf-ins1748602-probability-models.tar.gz';
const SBOTTOM_SEARCH = 'ATLAS-SUSY-2018-31';

/**
 * ATLAS SUSY-2018-31 sbottom multi-b simplified model, reinterpreted from its published full likelihoods
 * (lookup fidelity): a point is a published patch sbottom_<m_sbottom>_<m_chi2>_<m_chi1>; its limit is the
 * hypotest of the best-expected region (lowest expected median CLs among the regions carrying the patch).
 */
class SbottomFamily implements FamilyAdapter {
  readonly id = 'atlas-sbottom';
  readonly searches = [SBOTTOM_SEARCH];
  readonly parameters = ['m_sbottom', 'm_chi2', 'm_chi1'];
  readonly fidelities: readonly Fidelity[] = ['lookup'];
  private regions: ArchiveRegion[] | null = null;

  constructor(private readonly archivePath = join(dataRoot(), SBOTTOM_ARCHIVE)) {}

  private archive(): ArchiveRegion[] {
    if (!this.regions) {
      let buf: Buffer;
      try {
        buf = readFileSync(this.archivePath);
      } catch {
        throw new InputError('SIGMAP_DATA_DIR', `the sbottom likelihood archive is missing: ${this.archivePath}`);
      }
      this.regions = readPatchArchive(buf, this.archivePath);
    }
    return this.regions;
  }

  describe() {
    return `${this.id}: ATLAS SUSY-2018-31 full likelihoods, limits by @sigmap/stats`;
  }

  checkSpec(spec: ScanSpec): void {
    checkSpecBasics(this, spec);
  }

  pool(spec: ScanSpec): ModelPoint[] {
    const fixed = Object.entries(spec.parameters).filter(([, p]) => p.fixed !== undefined);
    checkParameterNames(this, spec);
    const seen = new Map<string, ModelPoint>();
    for (const r of this.archive())
      for (const p of r.patches) {
        const pt: ModelPoint = {};
        this.parameters.forEach((n, i) => (pt[n] = p.values[i]));
        if (!fixed.every(([n, f]) => pt[n] === f.fixed)) continue;
        if (!Object.entries(spec.parameters).every(([n, pr]) => pr.fixed !== undefined || (pt[n] >= pr.min && pt[n] <= pr.max))) continue;
        const ordered: ModelPoint = {};
        for (const n of Object.keys(spec.parameters)) ordered[n] = pt[n];
        seen.set(p.name, ordered);
      }
    return [...seen.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
  }

  private patchName(point: ModelPoint) {
    return `sbottom_${point.m_sbottom}_${point.m_chi2}_${point.m_chi1}`;
  }

  /** q~_mu hypotest at mu = 1 of one region's patch (normsys code4, histosys code4p, as the ATLAS likelihoods specify). */
  private hypotest(region: string, patch: string): { clsObs: number; clsExp: number[] } {
    const r = this.archive().find((x) => x.region === region)!;
    const p = r.patches.find((x) => x.name === patch)!;
    // the published patches remove the validation-region channel but not its observation: parseWorkspace accepts such
    // observations and observedData reads only the model's channels, as pyhf does
    const ws = parseWorkspace(applyJsonPatch(r.bkgOnly, p.patch));
    const model = buildModel(ws, { normsysInterp: 'code4', histosysInterp: 'code4p' });
    return hypotest(model, observedData(ws, model), { testPoi: 1 });
  }

  async lookupLimit(point: ModelPoint, search: string, ctx: LimitContext): Promise<PointLimit> {
    if (search !== SBOTTOM_SEARCH) throw new InputError('searches', `${this.id} has lookup likelihoods only for ${SBOTTOM_SEARCH}, not '${search}'`);
    const patch = this.patchName(point);
    const regions = this.archive()
      .filter((r) => r.patches.some((p) => p.name === patch))
      .map((r) => r.region);
    if (regions.length === 0) throw new InputError('point', `no published patch ${patch}`);
    const done: Record<string, { clsObs: number; clsExp: number[] }> = {
      ...((ctx.resumeFrom as { regions?: Record<string, { clsObs: number; clsExp: number[] }> } | null)?.regions ?? {}),
    };
    // a region whose published patch gives no usable signal model (e.g. RegionB/sbottom_1500_1495_60: its POI is
    // missing) is left out, as test/fixtures/make-sbottom-pool.ts leaves it out; the point fails only if no region works
    let unusable: unknown = null;
    for (const region of regions) {
      if (done[region]) continue;
      try {
        done[region] = this.hypotest(region, patch);
      } catch (e) {
        if (!isInputError(e)) throw e;
        unusable ??= e;
        continue;
      }
      ctx.progress({ patch, regions: done });
      // one fit per region: let heartbeats and other activities in between
      await new Promise((r) => setImmediate(r));
    }
    const usable = regions.filter((r) => done[r]);
    if (usable.length === 0) throw unusable;
    const best = usable.reduce((a, b) => (done[b].clsExp[2] < done[a].clsExp[2] ? b : a));
    return { clsObs: done[best].clsObs, clsExp: done[best].clsExp, region: best };
  }
}

/**
 * The 2D analytic excursion test case `fast_2D_truth` of diana-hep/excursion (shared/data/excursion):
 * stats(n) = (1 - tanh(n - 5)) / 2 with n = xsec * eff plays the role of CLs, so a point is "excluded" when
 * stats < 0.05, i.e. truth(x, y) = 3 (log stats - log 0.05) < 0. Cheap and exact: used to test and benchmark
 * the orchestration itself (search id 'excursion-fast2d').
 */
class ExcursionFamily implements FamilyAdapter {
  readonly id = 'excursion-fast2d';
  readonly searches = ['excursion-fast2d'];
  readonly parameters = ['x', 'y'];
  readonly fidelities: readonly Fidelity[] = ['lookup'];
  checkSpec(spec: ScanSpec): void {
    checkSpecBasics(this, spec);
  }
  describe() {
    return `${this.id}: analytic excursion-set test function (diana-hep/excursion fast_2D_truth)`;
  }
  pool(): null {
    return null;
  }
  static cls(x: number, y: number): number {
    const xsec = 12 * Math.exp(-x / 2) + 0.1 * Math.cos(10 * y + 1) + 0.2 * Math.cos(15 * x);
    const eff = Math.tanh(1.3 * x - y + 1);
    return (1 - Math.tanh(xsec * eff - 5)) / 2;
  }
  async lookupLimit(point: ModelPoint, search: string): Promise<PointLimit> {
    if (search !== 'excursion-fast2d') throw new InputError('searches', `${this.id} knows only the search 'excursion-fast2d', not '${search}'`);
    const c = ExcursionFamily.cls(point.x, point.y);
    return { clsObs: c, clsExp: [c, c, c, c, c], region: null };
  }
}

/** Searches of an SLHA-template scan: the whole SModelS database, best SR by expected r, or with SR combinations. */
const SMODELS_SEARCHES: Record<string, { combineSRs: boolean }> = {
  'smodels-best-sr': { combineSRs: false },
  'smodels-combined': { combineSRs: true },
};

/** What an SLHA-template point's limit is made of (also what the e2e test recomputes). */
function templatePredictions(template: SlhaTemplate, point: ModelPoint, search: string, xsecDir: string): DatabasePredictions {
  const mode = SMODELS_SEARCHES[search];
  if (!mode) throw new InputError('searches', `an SLHA template is tested against ${Object.keys(SMODELS_SEARCHES).join(' or ')}, not '${search}'`);
  const dec = decomposeSlha(slhaFromTemplate(template, point, { xsecDir }));
  // SModelS's default selection, as `sigmap limits --slha`: every result of the database, superseded ones included;
  // pyhf full likelihoods are left out of scans (a Python process per point); covariance combinations are kept
  return theoryPredictions(dec, smodelsDatabase().results, { combineSRs: mode.combineSRs, pyhf: false });
}

/**
 * A scan family made of an SLHA template (family id `slha-template:<path>`, spec field `template`): each point fills
 * the template's placeholders (libs/catalogue slhaTemplate.ts), goes through decomposition and theory predictions
 * against the whole SModelS database, and its limit is r_max, the r_obs of the most constraining analysis (0 when none
 * constrains it). r travels as CLs := 0.05^r (catalogue rToCls), so the scan's CLs < 0.05 label is r >= 1 and the GP's
 * log objective is linear in r; clsExp carries 0.05^r_exp of the same analysis five times (no band: SModelS gives one
 * expected r). `region` names the driving analysis and the exact r_obs / r_exp.
 */
export class SlhaTemplateFamily implements FamilyAdapter {
  readonly id: string;
  readonly searches = Object.keys(SMODELS_SEARCHES);
  readonly fidelities: readonly Fidelity[] = ['lookup'];
  private tpl: SlhaTemplate | null = null;

  constructor(
    readonly templatePath: string,
    private readonly xsecDir = join(dataRoot(), 'xsec_lhc_susy_wg'),
  ) {
    this.id = `${SLHA_TEMPLATE_FAMILY}:${templatePath}`;
  }

  /** The template's content digest: two templates (or one edited) never share cached limits. */
  limitScope(): string {
    return `slha-template:${createHash('sha256').update(this.template().text).digest('hex').slice(0, 16)}`;
  }

  /** The template, read on first use (relative paths: the worker's working directory). */
  template(): SlhaTemplate {
    this.tpl ??= readSlhaTemplate(resolve(this.templatePath));
    return this.tpl;
  }

  get parameters(): string[] {
    return templateParameters(this.template());
  }

  describe(): string {
    return `${this.id}: SLHA template ${this.templatePath} (${this.parameters.join(', ')}), r_max over the SModelS database`;
  }

  pool(): null {
    return null;
  }

  checkSpec(spec: ScanSpec): void {
    if (spec.fidelity.default !== 'lookup')
      throw new InputError('fidelity.default', `an SLHA template is reinterpreted (lookup), not '${spec.fidelity.default}'`);
    if (spec.mode !== 'continuous') throw new InputError('mode', "an SLHA template has no published grid: mode must be 'continuous'");
    const t = this.template();
    checkTemplateParameters(t, Object.keys(spec.parameters));
    // fill and parse the template at the box's lowest corner, highest corner and centre now, so that a template that
    // does not read as SLHA (or leaves a cross-section table) fails at the start of the scan, naming the file and line
    const names = Object.keys(spec.parameters);
    const at = (pick: (p: ScanSpec['parameters'][string]) => number) =>
      Object.fromEntries(names.map((n) => [n, spec.parameters[n].fixed ?? pick(spec.parameters[n])]));
    for (const pt of [at((p) => p.min), at((p) => p.max), at((p) => (p.min + p.max) / 2)]) slhaFromTemplate(t, pt, { xsecDir: this.xsecDir });
  }

  async lookupLimit(point: ModelPoint, search: string, ctx: LimitContext): Promise<PointLimit> {
    const preds = templatePredictions(this.template(), point, search, this.xsecDir);
    ctx.progress({ point: pointKey(point), predictions: preds.predictions.length });
    const top = preds.mostConstraining;
    const r = top?.rObs ?? 0;
    const rExp = top?.rExp ?? r;
    const cExp = rToCls(rExp);
    const by = top ? `${top.resultFolder} ${top.dataType === 'combined' ? 'combined SRs' : (top.dataset ?? 'UL')}` : 'no constraining analysis';
    return { clsObs: rToCls(r), clsExp: [cExp, cExp, cExp, cExp, cExp], region: `${by}; r_obs=${r} r_exp=${top?.rExp ?? '-'}` };
  }
}

/**
 * The shower engine of `full` fidelity, one per process, made on first use: tfjs on the selected backend
 * (tfjs-node-gpu, else wasm, else cpu); SIGMAP_SHOWER_ENGINE=js picks the pure-JS reference engine.
 */
class SimulationBackends {
  private engine: Promise<ShowerEngine> | null = null;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  shower(): Promise<ShowerEngine> {
    this.engine ??= (async () => {
      const choice = this.env.SIGMAP_SHOWER_ENGINE?.trim() || 'tf';
      if (choice === 'js') return new JsShowerEngine();
      if (choice !== 'tf') throw new InputError('SIGMAP_SHOWER_ENGINE', `expected 'tf' or 'js', got '${choice}'`);
      return new TfShowerEngine(await selectBackend());
    })();
    return this.engine;
  }
}

const SIMULATED_FIDELITIES: readonly Fidelity[] = ['full', 'fast', 'surrogate'];

/**
 * A model family of @sigmap/physics, simulated on demand (continuous mode: there is no published grid) into the own
 * searches that share a signature cell with it (physics ownSearchesFor). `full` / `fast`: physics simulatePoint;
 * `surrogate`: @sigmap/surrogate simulateWithSurrogate, whose ensemble spread travels with the yields. Limits: the
 * search's pyhf workspace with the signal (physics toPyhfWorkspace via surrogate clsFromYields, the epistemic spread
 * as a per-bin shapesys on the signal) and @sigmap/stats hypotest at mu = 1.
 */
export class PhysicsFamily implements FamilyAdapter {
  readonly id: string;
  readonly searches: string[];
  readonly parameters: string[];
  readonly fidelities = SIMULATED_FIDELITIES;

  constructor(
    readonly model: ModelFamily,
    private readonly backends = new SimulationBackends(),
  ) {
    this.id = model.id;
    this.searches = ownSearchesFor(model).map((s) => s.id);
    this.parameters = model.params.map((p) => p.name);
  }

  describe(): string {
    if (!this.model.allowed) return `${this.id}: not a valid model (${this.model.reason ?? 'forbidden'})`;
    return `${this.id}: ${this.model.label}, simulated on demand (${this.fidelities.join(' | ')}) into ${this.searches.join(', ') || 'no own search'}`;
  }

  pool(): null {
    return null;
  }

  checkSpec(spec: ScanSpec): void {
    if (!this.model.allowed) throw new InputError('family', `${this.id} is not a valid model: ${this.model.reason ?? 'forbidden'}`);
    checkSpecBasics(this, spec);
    for (const [name, r] of Object.entries(spec.parameters)) {
      const p = this.model.params.find((x) => x.name === name)!;
      const [lo, hi] = r.fixed !== undefined ? [r.fixed, r.fixed] : [r.min, r.max];
      if (lo < p.min || hi > p.max)
        throw new InputError(`parameters.${name}`, `[${lo}, ${hi}] leaves the range of ${this.id}: [${p.min}, ${p.max}] ${p.unit}`.trimEnd());
    }
  }

  async simulate(point: ModelPoint, search: string, o: SimulateOptions): Promise<SearchYields> {
    if (!this.searches.includes(search)) throw new InputError('searches', `${this.id} has no own search '${search}' (it has: ${this.searches.join(', ')})`);
    // yield to the event loop between detector batches: the worker's other activities, its heartbeats and (in the
    // embedded mode of `sigmap scan`) its workflow tasks share this thread
    // and stop between batches once the activity is cancelled (a batch is 256 events: well under a second)
    const onBatch = (done: number, total: number) => {
      o.signal?.throwIfAborted();
      o.onBatch?.(done, total);
      return new Promise<void>((r) => setImmediate(r));
    };
    o.signal?.throwIfAborted();
    const req = { family: this.id, point, search, events: o.events, seed: o.seed, onBatch };
    if (o.fidelity === 'surrogate') {
      const r = await simulateWithSurrogate(req);
      return { ...searchYieldsOf(r, o), epistemic: r.epistemic };
    }
    if (o.fidelity !== 'full' && o.fidelity !== 'fast')
      throw new InputError('fidelity', `${this.id} is simulated: full, fast or surrogate, not '${o.fidelity}'`);
    const showerEngine = o.fidelity === 'full' ? await this.backends.shower() : undefined;
    return searchYieldsOf(await simulatePoint({ ...req, fidelity: o.fidelity, showerEngine }), o);
  }

  limitFromYields(point: ModelPoint, y: SearchYields): PointLimit {
    const r = clsFromYields({ search: y.search, family: this.id, point, yields: y.yields, yieldErrors: y.yieldErrors, epistemic: y.epistemic });
    return { clsObs: r.clsObs, clsExp: r.clsExp, region: getOwnSearch(y.search).channel };
  }
}

function searchYieldsOf(r: SimulateResult | SurrogateSimulateResult, o: SimulateOptions): SearchYields {
  return {
    search: r.search,
    fidelity: o.fidelity,
    events: r.events,
    seed: r.seed,
    crossSectionPb: r.crossSectionPb,
    effAcc: r.effAcc,
    observable: r.observable,
    binEdges: r.binEdges,
    yields: r.yields,
    yieldErrors: r.yieldErrors,
    backend: r.backend,
  };
}

/**
 * The families a worker can scan: the sbottom lookup grid, the analytic excursion test case, and every
 * @sigmap/physics family (simulated; the spin-forbidden generic resonances are registered too, so that a scan of one
 * fails with the reason rather than 'unknown').
 */
export class FamilyRegistry {
  private readonly byId = new Map<string, FamilyAdapter>();
  constructor(backends = new SimulationBackends()) {
    for (const f of [new SbottomFamily(), new ExcursionFamily()]) this.byId.set(f.id, f);
    for (const m of listFamilies()) if (!this.byId.has(m.id)) this.byId.set(m.id, new PhysicsFamily(m, backends));
  }
  get(id: string): FamilyAdapter | null {
    // SLHA-template families are made on first use from their id (`slha-template:<path>`)
    const prefix = `${SLHA_TEMPLATE_FAMILY}:`;
    if (!this.byId.has(id) && id.startsWith(prefix) && id.length > prefix.length) this.byId.set(id, new SlhaTemplateFamily(id.slice(prefix.length)));
    return this.byId.get(id) ?? null;
  }
  ids() {
    return [...this.byId.keys()];
  }
  async close() {
    for (const f of this.byId.values()) await (f as { close?: () => Promise<void> }).close?.();
  }
}
