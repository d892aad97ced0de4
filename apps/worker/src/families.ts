import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readPatchArchive, type ArchiveRegion } from '@sigmap/catalogue';
import { InputError, type ModelPoint, type ScanSpec } from '@sigmap/contracts';
import { applyJsonPatch, buildModel, hypotest, observedData, parseWorkspace } from '@sigmap/stats';
import { EnginePool, PyhfProcess, useStatsLib, type PatchHypotest } from './limits/engines';

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

/** What the worker knows about a model family: candidates (pool mode), lookup limits, simulation. */
export interface FamilyAdapter {
  id: string;
  searches: string[];
  parameters: string[];
  /** Published grid points matching the spec's fixed parameters (pool mode), or null. */
  pool(spec: ScanSpec): ModelPoint[] | null;
  lookupLimit?(point: ModelPoint, search: string, ctx: LimitContext): Promise<PointLimit>;
  describe(): string;
}

export function dataRoot(env: NodeJS.ProcessEnv = process.env): string {
  // ../shared/data beside the repository (apps/worker/src -> repo root is three levels up).
  return resolve(env.SIGMAP_DATA_DIR ?? join(__dirname, '..', '..', '..', '..', 'shared', 'data'));
}

export const SBOTTOM_ARCHIVE = 'atlas_sbottom_ins1748602/pyhf-ins1748602-probability-models.tar.gz';
export const SBOTTOM_SEARCH = 'ATLAS-SUSY-2018-31';

/**
 * ATLAS SUSY-2018-31 sbottom multi-b simplified model, reinterpreted from its published full likelihoods
 * (lookup fidelity): a point is a published patch sbottom_<m_sbottom>_<m_chi2>_<m_chi1>; its limit is the
 * hypotest of the best-expected region (lowest expected median CLs among the regions carrying the patch).
 */
export class SbottomFamily implements FamilyAdapter {
  readonly id = 'atlas-sbottom';
  readonly searches = [SBOTTOM_SEARCH];
  readonly parameters = ['m_sbottom', 'm_chi2', 'm_chi1'];
  private regions: ArchiveRegion[] | null = null;
  private engine: PatchHypotest | null = null;

  constructor(
    private readonly archivePath = join(dataRoot(), SBOTTOM_ARCHIVE),
    private readonly concurrency = 1,
  ) {}

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

  engineName(): string {
    return useStatsLib() ? '@sigmap/stats' : PyhfProcess.available() ? 'pyhf peer (python; SIGMAP_LIMIT_ENGINE=pyhf)' : 'none (SIGMAP_LIMIT_ENGINE=pyhf but the pyhf peer is not installed)';
  }

  describe() {
    return `${this.id}: ATLAS SUSY-2018-31 full likelihoods, limits by ${this.engineName()}`;
  }

  pool(spec: ScanSpec): ModelPoint[] {
    const fixed = Object.entries(spec.parameters).filter(([, p]) => p.fixed !== undefined);
    for (const name of Object.keys(spec.parameters))
      if (!this.parameters.includes(name)) throw new InputError(`parameters.${name}`, `unknown parameter of ${this.id} (known: ${this.parameters.join(', ')})`);
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

  private hypotest(region: string, patch: string): Promise<{ clsObs: number; clsExp: number[] }> {
    if (useStatsLib()) {
      const r = this.archive().find((x) => x.region === region)!;
      const p = r.patches.find((x) => x.name === patch)!;
      const patched = applyJsonPatch(r.bkgOnly, p.patch) as { channels: { name: string }[]; observations: { name: string }[] };
      // The published patches remove the validation-region channel but not its observation; pyhf ignores
      // observations of channels the model does not have (Workspace.data reads only the model's channels), so do we.
      const channels = new Set(patched.channels.map((c) => c.name));
      const ws = parseWorkspace({ ...patched, observations: patched.observations.filter((o) => channels.has(o.name)) });
      const model = buildModel(ws, { normsysInterp: 'code4', histosysInterp: 'code4p' });
      return Promise.resolve(hypotest(model, observedData(ws, model), { testPoi: 1 }));
    }
    if (!this.engine) {
      if (!PyhfProcess.available()) throw new Error('SIGMAP_LIMIT_ENGINE=pyhf but the pyhf peer is not installed (bash infra/pyhf/install.sh)');
      this.engine = new EnginePool(Array.from({ length: Math.max(1, this.concurrency) }, () => new PyhfProcess()));
    }
    return this.engine.hypotest({ archive: this.archivePath, region, patch });
  }

  async lookupLimit(point: ModelPoint, search: string, ctx: LimitContext): Promise<PointLimit> {
    if (search !== SBOTTOM_SEARCH) throw new InputError('searches', `${this.id} has lookup likelihoods only for ${SBOTTOM_SEARCH}, not '${search}'`);
    const patch = this.patchName(point);
    const regions = this.archive().filter((r) => r.patches.some((p) => p.name === patch)).map((r) => r.region);
    if (regions.length === 0) throw new InputError('point', `no published patch ${patch}`);
    const done: Record<string, { clsObs: number; clsExp: number[] }> = { ...((ctx.resumeFrom as { regions?: Record<string, { clsObs: number; clsExp: number[] }> } | null)?.regions ?? {}) };
    for (const region of regions) {
      if (done[region]) continue;
      done[region] = await this.hypotest(region, patch);
      ctx.progress({ patch, regions: done });
    }
    const best = regions.reduce((a, b) => (done[b].clsExp[2] < done[a].clsExp[2] ? b : a));
    return { clsObs: done[best].clsObs, clsExp: done[best].clsExp, region: best };
  }

  async close() {
    await this.engine?.close();
    this.engine = null;
  }
}

/**
 * The 2D analytic excursion test case `fast_2D_truth` of diana-hep/excursion (shared/data/excursion):
 * stats(n) = (1 - tanh(n - 5)) / 2 with n = xsec * eff plays the role of CLs, so a point is "excluded" when
 * stats < 0.05, i.e. truth(x, y) = 3 (log stats - log 0.05) < 0. Cheap and exact: used to test and benchmark
 * the orchestration itself (search id 'excursion-fast2d').
 */
export class ExcursionFamily implements FamilyAdapter {
  readonly id = 'excursion-fast2d';
  readonly searches = ['excursion-fast2d'];
  readonly parameters = ['x', 'y'];
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

interface PhysicsLib {
  getFamily(id: string): unknown;
  simulatePoint(o: { family: unknown; point: ModelPoint; search: string; events: number; fidelity: string; seed: number }): unknown;
}

/** '@sigmap/physics' when it exports getFamily/simulatePoint; null until then. */
export function loadPhysicsLib(): PhysicsLib | null {
  try {
     
    const m = require('@sigmap/physics') as Partial<PhysicsLib>;
    return typeof m.getFamily === 'function' && typeof m.simulatePoint === 'function' ? (m as PhysicsLib) : null;
  } catch {
    return null;
  }
}

export class FamilyRegistry {
  private readonly byId = new Map<string, FamilyAdapter>();
  constructor(concurrency = 1) {
    for (const f of [new SbottomFamily(undefined, concurrency), new ExcursionFamily()]) this.byId.set(f.id, f);
  }
  get(id: string): FamilyAdapter | null {
    return this.byId.get(id) ?? null;
  }
  ids() {
    return [...this.byId.keys()];
  }
  async close() {
    for (const f of this.byId.values()) await (f as { close?: () => Promise<void> }).close?.();
  }
}
