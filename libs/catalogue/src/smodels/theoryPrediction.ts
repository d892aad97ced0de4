import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@sigmap/contracts';
import { evaluatePatch, SMODELS_PYHF_SETTINGS } from '../search/pyhf';
import { smodelsPyhfPatch } from './pyhfPatch';
import { parseConstraint, type ConstraintTerm, type ExpNode } from './constraint';
import type { SmodelsDataset, SmodelsResult } from './database';
import type { Decomposition, TheoryElement, TNode } from './decomposition';
import { GridInterpolator } from './interpolation';
import { CountingLikelihood, upperLimitOnMu } from './simplifiedLikelihood';
import { rescaleWidth, type SmodelsGrid, type SmodelsTxName } from './txname';

/**
 * Theory predictions as SModelS 3.2.1 makes them (smodels/matching/theoryPrediction.py `theoryPredictionsFor`,
 * clusterTools.py, experiment/txnameObj.py, reweighting.py):
 * - every SMS of the decomposition is matched against every SMS of every txname constraint (same tree up to
 *   permutations of daughters, labels as particle groups of databaseParticles.py); the txname's grid is read at the
 *   matched masses (and widths where the grid has them);
 * - prompt lifetime reweighting: x prod F_prompt(width) over decaying BSM states and F_long(width) over final BSM
 *   states (Leff_inner = 0.769 mm, Leff_outer = 7 m, hbar c = 197.327e-18 GeV m), except states whose width is a
 *   grid coordinate;
 * - UL results: per txname, SMS clustered in UL space (maxDist 0.2, modified minimal spanning tree), sigma = sum of
 *   coefficient x weight, r = sigma / UL(average masses);
 * - EM results: per signal region sigma = sum of coefficient x weight x efficiency; the best SR by expected r, or,
 *   with `combineSRs`, the combination (simplified likelihood with the covariance, or pyhf with the background-only
 *   workspaces) when the result has one.
 * Left out: conditions (SModelS also ignores them unless maxcond is applied to the printout), the SLv2 skew (third
 * moments), displaced-result reweighting (F_displaced) and the CR/VR region types of regionMappings.
 */
export interface PredictionOptions {
  combineSRs?: boolean;
  maxMassDist?: number;
  /** Skip results superseded by another (SModelS 3.2.1 keeps them: its default database selection is all results). */
  skipSuperseded?: boolean;
  /** Compute pyhf combinations (ATLAS full likelihoods): slower. */
  pyhf?: boolean;
  /** Only these analysis ids / result folders. */
  only?: (id: string) => boolean;
}

export interface Prediction {
  analysis: string;
  resultFolder: string;
  sqrtsTeV: number;
  dataType: 'upperLimit' | 'efficiencyMap' | 'combined';
  /** Signal region (EM), or null for UL results. */
  dataset: string | null;
  txNames: string[];
  xsecFb: number;
  ulFb?: number;
  ulExpFb?: number;
  rObs?: number;
  rExp?: number;
  /** Signal events per SR for combinations. */
  /** regions: datasets in the likelihood; removedChannels: channels SModelS drops from the workspace (VRs, CRs unless includeCRs). */
  combination?: {
    method: 'simplified-likelihood' | 'simplified-likelihood-skewed' | 'pyhf';
    regions: number;
    workspace?: string;
    clsObs?: number;
    removedChannels?: string[];
  };
  bestSR?: { dataset: string; rObs?: number; rExp?: number };
  /** Why the combined-SR likelihood could not be evaluated (the best SR is reported instead). */
  combinationFailed?: string;
  masses?: number[];
}

export interface MissingTopology {
  topology: string;
  xsecFb: number;
}

export interface DatabasePredictions {
  predictions: Prediction[];
  mostConstraining?: Prediction;
  missing: MissingTopology[];
  missingXsecFb: number;
  /** Cross section of SMS that match a txname but fall outside its grid. */
  outsideGridXsecFb: number;
  totalXsecFb: number;
  sqrtsTeV: number;
}

const HC = 197.327e-18;
const L_INNER = 0.000769;
const L_OUTER = 7.0;

const SM_GROUPS: Record<string, number[]> = {
  'e-': [11],
  'e+': [-11],
  'mu-': [13],
  'mu+': [-13],
  'ta-': [15],
  'ta+': [-15],
  e: [11, -11],
  mu: [13, -13],
  ta: [15, -15],
  'l+': [-11, -13],
  'l-': [11, 13],
  l: [11, 13, -11, -13],
  'L+': [-11, -13, -15],
  'L-': [11, 13, 15],
  L: [11, 13, 15, -11, -13, -15],
  nu: [12, 14, 16, -12, -14, -16],
  nue: [12, -12],
  numu: [14, -14],
  nuta: [16, -16],
  q: [1, 2, 3, -1, -2, -3],
  u: [2, -2],
  d: [1, -1],
  s: [3, -3],
  c: [4, -4],
  b: [5, -5],
  't+': [6],
  't-': [-6],
  t: [6, -6],
  g: [21],
  photon: [22],
  Z: [23],
  'W+': [24],
  'W-': [-24],
  W: [24, -24],
  higgs: [25],
  'pi+': [211],
  'pi-': [-211],
  pi0: [111],
  pion: [211, -211, 111],
  jet: [1, 2, 3, -1, -2, -3, 4, -4, 21, 211, -211, 111],
  jetb: [1, 2, 3, -1, -2, -3, 4, -4, 21, 5, -5],
};
const SM_SETS = new Map(Object.entries(SM_GROUPS).map(([k, v]) => [k, new Set(v)]));

type Props = { charge?: number[]; colordim?: number; spin?: number };
/** BSM particle groups of databaseParticles.py: the properties each fixes. */
const BSM_GROUPS: Record<string, Props> = {
  MET: { charge: [0], colordim: 1 },
  HSCP: { charge: [1, -1], colordim: 1 },
  'HSCP+': { charge: [1], colordim: 1 },
  'HSCP-': { charge: [-1], colordim: 1 },
  RHadronG: { charge: [0], colordim: 8 },
  RHadronU: { charge: [2 / 3, -2 / 3], colordim: 3 },
  RHadronD: { charge: [-1 / 3, 1 / 3], colordim: 3 },
  RHadronQ: { charge: [2 / 3, -2 / 3, -1 / 3, 1 / 3], colordim: 3 },
  anyBSM: {},
  gluino: { charge: [0], colordim: 8, spin: 0.5 },
  'C1+': { charge: [1], colordim: 1, spin: 0.5 },
  'C1-': { charge: [-1], colordim: 1, spin: 0.5 },
  C1: { charge: [1, -1], colordim: 1, spin: 0.5 },
  'H+': { charge: [1], colordim: 1, spin: 0 },
  'H-': { charge: [-1], colordim: 1, spin: 0 },
  Hpm: { charge: [1, -1], colordim: 1, spin: 0 },
  Zprime: { charge: [0], colordim: 1, spin: 1 },
  Vprime: { colordim: 1, spin: 1 },
  H0: { charge: [0], colordim: 1, spin: 0 },
};

const close = (a: number, b: number) => Math.abs(a - b) < 1e-6;

function labelMatches(label: string, n: TNode): boolean {
  if (label === 'PV') return n.p.pdg === 0 && n.p.label === 'PV';
  if (n.p.pdg === 0) return false;
  if (label === 'anySM' || label === '*') return n.p.isSM;
  const sm = SM_SETS.get(label);
  if (sm) return n.p.isSM && sm.has(n.p.pdg);
  const g = BSM_GROUPS[label];
  if (!g) throw new InputError('constraint', `unknown particle label '${label}' (not in databaseParticles.py)`);
  if (n.p.isSM) return false;
  if (g.charge && !g.charge.some((c) => close(c, n.p.charge))) return false;
  if (g.colordim !== undefined && g.colordim !== n.p.colordim) return false;
  if (g.spin !== undefined && !n.invisible && !close(g.spin, n.p.spin)) return false;
  return true;
}

const splits = new WeakMap<ExpNode, { fixed: ExpNode[]; incl: ExpNode[] }>();

/** Match an experimental tree to a theory tree; on success `bind` maps node keys to theory nodes. */
export function matchTree(e: ExpNode, t: TNode, bind: [string, TNode][]): boolean {
  if (e.inclusiveNode) {
    if (t.p.isSM) return false;
    if (e.key) bind.push([e.key, t]);
    return true;
  }
  if (!labelMatches(e.label, t)) return false;
  const mark = bind.length;
  if (e.key) bind.push([e.key, t]);
  let split = splits.get(e);
  if (!split) splits.set(e, (split = { fixed: e.daughters.filter((d) => !d.inclusiveList), incl: e.daughters.filter((d) => d.inclusiveList) }));
  const { fixed, incl } = split;
  const td = t.daughters;
  if (td.length < fixed.length || (incl.length === 0 && td.length !== fixed.length)) {
    bind.length = mark;
    return false;
  }
  const used = new Array<boolean>(td.length).fill(false);
  const assign = (i: number): boolean => {
    if (i === fixed.length) {
      for (let j = 0; j < td.length; j++) if (!used[j] && !(td[j].daughters.length === 0 && incl.some((x) => labelMatches(x.label, td[j])))) return false;
      return true;
    }
    for (let j = 0; j < td.length; j++) {
      if (used[j]) continue;
      const m = bind.length;
      if (matchTree(fixed[i], td[j], bind)) {
        used[j] = true;
        if (assign(i + 1)) return true;
        used[j] = false;
      }
      bind.length = m;
    }
    return false;
  };
  if (assign(0)) return true;
  bind.length = mark;
  return false;
}

/** Tree shape with SM leaves as 's' and BSM states as 'B': a match needs equal shapes (without inclusive nodes). */
function theoryShape(n: TNode): string {
  if (!n.daughters.length) return n.p.isSM ? 's' : 'B';
  return `B(${n.daughters.map(theoryShape).sort().join(',')})`;
}
function expShape(n: ExpNode): string {
  if (!n.daughters.length) return SM_SETS.has(n.label) || n.label === 'anySM' || n.label === '*' ? 's' : 'B';
  return `B(${n.daughters.map(expShape).sort().join(',')})`;
}

const shapeIndex = new WeakMap<TheoryElement[], Map<string, TheoryElement[]>>();
function byShape(elements: TheoryElement[]): Map<string, TheoryElement[]> {
  let m = shapeIndex.get(elements);
  if (!m) {
    m = new Map();
    for (const el of elements) {
      const k = theoryShape(el.root);
      const list = m.get(k);
      if (list) list.push(el);
      else m.set(k, [el]);
    }
    shapeIndex.set(elements, m);
  }
  return m;
}
function hasInclusive(n: ExpNode): boolean {
  return !!n.inclusiveList || !!n.inclusiveNode || n.daughters.some(hasInclusive);
}

interface PreparedTx {
  tx: SmodelsTxName;
  terms: (ConstraintTerm & { shape?: string })[];
  widthNodes: Set<string>;
  obs?: GridInterpolator;
  exp?: GridInterpolator | null;
  /** Grid values by point within one spectrum: SMS differing only in SM flavours share their masses. */
  cache: Map<string, number | null>;
  cacheGen: number;
}

/** Bumped per call of theoryPredictions, so no grid value is memoised across spectra. */
let generation = 0;

const prepared = new WeakMap<SmodelsTxName, PreparedTx>();
function prepare(tx: SmodelsTxName): PreparedTx {
  let p = prepared.get(tx);
  if (p) return p;
  if (!tx.observed.coords) throw new InputError(tx.file, 'grid has no coordinate map (a database cache from before v3 grids: rebuild it)');
  const terms =
    tx.constraint && tx.constraint !== 'None'
      ? parseConstraint(tx.constraint, { finalState: tx.finalState, intermediateState: tx.intermediateState }, `${tx.file}:constraint`)
      : [];
  p = {
    tx,
    terms: terms.map((t) => ({ ...t, shape: hasInclusive(t.root) ? undefined : expShape(t.root) })),
    widthNodes: new Set(tx.observed.coords.filter((c) => c.attr === 'width').map((c) => c.node)),
    cache: new Map(),
    cacheGen: generation,
  };
  prepared.set(tx, p);
  return p;
}

function obsGrid(p: PreparedTx): GridInterpolator {
  return (p.obs ??= interp(p.tx.observed, p.tx.file));
}
function expGrid(p: PreparedTx): GridInterpolator | undefined {
  if (p.exp === undefined) p.exp = p.tx.expected ? interp(p.tx.expected, `${p.tx.file}:expectedUpperLimits`) : null;
  return p.exp ?? undefined;
}

function interp(g: SmodelsGrid, label: string): GridInterpolator {
  return new GridInterpolator(g.points, g.values, 0.05, label);
}

function reweight(root: TNode, bound: Map<string, TNode>, widthNodes: Set<string>): number {
  const skip = new Set<TNode>([...widthNodes].map((k) => bound.get(k)).filter((x): x is TNode => !!x));
  let f = 1;
  const walk = (n: TNode) => {
    for (const d of n.daughters) {
      if (!d.p.isSM && !skip.has(d)) {
        const w = d.p.width;
        if (d.daughters.length) f *= 1 - Math.exp((-w * L_INNER) / HC);
        else f *= Math.exp((-w * L_OUTER) / HC);
      }
      walk(d);
    }
  };
  walk(root);
  return f < 1e-10 ? 0 : f;
}

interface Matched {
  el: TheoryElement;
  tx: PreparedTx;
  coefficient: number;
  point: number[];
  /** sigma x BR x eff, pb (eff = 1 for UL). */
  weight: number;
  ul?: number;
  reweightUL?: number;
}

interface MatchBase {
  el: TheoryElement;
  coefficient: number;
  point: number[];
  pointKey: string;
  weight: number;
  /** Lifetime reweighting factor. */
  f: number;
}

/**
 * Matching depends only on the constraint, its final/intermediate states and the grid layout, which the txnames of
 * one topology share across all signal regions: it is done once per such key and decomposition.
 */
const matchCache = new WeakMap<TheoryElement[], Map<string, MatchBase[]>>();

function matchBase(p: PreparedTx, elements: TheoryElement[], sqrts: number): MatchBase[] {
  let byKey = matchCache.get(elements);
  if (!byKey) matchCache.set(elements, (byKey = new Map()));
  const tx = p.tx;
  const key = `${sqrts}|${tx.constraint}|${JSON.stringify(tx.finalState ?? null)}|${JSON.stringify(tx.intermediateState ?? null)}|${tx.observed.coords.map((c) => c.node + c.attr).join()}`;
  const hit = byKey.get(key);
  if (hit) return hit;
  const out: MatchBase[] = [];
  const shapes = byShape(elements);
  const done = new Set<TheoryElement>();
  const bind: [string, TNode][] = [];
  for (const term of p.terms) {
    for (const el of term.shape !== undefined ? (shapes.get(term.shape) ?? []) : elements) {
      if (done.has(el)) continue;
      const w = el.weight.get(sqrts);
      if (!w) continue;
      bind.length = 0;
      if (!matchTree(term.root, el.root, bind)) continue;
      const bound = new Map(bind);
      const point: number[] = [];
      let ok = true;
      for (const c of tx.observed.coords) {
        const n = bound.get(c.node);
        if (!n) {
          ok = false;
          break;
        }
        point.push(c.attr === 'mass' ? n.p.mass : rescaleWidth(n.p.width));
      }
      if (!ok) continue;
      const f = reweight(el.root, bound, p.widthNodes);
      if (!f) continue;
      out.push({ el, coefficient: term.coefficient, point, pointKey: point.join(','), weight: w, f });
      done.add(el);
    }
  }
  byKey.set(key, out);
  return out;
}

function matchElements(p: PreparedTx, elements: TheoryElement[], sqrts: number): Matched[] {
  const out: Matched[] = [];
  const g = obsGrid(p);
  if (p.cacheGen !== generation) {
    p.cache.clear();
    p.cacheGen = generation;
  }
  for (const b of matchBase(p, elements, sqrts)) {
    let v = p.cache.get(b.pointKey);
    if (v === undefined) p.cache.set(b.pointKey, (v = g.valueAt(b.point)));
    if (v === null || !Number.isFinite(v)) continue;
    if (p.tx.dataType === 'efficiencyMap') {
      const eff = v * b.f;
      if (Math.abs(eff) < 1e-14) continue;
      out.push({ el: b.el, tx: p, coefficient: b.coefficient, point: b.point, weight: b.weight * eff });
    } else out.push({ el: b.el, tx: p, coefficient: b.coefficient, point: b.point, weight: b.weight, ul: v / b.f, reweightUL: 1 / b.f });
  }
  return out;
}

const related = (a: TheoryElement, b: TheoryElement) => {
  for (const x of a.ancestors) if (b.ancestors.has(x)) return true;
  return false;
};

/** clusterTools.clusterSMS: heaviest first, SMS related to one already kept are dropped. */
function unique(ms: Matched[]): Matched[] {
  const sorted = [...ms].sort((a, b) => b.weight - a.weight);
  const kept: Matched[] = [];
  for (const m of sorted) if (!kept.some((k) => related(k.el, m.el))) kept.push(m);
  return kept;
}

interface Cluster {
  members: Matched[];
  avg: number[];
  ul: number | null;
}

function avgPoint(ms: Matched[]): number[] {
  const W = ms.reduce((s, m) => s + m.weight, 0);
  return ms[0].point.map((_, k) => ms.reduce((s, m) => s + m.weight * m.point[k], 0) / W);
}

function makeCluster(ms: Matched[], p: PreparedTx): Cluster {
  const avg = avgPoint(ms);
  const v = obsGrid(p).valueAt(avg);
  return { members: ms, avg, ul: v === null ? null : v * (ms[0].reweightUL ?? 1) };
}

const ulDist = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b === 0 ? 0 : (2 * Math.abs(a - b)) / (a + b));

/** clusterTools.doCluster: merge the closest pair in UL distance while the merged cluster stays valid. */
function doCluster(ms: Matched[], p: PreparedTx, maxDist: number): Cluster[] {
  const groups: Matched[][] = [];
  for (const m of [...ms].sort((a, b) => a.ul! - b.ul!)) {
    const g = groups.find((x) => x[0].ul === m.ul && x[0].point.every((v, k) => v === m.point[k]));
    if (g) g.push(m);
    else groups.push([m]);
  }
  let clusters = groups.map((g) => makeCluster(g, p));
  const blocked = new Set<string>();
  for (;;) {
    let best: [number, number, number] | undefined;
    for (let i = 0; i < clusters.length; i++)
      for (let j = i + 1; j < clusters.length; j++) {
        if (blocked.has(`${i},${j}`)) continue;
        const d = ulDist(clusters[i].ul, clusters[j].ul);
        if (d !== null && d < maxDist && (!best || d < best[2])) best = [i, j, d];
      }
    if (!best) break;
    const [i, j] = best;
    const merged = makeCluster([...clusters[i].members, ...clusters[j].members], p);
    const valid = merged.ul !== null && merged.members.every((m) => (ulDist(merged.ul, m.ul!) ?? Infinity) <= maxDist);
    if (valid) {
      clusters = clusters.filter((_, k) => k !== i && k !== j);
      clusters.splice(i, 0, merged);
      blocked.clear();
    } else blocked.add(`${i},${j}`);
  }
  return clusters;
}

const sigma = (ms: Matched[]) => ms.reduce((s, m) => s + m.coefficient * m.weight, 0);

function supersededFallback(r: SmodelsResult): boolean {
  if ('supersededBy' in r) return !!r.supersededBy;
  const g = join(r.folder, 'globalInfo.txt');
  return existsSync(g) && /^supersededBy\s*:\s*\S/m.test(readFileSync(g, 'utf8'));
}

function srUpperLimits(ds: SmodelsDataset, xsecPb: number, lumiFb: number): { ul?: number; ulExp?: number } {
  if (ds.upperLimitPb !== undefined) return { ul: ds.upperLimitPb, ulExp: ds.expectedUpperLimitPb };
  // no published limit on the visible cross section: the counting likelihood's, as SModelS's statistics do
  const nsig = xsecPb * 1000 * lumiFb;
  if (!(nsig > 0)) return {};
  const lh = new CountingLikelihood({
    observed: [ds.observedN!],
    backgrounds: [ds.expectedBG!],
    covariance: [[Math.max(ds.bgError! ** 2, 1e-12)]],
    nsignal: [nsig],
  });
  const mo = upperLimitOnMu(lh, 'observed');
  const me = upperLimitOnMu(lh, 'apriori');
  return { ul: mo === undefined ? undefined : mo * xsecPb, ulExp: me === undefined ? undefined : me * xsecPb };
}

/**
 * Parse every constraint and build every observed-grid interpolator up front (SModelS does this when it builds its
 * database pickle); otherwise they are built lazily on first use. Returns the number of txnames prepared.
 */
export function prepareGrids(results: SmodelsResult[]): number {
  let n = 0;
  for (const r of results)
    for (const ds of r.datasets)
      for (const tx of ds.txNames) {
        obsGrid(prepare(tx));
        n++;
      }
  return n;
}

/** Predictions of every result of the database for one decomposed spectrum. */
export function theoryPredictions(dec: Decomposition, results: SmodelsResult[], opts: PredictionOptions = {}): DatabasePredictions {
  const maxDist = opts.maxMassDist ?? 0.2;
  generation++;
  const out: Prediction[] = [];
  const tested = new Set<number>();
  const covered = new Set<number>();
  for (const res of results) {
    if (opts.skipSuperseded === true && supersededFallback(res)) continue;
    if (opts.only && !opts.only(res.id) && !opts.only(res.folder.split('/').pop() ?? '')) continue;
    const sqrts = res.sqrtsTeV;
    const folderName = res.folder.split('/').pop() ?? res.id;
    const emPreds: { ds: SmodelsDataset; ms: Matched[]; xsecPb: number }[] = [];
    for (const ds of res.datasets) {
      const matched: Matched[] = [];
      for (const tx of ds.txNames) {
        // SModelS drops txnames whose efficiencies are all zero (DataSet: hasOnlyZeroes)
        if (tx.dataType === 'efficiencyMap' && tx.observed.values.every((v) => v === 0)) continue;
        const p = prepare(tx);
        if (!p.terms.length) continue;
        for (const b of matchBase(p, dec.elements, sqrts)) for (const a of b.el.ancestors) covered.add(a);
        matched.push(...matchElements(p, dec.elements, sqrts));
      }
      if (!matched.length) continue;
      for (const m of matched) for (const a of m.el.ancestors) tested.add(a);
      if (ds.dataType === 'upperLimit') {
        const byTx = new Map<PreparedTx, Matched[]>();
        for (const m of matched) byTx.set(m.tx, [...(byTx.get(m.tx) ?? []), m]);
        for (const [p, ms] of byTx)
          for (const c of doCluster(unique(ms), p, maxDist)) {
            const xs = sigma(c.members);
            if (xs * 1000 < 1e-6 || c.ul === null) continue;
            const e = expGrid(p)?.valueAt(c.avg);
            const ulExp = e === undefined || e === null ? undefined : e * (c.members[0].reweightUL ?? 1);
            out.push({
              analysis: res.id,
              resultFolder: folderName,
              sqrtsTeV: sqrts,
              dataType: 'upperLimit',
              dataset: null,
              txNames: [p.tx.txName],
              xsecFb: xs * 1000,
              ulFb: c.ul * 1000,
              ulExpFb: ulExp === undefined ? undefined : ulExp * 1000,
              rObs: xs / c.ul,
              rExp: ulExp ? xs / ulExp : undefined,
              masses: c.avg,
            });
          }
      } else {
        const ms = unique(matched);
        const xs = sigma(ms);
        if (xs * 1000 < 1e-6) continue;
        emPreds.push({ ds, ms, xsecPb: xs });
      }
    }
    if (!emPreds.length) continue;
    const srPreds: Prediction[] = emPreds.map(({ ds, ms, xsecPb }) => {
      const { ul, ulExp } = srUpperLimits(ds, xsecPb, res.lumiFb);
      return {
        analysis: res.id,
        resultFolder: folderName,
        sqrtsTeV: sqrts,
        dataType: 'efficiencyMap',
        dataset: ds.dataId,
        txNames: [...new Set(ms.map((m) => m.tx.tx.txName))].sort(),
        xsecFb: xsecPb * 1000,
        ulFb: ul === undefined ? undefined : ul * 1000,
        ulExpFb: ulExp === undefined ? undefined : ulExp * 1000,
        rObs: ul ? xsecPb / ul : undefined,
        rExp: ulExp ? xsecPb / ulExp : undefined,
      };
    });
    // _getBestResult: the SR with the largest expected r (ties: larger sigma)
    let best = srPreds[0];
    for (const p of srPreds) if ((p.rExp ?? 0) > (best.rExp ?? 0) || ((p.rExp ?? 0) === (best.rExp ?? 0) && p.xsecFb > best.xsecFb)) best = p;
    const bestSR = { dataset: best.dataset ?? '', rObs: best.rObs, rExp: best.rExp };
    const combined = srPreds.length > 1 && opts.combineSRs ? combine(res, emPreds, opts) : undefined;
    // a combination that cannot be evaluated falls back to the best SR, and says so
    const chosen = combined
      ? { ...combined, bestSR }
      : { ...best, bestSR, ...(combined === null ? { combinationFailed: combineFailures[combineFailures.length - 1] } : {}) };
    // SModelS modelTester.testPoint drops control-region results (dataset folder named *CR*) before reporting
    const ds = emPreds.find((e) => e.ds.dataId === chosen.dataset)?.ds;
    if (!ds || !/CR/.test(ds.folder)) out.push(chosen);
  }
  out.sort((a, b) => (b.rObs ?? -1) - (a.rObs ?? -1));
  // SModelS coverage.Uncovered, at the highest sqrt(s): 'missing' = SMS (with their compressed descendants) that no
  // txname constraint matches; 'outside grid' = matched, but outside every grid
  const sqrtsMax = Math.max(...dec.totalXsecPb.keys(), 0);
  const missingBy = new Map<string, number>();
  let missingXsec = 0;
  let outsideGridXsec = 0;
  for (const el of dec.elements) {
    if (el.ancestors.size !== 1 || !el.ancestors.has(el.id)) continue; // originals only
    if (tested.has(el.id)) continue;
    const w = (el.weight.get(sqrtsMax) ?? 0) * 1000;
    if (!w) continue;
    if (covered.has(el.id)) {
      outsideGridXsec += w;
      continue;
    }
    missingXsec += w;
    const k = finalStateString(el.root);
    missingBy.set(k, (missingBy.get(k) ?? 0) + w);
  }
  const missing = [...missingBy].map(([topology, xsecFb]) => ({ topology, xsecFb })).sort((a, b) => b.xsecFb - a.xsecFb);
  return {
    predictions: out,
    mostConstraining: out.find((p) => p.rObs !== undefined),
    missing,
    missingXsecFb: missingXsec,
    outsideGridXsecFb: outsideGridXsec,
    totalXsecFb: (dec.totalXsecPb.get(sqrtsMax) ?? 0) * 1000,
    sqrtsTeV: sqrtsMax,
  };
}

/** SModelS-like final-state text of an SMS, e.g. `[[b],[t]] [MET,MET]`: SM labels per branch and vertex. */
function finalStateString(root: TNode): string {
  const groupOf = (pdg: number) => {
    const a = Math.abs(pdg);
    if (a <= 4 || a === 21) return 'jet';
    if (a === 5) return 'b';
    if (a === 6) return 't';
    if (a === 11 || a === 13) return 'l';
    if (a === 15) return 'ta';
    if (a === 12 || a === 14 || a === 16) return 'nu';
    return { 22: 'photon', 23: 'Z', 24: 'W', 25: 'higgs' }[a] ?? `${pdg}`;
  };
  const branch = (n: TNode): string[][] => {
    const sm = n.daughters
      .filter((d) => d.p.isSM)
      .map((d) => groupOf(d.p.pdg))
      .sort();
    const bsm = n.daughters.filter((d) => !d.p.isSM);
    if (!n.daughters.length) return [];
    return [sm, ...bsm.flatMap(branch)];
  };
  const fin = (n: TNode): string =>
    n.daughters.length
      ? n.daughters
          .filter((d) => !d.p.isSM)
          .map(fin)
          .join(',')
      : n.p.isSM
        ? ''
        : n.p.charge === 0 && n.p.colordim === 1
          ? 'MET'
          : Math.abs(n.p.charge) === 1 && n.p.colordim === 1
            ? 'HSCP'
            : n.p.colordim > 1
              ? 'RHadron'
              : n.p.label;
  const b = root.daughters.map(branch).map((br) => `[${br.map((v) => `[${v.join(',')}]`).join(',')}]`);
  return `[${b.join(',')}] (${root.daughters.map(fin).join(',')})`;
}

/** `_getCombinedResultFor`: all SRs of the result in one likelihood (covariance, else pyhf workspaces). */
function combine(res: SmodelsResult, preds: { ds: SmodelsDataset; xsecPb: number }[], opts: PredictionOptions): Prediction | undefined | null {
  try {
    return combineOrThrow(res, preds, opts);
  } catch (e) {
    // a likelihood that cannot be built from the published numbers: SModelS reports no statistics for it either
    if (e instanceof InputError) {
      combineFailures.push(`${res.folder}: ${e.message}`);
      return null;
    }
    throw e;
  }
}

/** Background-only workspaces, parsed once per process (patches copy them; several MB each). */
const bkgOnlyCache = new Map<string, unknown>();
function backgroundOnly(path: string): unknown {
  let w = bkgOnlyCache.get(path);
  if (w === undefined) bkgOnlyCache.set(path, (w = JSON.parse(readFileSync(path, 'utf8')) as unknown));
  return w;
}

/** Results whose combined likelihood could not be built (published numbers rejected), for reports. */
const combineFailures: string[] = [];

function combineOrThrow(res: SmodelsResult, preds: { ds: SmodelsDataset; xsecPb: number }[], opts: PredictionOptions): Prediction | undefined {
  const folderName = res.folder.split('/').pop() ?? res.id;
  const bySr = new Map(preds.map((p) => [p.ds.dataId ?? '', p.xsecPb]));
  const base = {
    analysis: res.id,
    resultFolder: folderName,
    sqrtsTeV: res.sqrtsTeV,
    dataType: 'combined' as const,
    dataset: '(combined)',
    txNames: [] as string[],
  };
  if (res.covariance && res.datasetOrder) {
    const dss = res.datasetOrder.map((id) => res.datasets.find((d) => d.dataId === id));
    if (dss.some((d) => !d)) return undefined;
    const xsTot = res.datasetOrder.reduce((s, id) => s + (bySr.get(id) ?? 0), 0);
    const nsignal = res.datasetOrder.map((id) => (bySr.get(id) ?? 0) * 1000 * res.lumiFb);
    // the skewed model where every region has a third moment (SModelS statsTools: all or none)
    const m3 = dss.map((d) => d!.thirdMoment);
    const thirdMoment = m3.every((x) => x !== undefined) ? (m3 as number[]) : undefined;
    const lh = new CountingLikelihood({
      observed: dss.map((d) => d!.observedN!),
      backgrounds: dss.map((d) => d!.expectedBG!),
      covariance: res.covariance,
      nsignal,
      thirdMoment,
    });
    const mo = upperLimitOnMu(lh, 'observed');
    const me = upperLimitOnMu(lh, 'apriori');
    return {
      ...base,
      xsecFb: xsTot * 1000,
      rObs: mo ? 1 / mo : undefined,
      rExp: me ? 1 / me : undefined,
      ulFb: mo ? mo * xsTot * 1000 : undefined,
      ulExpFb: me ? me * xsTot * 1000 : undefined,
      combination: { method: thirdMoment ? 'simplified-likelihood-skewed' : 'simplified-likelihood', regions: nsignal.length },
    };
  }
  if (res.jsonFiles && opts.pyhf) {
    let best: Prediction | undefined;
    for (const [file, mapping] of Object.entries(res.jsonFiles)) {
      const path = join(res.folder, file);
      if (!existsSync(path)) continue;
      const bkg = backgroundOnly(path);
      const patch = smodelsPyhfPatch(bkg, mapping, (sr) => (bySr.get(sr) ?? 0) * 1000 * res.lumiFb, path, {
        includeCRs: res.includeCRs,
        signalUncertainty: res.signalUncertainty,
      });
      const xsTot = patch.signalRegions.reduce((sum, sr) => sum + (bySr.get(sr) ?? 0), 0);
      // all signals zero: SModelS gives no limit from this workspace (zeroSignalsFlag)
      if (!xsTot) continue;
      const ops = patch.ops;
      const r = evaluatePatch(bkg, ops, SMODELS_PYHF_SETTINGS, true, `${file} + signal`);
      const muExp = r.muUpExp?.[Math.floor((r.muUpExp?.length ?? 1) / 2)];
      const p: Prediction = {
        ...base,
        xsecFb: xsTot * 1000,
        rObs: r.muUpObs ? 1 / r.muUpObs : undefined,
        rExp: muExp ? 1 / muExp : undefined,
        combination: {
          method: 'pyhf',
          regions: patch.signalRegions.length,
          workspace: file,
          clsObs: r.clsObs,
          ...(patch.removed.length ? { removedChannels: patch.removed } : {}),
        },
      };
      // SModelS uses the workspace with the best expected sensitivity
      if (!best || (p.rExp ?? 0) > (best.rExp ?? 0)) best = p;
    }
    return best;
  }
  return undefined;
}
