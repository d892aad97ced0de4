import { readFileSync } from 'node:fs';
import { InputError, isInputError } from '@sigmap/contracts';
import { parsePatchSet } from '@sigmap/stats';
import type { Family, Point } from '../families/family';
import { dataRoot, materialPath } from '../paths';
import { loadSmodelsResult, type SmodelsDataset, type SmodelsResult, type SmodelsTxName } from '../smodels/database';
import { GridInterpolator } from '../smodels/interpolation';
import { clsFunction, CountingLikelihood, upperLimitOnMu, type CountingData } from '../smodels/simplifiedLikelihood';
import { evaluatePatch, loadArchive, SMODELS_PYHF_SETTINGS, type PyhfPointResult } from './pyhf';
import { smodelsPyhfPatch } from '../smodels/pyhfPatch';
import type { SearchRecord } from './record';

export type LimitStatus = 'ok' | 'outside-grid' | 'no-patch' | 'no-xsec' | 'not-applicable' | 'invalid-patch';

/** One region / signal region of a search at one point. */
export interface RegionLimit {
  name: string;
  clsObs?: number;
  clsExp?: number[];
  muUpObs?: number;
  muUpExp?: number[];
  rObs?: number;
  rExp?: number;
  efficiency?: number | null;
  nsignal?: number;
  status?: LimitStatus;
  message?: string;
}

export interface SearchLimit {
  search: string;
  kind: SearchRecord['material']['kind'];
  status: LimitStatus;
  message?: string;
  /** sigma x BR used for the point (pb). */
  xsecPb?: number;
  /** CLs at mu = 1 (observed) and its expected values (pyhf: 5-point band [-2..+2] sigma; counting: median). */
  clsObs?: number;
  clsExp?: number[];
  muUpObs?: number;
  muUpExp?: number[];
  /** r = sigma x BR / sigma_UL (= 1 / mu_up). */
  rObs?: number;
  rExp?: number;
  excluded?: boolean;
  selected?: string;
  selection?: string;
  regions?: RegionLimit[];
  /** Counting likelihood of the selected signal region (for combinations). */
  counting?: CountingData;
  /** The best single signal region, when a combination replaced it in the top-level numbers. */
  bestSignalRegion?: { name: string; clsObs?: number; clsExp?: number[]; muUpObs?: number; rObs?: number; rExp?: number };
  /** Signal regions combined in a published background-only workspace (best expected workspace). */
  srCombination?: {
    workspace: string;
    clsObs: number;
    clsExp: number[];
    muUpObs?: number;
    muUpExp?: number[];
    selection: string;
    workspaces: { workspace: string; clsObs: number; clsExp: number[] }[];
  };
}

export interface EvaluateOptions {
  /** Compute upper limits on mu for pyhf searches (extra fits). */
  upperLimit?: boolean;
  root?: string;
}

const smodelsCache = new Map<string, SmodelsResult>();
function smodelsResult(path: string): SmodelsResult {
  let r = smodelsCache.get(path);
  if (!r) smodelsCache.set(path, (r = loadSmodelsResult(path)));
  return r;
}

const gridCache = new Map<string, GridInterpolator>();
function interpolator(tx: SmodelsTxName, expected: boolean): GridInterpolator | undefined {
  const grid = expected ? tx.expected : tx.observed;
  if (!grid) return undefined;
  const key = `${tx.file}:${expected}`;
  let g = gridCache.get(key);
  if (!g) gridCache.set(key, (g = new GridInterpolator(grid.points, grid.values, 0.05, `${tx.file}:${expected ? 'expectedUpperLimits' : 'data'}`)));
  return g;
}

function massVector(template: (string | number)[][], point: Point): number[] {
  return template.flatMap((b) =>
    b.map((x) => {
      if (typeof x === 'number') return x;
      const v = point[x];
      if (v === undefined) throw new InputError('--point', `the search's mass template needs ${x}`);
      return v;
    }),
  );
}

/** Evaluate one search at one point of a family. */
export function evaluateSearch(record: SearchRecord, fam: Family, point: Point, opts: EvaluateOptions = {}): SearchLimit {
  const root = opts.root ?? dataRoot();
  const m = record.material;
  const base: SearchLimit = { search: record.id, kind: m.kind, status: 'ok' };
  if (!record.families.includes(fam.name)) return { ...base, status: 'not-applicable', message: `does not constrain family ${fam.name}` };
  if (m.kind === 'pyhf-archive' || m.kind === 'pyhf-patchset') {
    if (m.kind === 'pyhf-patchset') return evaluatePatchset(record, point, root, opts, base);
    const values = m.valueParameters.map((p) => {
      if (point[p] === undefined) throw new InputError('--point', `${record.id} needs ${p}`);
      return point[p];
    });
    const regions = loadArchive(materialPath(m.path, root)).filter((r) => m.regions.includes(r.region));
    const results: RegionLimit[] = [];
    for (const r of regions) {
      const patch = r.patches.find((p) => p.values.length === values.length && p.values.every((v, k) => Math.abs(v - values[k]) < 1e-6));
      if (!patch) continue;
      try {
        const res = evaluatePatch(r.bkgOnly, patch.patch, m.settings, opts.upperLimit ?? false, `${r.region}/patch.${patch.name}.json`);
        results.push({ name: `${r.region}:${patch.name}`, status: 'ok', ...res });
      } catch (e) {
        // A published patch that does not make a valid signal model (e.g. one that adds no signal, so the POI is
        // absent; pyhf refuses it too) is reported for that region and left out of the selection.
        if (!isInputError(e)) throw e;
        results.push({ name: `${r.region}:${patch.name}`, status: 'invalid-patch', message: e.message });
      }
    }
    if (results.length === 0)
      return {
        ...base,
        status: 'no-patch',
        message: `no published signal patch at ${m.valueParameters.map((p, k) => `${p}=${values[k]}`).join(', ')} (lookup fidelity needs a point of the published grid; nothing is interpolated)`,
      };
    const valid = results.filter((r) => r.status === 'ok');
    if (valid.length === 0) return { ...base, status: 'invalid-patch', message: results.map((r) => `${r.name}: ${r.message}`).join('; '), regions: results };
    return { ...base, ...selectBestExpected(valid, m.regionHandling), regions: results };
  }
  // SModelS result
  const res = smodelsResult(materialPath(m.path, root));
  const tmpl = m.txNames.find((t) => t.family === fam.name);
  if (!tmpl) return { ...base, status: 'not-applicable', message: `no txName mapping for family ${fam.name}` };
  const xs = fam.xsec(point, record.sqrtsTeV);
  if (!xs.inRange)
    return {
      ...base,
      status: 'no-xsec',
      message: `no cross section: ${xs.source}${Number.isFinite(xs.min) ? ` (table covers ${xs.min}-${xs.max} GeV, point at ${xs.mass})` : ''}`,
    };
  const xsecPb = xs.xsecPb;
  const masses = massVector(tmpl.masses, point);
  const datasets = res.datasets.filter((d) => !(m.excludeDatasets ?? []).includes(d.dataId ?? ''));
  if (m.dataType === 'upperLimit') {
    const tx = datasets.flatMap((d) => d.txNames).find((t) => t.txName === tmpl.txName);
    if (!tx) throw new InputError(record.id, `no txName ${tmpl.txName} in ${m.path}`);
    const ul = interpolator(tx, false)!.valueAt(masses);
    const ulExp = tx.expected ? interpolator(tx, true)!.valueAt(masses) : undefined;
    if (ul === null)
      return { ...base, xsecPb, status: 'outside-grid', message: `${tmpl.txName} mass vector [${masses.join(', ')}] is outside the upper-limit grid` };
    const out: SearchLimit = { ...base, xsecPb, rObs: xsecPb / ul, muUpObs: ul / xsecPb, selected: tmpl.txName };
    if (ulExp !== undefined && ulExp !== null) {
      out.rExp = xsecPb / ulExp;
      out.muUpExp = [ulExp / xsecPb];
    }
    out.excluded = out.rObs! >= 1;
    return out;
  }
  const out = evaluateEfficiencyMap(record, res, datasets, tmpl.txName, masses, xsecPb, base);
  if (out.status === 'ok' && m.pyhfWorkspaces && res.jsonFiles) out.srCombination = pyhfSrCombination(res, m.pyhfWorkspaces, out.regions!, root, opts);
  if (out.srCombination) {
    // SModelS: a combined-SR likelihood, where the result has one, replaces the best single SR in the verdict and r.
    const c = out.srCombination;
    out.bestSignalRegion = { name: out.selected!, clsObs: out.clsObs, clsExp: out.clsExp, muUpObs: out.muUpObs, rObs: out.rObs, rExp: out.rExp };
    out.clsObs = c.clsObs;
    out.clsExp = c.clsExp;
    out.muUpObs = c.muUpObs;
    out.muUpExp = c.muUpExp;
    out.rObs = c.muUpObs ? 1 / c.muUpObs : undefined;
    out.rExp = c.muUpExp ? 1 / c.muUpExp[Math.floor(c.muUpExp.length / 2)] : undefined;
    out.excluded = c.clsObs < 0.05;
    out.selected = `signal regions combined in ${c.workspace}`;
    out.selection = `pyhf combination of the signal regions (${c.selection}); the best single SR is in bestSignalRegion`;
  }
  return out;
}

/**
 * SModelS's pyhf combination of efficiency-map signal regions (smodels/statistics/pyhfInterface.py `patchMaker`): for
 * each background-only workspace of the result's `jsonFiles`, add a sample "bsm" to every mapped signal-region channel
 * (yields sigma x BR x eff x L; smodelsPyhfPatch: SModelS's naming of the regions, includeCRs, signalUncertainty and
 * removal of validation / left-out control regions), and evaluate CLs at mu = 1 with pyhf's default interpolation (normsys code4, histosys code4p).
 * The workspace with the smallest median expected CLs is reported (SModelS picks the best expected combination).
 */
function pyhfSrCombination(
  res: SmodelsResult,
  sources: Record<string, { path: string; region?: string }>,
  regions: RegionLimit[],
  root: string,
  opts: EvaluateOptions,
): SearchLimit['srCombination'] {
  const nsig = new Map(regions.map((r) => [r.name, r.status === 'ok' ? (r.nsignal ?? 0) : 0]));
  const results: { workspace: string; clsObs: number; clsExp: number[]; muUpObs?: number; muUpExp?: number[]; bkg: unknown; ops: unknown[] }[] = [];
  const settings = SMODELS_PYHF_SETTINGS;
  for (const [file, mapping] of Object.entries(res.jsonFiles!)) {
    const src = sources[file];
    if (!src) continue;
    let bkg: unknown;
    if (src.region) {
      const region = loadArchive(materialPath(src.path, root)).find((r) => r.region === src.region);
      if (!region) throw new InputError(`pyhfWorkspaces.${file}`, `no region ${src.region} in ${src.path}`);
      bkg = region.bkgOnly;
    } else bkg = JSON.parse(readFileSync(materialPath(src.path, root), 'utf8'));
    const { ops } = smodelsPyhfPatch(bkg, mapping, (sr) => nsig.get(sr) ?? 0, `${res.folder}:jsonFiles.${file}`, {
      includeCRs: res.includeCRs,
      signalUncertainty: res.signalUncertainty,
    });
    const r = evaluatePatch(bkg, ops, settings, false, `${file} + signal`);
    results.push({ workspace: file, ...r, bkg, ops });
  }
  if (results.length === 0) return undefined;
  const best = results.reduce((a, b) => (b.clsExp[2] < a.clsExp[2] ? b : a));
  // The upper limit only for the reported workspace (SModelS likewise): one without signal has none to give.
  const { bkg, ops, ...reported } = best;
  if (opts.upperLimit) Object.assign(reported, evaluatePatch(bkg, ops, settings, true, `${best.workspace} + signal`));
  return {
    ...reported,
    selection: 'workspace with the smallest median expected CLs',
    workspaces: results.map(({ workspace, clsObs, clsExp }) => ({ workspace, clsObs, clsExp })),
  };
}

function selectBestExpected(results: RegionLimit[], handling: 'best-expected' | 'combine'): Partial<SearchLimit> {
  if (handling === 'combine') throw new InputError('regionHandling', "'combine' of separate workspaces is not implemented; use best-expected");
  // The region with the smallest median expected CLs is the most sensitive (ATLAS SUSY-2018-31, SModelS).
  const median = (r: RegionLimit) => r.clsExp![Math.floor(r.clsExp!.length / 2)];
  const best = results.reduce((a, b) => (median(b) < median(a) ? b : a));
  return {
    clsObs: best.clsObs,
    clsExp: best.clsExp,
    muUpObs: best.muUpObs,
    muUpExp: best.muUpExp,
    rObs: best.muUpObs ? 1 / best.muUpObs : undefined,
    rExp: best.muUpExp ? 1 / best.muUpExp[Math.floor(best.muUpExp.length / 2)] : undefined,
    excluded: best.clsObs! < 0.05,
    selected: best.name,
    selection: 'best expected region (smallest median expected CLs); regions overlap, so they are not combined',
    regions: results,
  };
}

function evaluatePatchset(record: SearchRecord, point: Point, root: string, opts: EvaluateOptions, base: SearchLimit): SearchLimit {
  const m = record.material;
  if (m.kind !== 'pyhf-patchset') throw new Error('unreachable');
  const read = (p: string) => {
    try {
      return JSON.parse(readFileSync(materialPath(p, root), 'utf8')) as unknown;
    } catch (e) {
      throw new InputError(p, `cannot read (${(e as Error).message})`);
    }
  };
  const ws = read(m.workspace);
  const ps = parsePatchSet(read(m.patchset));
  const values = m.valueParameters.map((p) => {
    if (point[p] === undefined) throw new InputError('--point', `${record.id} needs ${p}`);
    return point[p];
  });
  // pyhf looks patches up by exact values; numbers are compared with a 1e-6 tolerance here
  const p = ps.patches.find((x) => x.values.length === values.length && x.values.every((v, k) => typeof v === 'number' && Math.abs(v - values[k]) < 1e-6));
  if (!p)
    return {
      ...base,
      status: 'no-patch',
      message: `no patch with ${ps.labels.map((l, k) => `${l}=${values[k]}`).join(', ')} in the PatchSet (nothing is interpolated)`,
    };
  const r: PyhfPointResult = evaluatePatch(ws, p.ops, m.settings, opts.upperLimit ?? false, `${m.patchset}:${p.name}`);
  return {
    ...base,
    clsObs: r.clsObs,
    clsExp: r.clsExp,
    muUpObs: r.muUpObs,
    muUpExp: r.muUpExp,
    rObs: r.muUpObs ? 1 / r.muUpObs : undefined,
    rExp: r.muUpExp ? 1 / r.muUpExp[Math.floor(r.muUpExp.length / 2)] : undefined,
    excluded: r.clsObs < 0.05,
    selected: p.name,
  };
}

/** Counting data of one efficiency-map signal region for a signal of `nsig` events. */
function countingData(ds: SmodelsDataset, nsig: number): CountingData {
  return { observed: [ds.observedN!], backgrounds: [ds.expectedBG!], covariance: [[ds.bgError! ** 2]], nsignal: [nsig], deltasRel: 0.2 };
}

function evaluateEfficiencyMap(
  record: SearchRecord,
  res: SmodelsResult,
  datasets: SmodelsDataset[],
  txName: string,
  masses: number[],
  xsecPb: number,
  base: SearchLimit,
): SearchLimit {
  const regions: (RegionLimit & { ds: SmodelsDataset })[] = [];
  for (const ds of datasets) {
    const tx = ds.txNames.find((t) => t.txName === txName);
    if (!tx) continue;
    const eff = interpolator(tx, false)!.valueAt(masses);
    const name = ds.dataId ?? ds.folder;
    if (eff === null) {
      regions.push({ name, ds, efficiency: null, status: 'outside-grid' });
      continue;
    }
    const visPb = xsecPb * eff;
    const nsig = visPb * 1000 * res.lumiFb;
    regions.push({
      name,
      ds,
      efficiency: eff,
      nsignal: nsig,
      rObs: ds.upperLimitPb ? visPb / ds.upperLimitPb : undefined,
      rExp: ds.expectedUpperLimitPb ? visPb / ds.expectedUpperLimitPb : undefined,
      status: 'ok',
    });
  }
  const inside = regions.filter((r) => r.status === 'ok');
  const strip = (r: RegionLimit & { ds?: SmodelsDataset }): RegionLimit => {
    const { ds: _ds, ...rest } = r;
    void _ds;
    return rest;
  };
  if (inside.length === 0)
    return {
      ...base,
      xsecPb,
      status: 'outside-grid',
      message: `${txName} mass vector [${masses.join(', ')}] is outside the efficiency maps of all ${regions.length} signal regions`,
      regions: regions.map(strip),
    };
  // SModelS: the best signal region is the one with the largest expected r (sigma_vis / expected UL of the SR);
  // for an SR without a published expected UL, our own a-priori counting-likelihood limit is used.
  const expectedR = (r: RegionLimit & { ds: SmodelsDataset }) => {
    if (r.rExp !== undefined) return r.rExp;
    if (!r.nsignal) return 0;
    const ul = upperLimitOnMu(new CountingLikelihood(countingData(r.ds, r.nsignal)), 'apriori');
    return ul ? 1 / ul : 0;
  };
  if (res.covariance && res.datasetOrder) return combinedEfficiencyMap(res, regions, xsecPb, base, strip);
  const best = inside.reduce((a, b) => (expectedR(b) > expectedR(a) ? b : a));
  const data = countingData(best.ds, best.nsignal!);
  const out: SearchLimit = {
    ...base,
    xsecPb,
    selected: best.name,
    selection: 'best expected signal region (largest expected r), as SModelS',
    regions: regions.map(strip),
  };
  out.counting = data;
  if (best.nsignal! > 0) {
    const lh = new CountingLikelihood(data);
    Object.assign(out, countingLimits(lh));
    // r from the published per-SR upper limits, as SModelS reports it
    out.rObs = best.rObs ?? out.rObs;
    out.rExp = best.rExp ?? out.rExp;
  } else {
    Object.assign(out, { clsObs: 1, clsExp: [1], rObs: 0, rExp: 0 });
  }
  out.excluded = out.clsObs !== undefined ? out.clsObs < 0.05 : (out.rObs ?? 0) >= 1;
  return out;
}

/**
 * A result with a background covariance over its signal regions (globalInfo `covariance` + `datasetOrder`): one
 * simplified likelihood over all of them (SModelS's combined-SR evaluation). A region outside its efficiency map
 * contributes no signal (SModelS: efficiency 0).
 */
function combinedEfficiencyMap(
  res: SmodelsResult,
  regions: (RegionLimit & { ds: SmodelsDataset })[],
  xsecPb: number,
  base: SearchLimit,
  strip: (r: RegionLimit & { ds?: SmodelsDataset }) => RegionLimit,
): SearchLimit {
  const order = res.datasetOrder!;
  const ds = order.map((id) => {
    const d = res.datasets.find((x) => x.dataId === id);
    if (!d) throw new InputError(`${res.folder}:datasetOrder`, `names '${id}', which is not a dataset of the result`);
    return d;
  });
  const nsignal = ds.map((d) => regions.find((r) => r.ds === d)?.nsignal ?? 0);
  const data: CountingData = { observed: ds.map((d) => d.observedN!), backgrounds: ds.map((d) => d.expectedBG!), covariance: res.covariance!, nsignal };
  const out: SearchLimit = {
    ...base,
    xsecPb,
    selected: order.join('+'),
    selection: 'all signal regions combined with the published background covariance',
    regions: regions.map(strip),
    counting: data,
  };
  if (nsignal.every((x) => x === 0)) return { ...out, clsObs: 1, clsExp: [1], rObs: 0, rExp: 0, excluded: false };
  Object.assign(out, countingLimits(new CountingLikelihood(data)));
  out.excluded = out.clsObs! < 0.05;
  return out;
}

/** CLs at mu = 1 (observed, a-priori expected) and upper limits on mu from a counting likelihood. */
export function countingLimits(lh: CountingLikelihood): Partial<SearchLimit> {
  const fo = clsFunction(lh, 'observed');
  const fe = clsFunction(lh, 'apriori');
  if (!fo || !fe) return { clsObs: 1, clsExp: [1] };
  const muUpObs = upperLimitOnMu(lh, 'observed');
  const muUpExp = upperLimitOnMu(lh, 'apriori');
  return {
    clsObs: fo.cls(1),
    clsExp: [fe.cls(1)],
    muUpObs,
    muUpExp: muUpExp !== undefined ? [muUpExp] : undefined,
    rObs: muUpObs ? 1 / muUpObs : undefined,
    rExp: muUpExp ? 1 / muUpExp : undefined,
  };
}

export interface CombinedLimit {
  searches: string[];
  clsObs?: number;
  clsExp?: number[];
  muUpObs?: number;
  muUpExp?: number[];
  excluded?: boolean;
  message?: string;
}

/**
 * Combination of searches declared mutually orthogonal: the product of their likelihoods with one common signal
 * strength mu. For counting likelihoods (efficiency-map searches) this is exactly one simplified likelihood over
 * all their selected signal regions with a block-diagonal background covariance.
 */
export function combine(records: SearchRecord[], limits: SearchLimit[]): CombinedLimit {
  const usable = limits.filter((l) => l.status === 'ok');
  const ids = usable.map((l) => l.search);
  if (usable.length < 2) return { searches: ids, message: 'fewer than two searches with a result; nothing to combine' };
  for (const a of ids)
    for (const b of ids) {
      if (a >= b) continue;
      const ra = records.find((r) => r.id === a)!;
      const rb = records.find((r) => r.id === b)!;
      if (!(ra.orthogonalTo ?? []).includes(b) && !(rb.orthogonalTo ?? []).includes(a))
        return { searches: ids, message: `${a} and ${b} are not declared orthogonal; not combined (the best search is reported instead)` };
    }
  const parts = usable.map((l) => l.counting);
  if (parts.some((p) => !p))
    return { searches: ids, message: 'combination needs a likelihood from every search; upper-limit maps and pyhf workspaces are not combined yet' };
  const blocks = parts as CountingData[];
  const n = blocks.reduce((s, b) => s + b.observed.length, 0);
  const cov = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let off = 0;
  for (const b of blocks) {
    b.covariance.forEach((row, i) => row.forEach((v, j) => (cov[off + i][off + j] = v)));
    off += b.observed.length;
  }
  const lh = new CountingLikelihood({
    observed: blocks.flatMap((b) => b.observed),
    backgrounds: blocks.flatMap((b) => b.backgrounds),
    nsignal: blocks.flatMap((b) => b.nsignal),
    covariance: cov,
  });
  const r = countingLimits(lh);
  return {
    searches: ids,
    clsObs: r.clsObs,
    clsExp: r.clsExp,
    muUpObs: r.muUpObs,
    muUpExp: r.muUpExp,
    excluded: r.clsObs !== undefined ? r.clsObs < 0.05 : undefined,
  };
}

/**
 * The search that drives the limit at a point. When every search with a result has an upper limit on mu, the one with
 * the largest observed r = 1/mu_up; else, when every one has CLs at mu = 1, the smallest observed CLs; else the
 * largest r among those that have one (the report says which rule was used).
 */
export function drivingSearch(limits: SearchLimit[]): { search: string; rObs?: number; clsObs?: number; by: string } | undefined {
  const ok = limits.filter((l) => l.status === 'ok');
  if (ok.length === 0) return undefined;
  const byR = (set: SearchLimit[], note: string) => {
    const best = set.reduce((a, b) => (b.rObs! > a.rObs! || (b.rObs === a.rObs && (b.rExp ?? 0) > (a.rExp ?? 0)) ? b : a));
    return { search: best.search, rObs: best.rObs, by: note };
  };
  if (ok.every((l) => l.rObs !== undefined)) return byR(ok, 'largest observed r = 1/mu_up');
  if (ok.every((l) => l.clsObs !== undefined)) {
    const best = ok.reduce((a, b) => (b.clsObs! < a.clsObs! ? b : a));
    return { search: best.search, clsObs: best.clsObs, by: 'smallest observed CLs at mu=1' };
  }
  const withR = ok.filter((l) => l.rObs !== undefined);
  if (withR.length === 0) return undefined;
  return byR(withR, `largest observed r among searches with an upper limit (${ok.length - withR.length} without one; --upper-limit computes them)`);
}
