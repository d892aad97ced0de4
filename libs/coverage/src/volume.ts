/**
 * Excluded volume of a model family's parameter space and its mass reach.
 *
 * Prior: uniform in the declared scales, i.e. uniform in u_j = (x_j - lo_j)/(hi_j - lo_j) on linear axes and
 * u_j = (ln x_j - ln lo_j)/(ln hi_j - ln lo_j) on log axes, over the family's declared box.
 *
 * Estimator ("nn-grid"): the unit cube of the varied parameters is covered by a cell-centred grid of m^d nodes
 * (m = floor(N^(1/d)), N = 4096 by default); each node inside at least one scanned box takes the label of its
 * nearest labelled point (Euclidean distance in u); nodes outside every scanned box count as not excluded.
 * The excluded fraction is (excluded nodes)/(all nodes): a midpoint-rule integral of the 1-nearest-neighbour
 * classifier, exact up to O(1/m) at the decision boundary. Labelled points are either the evaluated points
 * (label = excluded by at least one selected search) or, when a scan carries one and the selection is all of
 * its searches, its GP classification grid (label = P(excluded) >= 0.5).
 */
import type { ModelPoint } from '@sigmap/contracts';
import type { FamilyInfo, FamilyParameter, MassReach, Provenance, ScanEvidence, SearchRef, VolumeEstimate } from './types';

export const PRIOR_STATEMENT = "uniform in the declared scales (linear or log) over each family's declared parameter box, restricted to its allowed region";

function toUnit(p: FamilyParameter, x: number): number {
  if (p.scale === 'log') return (Math.log(x) - Math.log(p.min)) / (Math.log(p.max) - Math.log(p.min));
  return (x - p.min) / (p.max - p.min);
}

export function fromUnit(p: FamilyParameter, u: number): number {
  if (p.scale === 'log') return Math.exp(Math.log(p.min) + u * (Math.log(p.max) - Math.log(p.min)));
  return p.min + u * (p.max - p.min);
}

/** The family's box; when no family declaration is known, the scans' own ranges (union) stand in for it. */
export function familyBox(family: FamilyInfo | undefined, scans: readonly ScanEvidence[]): FamilyParameter[] {
  if (family && family.parameters.length > 0) return family.parameters;
  const out = new Map<string, FamilyParameter>();
  for (const s of scans)
    for (const [name, r] of Object.entries(s.parameters)) {
      if (r.fixed !== undefined) continue;
      const prev = out.get(name);
      out.set(name, prev ? { ...prev, min: Math.min(prev.min, r.min), max: Math.max(prev.max, r.max) } : { name, min: r.min, max: r.max, scale: r.scale });
    }
  return [...out.values()];
}

/** The space the volume is taken over: the family's parameters minus those the scans hold fixed. */
export interface Space {
  varied: FamilyParameter[];
  /** The family's allowed-region predicate (absent: the whole box). */
  allowed?: (point: ModelPoint) => boolean;
  fixed: Record<string, number>;
  scans: ScanEvidence[];
  /** Scans left out because they fix a different set of parameters. */
  skipped: string[];
}

export function spaceOf(box: FamilyParameter[], scans: readonly ScanEvidence[], allowed?: (point: ModelPoint) => boolean): Space {
  const groups = new Map<string, ScanEvidence[]>();
  for (const s of scans) {
    const fixedNames = box.filter((p) => s.parameters[p.name]?.fixed !== undefined).map((p) => `${p.name}=${s.parameters[p.name].fixed}`);
    const k = fixedNames.join(',');
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  let best: ScanEvidence[] = [];
  let bestCount = -1;
  for (const g of groups.values()) {
    const n = g.reduce((a, s) => a + s.evaluations.length, 0);
    if (n > bestCount) {
      best = g;
      bestCount = n;
    }
  }
  const fixed: Record<string, number> = {};
  if (best.length > 0) for (const p of box) if (best[0].parameters[p.name]?.fixed !== undefined) fixed[p.name] = best[0].parameters[p.name].fixed!;
  const ids = new Set(best.map((s) => s.scanId));
  return { varied: box.filter((p) => !(p.name in fixed)), fixed, scans: best, skipped: scans.filter((s) => !ids.has(s.scanId)).map((s) => s.scanId), ...(allowed ? { allowed } : {}) };
}

/** Labelled points in unit coordinates (row-major n x d). */
export interface Labelled {
  d: number;
  u: Float64Array;
  label: Uint8Array;
  n: number;
}

/** Unit-coordinate boxes of the scans over the varied parameters (a missing parameter spans [0, 1]). */
function scanBoxes(space: Space): { lo: number[]; hi: number[] }[] {
  return space.scans.map((s) => {
    const lo: number[] = [];
    const hi: number[] = [];
    for (const p of space.varied) {
      const r = s.parameters[p.name];
      if (!r) {
        lo.push(0);
        hi.push(1);
        continue;
      }
      lo.push(Math.max(0, toUnit(p, r.min)));
      hi.push(Math.min(1, toUnit(p, r.max)));
    }
    return { lo, hi };
  });
}

function inAnyBox(boxes: { lo: number[]; hi: number[] }[], u: ArrayLike<number>, off = 0): boolean {
  const eps = 1e-12;
  for (const b of boxes) {
    let inside = true;
    for (let j = 0; j < b.lo.length && inside; j++) if (u[off + j] < b.lo[j] - eps || u[off + j] > b.hi[j] + eps) inside = false;
    if (inside) return true;
  }
  return false;
}

/**
 * Labelled points for a selection of searches: each distinct evaluated point (per scan) is excluded when at least
 * one selected search excluded it; points with no selected search evaluated are left out.
 */
function labelPoints(space: Space, selected: ReadonlySet<string>): { lab: Labelled; searchesUsed: Set<string>; scanIds: string[] } {
  const coords: number[] = [];
  const labels: number[] = [];
  const searchesUsed = new Set<string>();
  const scanIds: string[] = [];
  for (const s of space.scans) {
    const byPoint = new Map<string, { u: number[]; excl: boolean }>();
    for (const ev of s.evaluations) {
      if (!selected.has(ev.search)) continue;
      const u = space.varied.map((p) => toUnit(p, ev.point[p.name]));
      if (u.some((x) => !Number.isFinite(x))) continue;
      const k = u.join(',');
      const prev = byPoint.get(k);
      byPoint.set(k, { u, excl: (prev?.excl ?? false) || ev.excluded });
      searchesUsed.add(ev.search);
    }
    if (byPoint.size > 0) scanIds.push(s.scanId);
    for (const { u, excl } of byPoint.values()) {
      coords.push(...u);
      labels.push(excl ? 1 : 0);
    }
  }
  return { lab: { d: space.varied.length, u: Float64Array.from(coords), label: Uint8Array.from(labels), n: labels.length }, searchesUsed, scanIds };
}

/** GP-grid labels (P >= 0.5) of the scans, when every scan of the space carries one. */
function labelGpGrid(space: Space): Labelled | null {
  if (space.scans.length === 0 || space.scans.some((s) => !s.gpGrid || s.gpGrid.length === 0)) return null;
  const coords: number[] = [];
  const labels: number[] = [];
  for (const s of space.scans)
    for (const g of s.gpGrid!) {
      const u = space.varied.map((p) => toUnit(p, g.point[p.name]));
      if (u.some((x) => !Number.isFinite(x))) continue;
      coords.push(...u);
      labels.push(g.pExcluded >= 0.5 ? 1 : 0);
    }
  return { d: space.varied.length, u: Float64Array.from(coords), label: Uint8Array.from(labels), n: labels.length };
}

/** Label of the nearest labelled point to q (ties: the first). */
function nearestLabel(lab: Labelled, q: ArrayLike<number>, qOff = 0): number {
  let best = Infinity;
  let out = 0;
  const d = lab.d;
  for (let i = 0; i < lab.n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = lab.u[i * d + j] - q[qOff + j];
      s += t * t;
    }
    if (s < best) {
      best = s;
      out = lab.label[i];
    }
  }
  return out;
}

/** Cell-centred grid nodes of the unit cube: m per axis, m = max(2, floor(N^(1/d))). */
export function gridNodes(d: number, target = 4096): { m: number; nodes: Float64Array; count: number } {
  if (d === 0) return { m: 1, nodes: new Float64Array(0), count: 1 };
  const m = Math.max(2, Math.floor(Math.pow(target, 1 / d) + 1e-9));
  const count = Math.pow(m, d);
  const nodes = new Float64Array(count * d);
  for (let i = 0; i < count; i++) {
    let r = i;
    for (let j = d - 1; j >= 0; j--) {
      nodes[i * d + j] = ((r % m) + 0.5) / m;
      r = Math.floor(r / m);
    }
  }
  return { m, nodes, count };
}

function searchRefs(ids: Iterable<string>, scans: readonly ScanEvidence[], versions: ReadonlyMap<string, SearchRef>): SearchRef[] {
  const out: SearchRef[] = [];
  for (const id of [...ids].sort()) {
    const fromScan = scans.flatMap((s) => s.searches).find((x) => x.id === id);
    const v = versions.get(id);
    out.push({ id, version: fromScan?.version ?? v?.version ?? 'unknown', ...(fromScan?.sha ?? v?.sha ? { sha: fromScan?.sha ?? v?.sha } : {}) });
  }
  return out;
}

/** The physical point of grid node i (varied parameters from the unit cube, fixed ones at their values). */
function nodePoint(space: Space, nodes: Float64Array, i: number): ModelPoint {
  const d = space.varied.length;
  const p: ModelPoint = { ...space.fixed };
  space.varied.forEach((v, j) => (p[v.name] = fromUnit(v, nodes[i * d + j])));
  return p;
}

/** 1 where the node lies in the family's allowed region. */
export function allowedMask(space: Space, grid: { nodes: Float64Array; count: number }): Uint8Array {
  const out = new Uint8Array(grid.count).fill(1);
  if (space.allowed) for (let i = 0; i < grid.count; i++) out[i] = space.allowed(nodePoint(space, grid.nodes, i)) ? 1 : 0;
  return out;
}

/** Per-node classification of a space for a selection of searches (1 excluded, 0 not, outside boxes 0). */
export interface NodeClassification {
  space: Space;
  grid: { m: number; nodes: Float64Array; count: number };
  excluded: Uint8Array;
  inBox: Uint8Array;
  /** 1 where the node is in the allowed region (the prior's support). */
  allowed: Uint8Array;
  points: number;
  method: string;
  provenance: Provenance;
}

export function classifyNodes(
  space: Space,
  selected: ReadonlySet<string>,
  versions: ReadonlyMap<string, SearchRef>,
  opts: { gridTarget?: number; allowGp?: boolean } = {},
): NodeClassification | null {
  const { lab: pts, searchesUsed, scanIds } = labelPoints(space, selected);
  if (pts.n === 0) return null;
  const scanSearches = new Set(space.scans.flatMap((s) => s.searches.map((x) => x.id)));
  const selectionIsAll = [...scanSearches].every((id) => selected.has(id));
  const gp = opts.allowGp !== false && selectionIsAll ? labelGpGrid(space) : null;
  const lab = gp && gp.n > 0 ? gp : pts;
  const d = space.varied.length;
  const grid = gridNodes(d, opts.gridTarget);
  const boxes = scanBoxes(space);
  const excluded = new Uint8Array(grid.count);
  const inBox = new Uint8Array(grid.count);
  const allowed = allowedMask(space, grid);
  for (let i = 0; i < grid.count; i++) {
    if (!allowed[i] || (d > 0 && !inAnyBox(boxes, grid.nodes, i * d))) continue;
    inBox[i] = 1;
    excluded[i] = nearestLabel(lab, grid.nodes, i * d);
  }
  const method =
    (lab === gp
      ? `gp-grid: ${gp!.n} GP-classified nodes (P(excluded) >= 0.5)`
      : `nn-grid: 1-nearest-neighbour label of ${pts.n} evaluated points (excluded by any of the selected searches)`) +
    ` on a cell-centred ${grid.m}^${d} grid in the unit cube of the declared scales` +
    (space.allowed ? ", restricted to the family's allowed region" : '') +
    '; nodes outside every scanned box count as not excluded' +
    (Object.keys(space.fixed).length ? `; at ${Object.entries(space.fixed).map(([k, v]) => `${k}=${v}`).join(', ')}` : '') +
    (space.skipped.length ? `; scans fixing other parameters left out: ${space.skipped.join(', ')}` : '');
  return {
    space,
    grid,
    excluded,
    inBox,
    allowed,
    points: pts.n,
    method,
    provenance: { scanIds: lab === gp ? space.scans.map((s) => s.scanId) : scanIds, searches: searchRefs(searchesUsed, space.scans, versions), method },
  };
}

export function excludedVolume(c: NodeClassification): VolumeEstimate {
  let ex = 0;
  let inside = 0;
  let ok = 0;
  for (let i = 0; i < c.grid.count; i++) {
    ex += c.excluded[i];
    inside += c.inBox[i];
    ok += c.allowed[i];
  }
  const denom = Math.max(ok, 1);
  return {
    fraction: ex / denom,
    scannedFraction: inside / denom,
    allowedFraction: ok / c.grid.count,
    over: c.space.varied.map((p) => p.name),
    fixed: c.space.fixed,
    points: c.points,
    provenance: c.provenance,
  };
}

/** Default mass parameter: the declared one, else the first parameter named m* / mass*. */
export function massParameterOf(family: FamilyInfo | undefined, box: FamilyParameter[]): string | null {
  if (family?.massParameter) return family.massParameter;
  return box.find((p) => p.name.toLowerCase().startsWith('m'))?.name ?? null;
}

/** Middle (in the declared scale) of the range the scans cover for a parameter; the box middle if none does. */
function scannedMidpoint(space: Space, p: FamilyParameter): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of space.scans) {
    const r = s.parameters[p.name];
    if (!r || r.fixed !== undefined) continue;
    lo = Math.min(lo, toUnit(p, Math.max(p.min, r.min)));
    hi = Math.max(hi, toUnit(p, Math.min(p.max, r.max)));
  }
  return fromUnit(p, lo <= hi ? (lo + hi) / 2 : 0.5);
}

/**
 * Mass reach at reference couplings: along the mass axis, with every other varied parameter at its reference
 * value (family.reference; else the middle, in its scale, of the range the scans cover), 256 cell-centred nodes are classified
 * as above; the reach is the highest node classified excluded, quoted with half the local node spacing.
 */
export function massReach(
  family: FamilyInfo | undefined,
  space: Space,
  selected: ReadonlySet<string>,
  versions: ReadonlyMap<string, SearchRef>,
  nodes = 256,
): MassReach | null {
  const massName = massParameterOf(family, space.varied);
  const mi = space.varied.findIndex((p) => p.name === massName);
  if (mi < 0) return null;
  const { lab, searchesUsed, scanIds } = labelPoints(space, selected);
  if (lab.n === 0) return null;
  const d = space.varied.length;
  const reference: Record<string, number> = {};
  const base = space.varied.map((p, j) => {
    if (j === mi) return 0;
    const v = family?.reference?.[p.name];
    const x = v !== undefined ? v : scannedMidpoint(space, p);
    reference[p.name] = x;
    return toUnit(p, x);
  });
  const boxes = scanBoxes(space);
  const q = new Float64Array(d);
  let reach: number | null = null;
  let resolution: number | null = null;
  const mp = space.varied[mi];
  for (let k = 0; k < nodes; k++) {
    const u = (k + 0.5) / nodes;
    for (let j = 0; j < d; j++) q[j] = j === mi ? u : base[j];
    if (!inAnyBox(boxes, q)) continue;
    if (space.allowed && !space.allowed(nodePoint(space, q, 0))) continue;
    if (nearestLabel(lab, q) === 1) {
      reach = fromUnit(mp, u);
      resolution = (fromUnit(mp, Math.min(1, u + 0.5 / nodes)) - fromUnit(mp, Math.max(0, u - 0.5 / nodes))) / 2;
    }
  }
  const method = `highest of ${nodes} cell-centred nodes along ${mp.name} (${mp.scale}) classified excluded by the nearest evaluated point; other parameters at the reference values`;
  return { parameter: mp.name, mass: reach, resolution, reference: { ...reference, ...space.fixed }, provenance: { scanIds, searches: searchRefs(searchesUsed, space.scans, versions), method } };
}
