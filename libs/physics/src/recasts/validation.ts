/**
 * Validation of a recast against the experiment's efficiency maps: per region and mass point, simulated vs published
 * acceptance x efficiency, and the exclusion contour on the mass plane that each set of efficiencies gives.
 */
import { InputError } from '@sigmap/contracts';

export interface ValidationPoint {
  /** Flattened map masses ([m_parent, m_lsp, m_parent, m_lsp]). */
  masses: number[];
  crossSectionPb: number;
  /** Per region: published efficiency (NaN where the region's map lacks the point), simulated one and its MC error. */
  published: number[];
  simulated: number[];
  simulatedError: number[];
}

export interface RegionCountsPublished {
  name: string;
  /** Per-region 95% CL upper limits on the visible cross section (pb), observed and expected, as published. */
  upperLimitPb: number;
  expectedUpperLimitPb: number;
}

export interface AgreementRule {
  /** Relative agreement asked for (0.2 = 20%). */
  tolerance: number;
  /** Points with published efficiency above this enter the fraction. */
  threshold: number;
  /** Why this threshold (the 1%, or a fallback for maps that never reach it). */
  thresholdReason: string;
}

/**
 * The rule: published eff > 1%. Maps whose largest efficiency is below 1% (TChiWZ in leptonic regions: the W
 * and Z branching ratios are inside the efficiency) use 10% of that largest efficiency instead, said so.
 */
export function agreementRule(points: readonly ValidationPoint[], tolerance = 0.2): AgreementRule {
  const max = Math.max(0, ...points.flatMap((p) => p.published.filter((x) => Number.isFinite(x))));
  if (max > 0.01) return { tolerance, threshold: 0.01, thresholdReason: 'published efficiency > 1%' };
  return {
    tolerance,
    threshold: 0.1 * max,
    thresholdReason: `no published efficiency reaches 1% (largest ${max.toExponential(2)}); points above 10% of the largest`,
  };
}

export interface RegionAgreement {
  region: string;
  considered: number;
  within: number;
  /** Within the tolerance or within 1 sigma of the simulation's MC error. */
  withinOrStat: number;
  /** Median of simulated / published over the considered points. */
  medianRatio: number;
}

export function regionAgreement(
  regions: readonly string[],
  points: readonly ValidationPoint[],
  rule: AgreementRule,
): { perRegion: RegionAgreement[]; considered: number; within: number; withinOrStat: number } {
  const perRegion = regions.map((region, i) => {
    const ratios: number[] = [];
    let within = 0;
    let withinOrStat = 0;
    for (const p of points) {
      const pub = p.published[i];
      if (!(pub > rule.threshold)) continue;
      const d = Math.abs(p.simulated[i] - pub);
      ratios.push(p.simulated[i] / pub);
      if (d <= rule.tolerance * pub) within++;
      if (d <= rule.tolerance * pub || d <= p.simulatedError[i]) withinOrStat++;
    }
    ratios.sort((a, b) => a - b);
    const medianRatio = ratios.length ? ratios[Math.floor(ratios.length / 2)] : NaN;
    return { region, considered: ratios.length, within, withinOrStat, medianRatio };
  });
  const sum = (k: 'considered' | 'within' | 'withinOrStat') => perRegion.reduce((s, r) => s + r[k], 0);
  return { perRegion, considered: sum('considered'), within: sum('within'), withinOrStat: sum('withinOrStat') };
}

/**
 * SModelS's r for efficiency-map results without region combination: the best region is the one with the largest
 * expected r = sigma eff / UL_exp; r_obs = sigma eff / UL_obs in that region (SModelS TheoryPrediction,
 * arXiv:1701.06586 Sec. 3.3). Excluded when r_obs >= 1.
 */
export function bestRegionR(crossSectionPb: number, effs: readonly number[], regions: readonly RegionCountsPublished[]): { r: number; region: number } {
  if (effs.length !== regions.length) throw new InputError('effs', `has ${effs.length} entries for ${regions.length} regions`);
  let best = -1;
  let bestExp = -Infinity;
  effs.forEach((e, i) => {
    if (!Number.isFinite(e)) return;
    const rExp = (crossSectionPb * e) / regions[i].expectedUpperLimitPb;
    if (rExp > bestExp) {
      bestExp = rExp;
      best = i;
    }
  });
  if (best < 0) return { r: 0, region: -1 };
  return { r: (crossSectionPb * effs[best]) / regions[best].upperLimitPb, region: best };
}

export interface PlanePoint {
  x: number;
  y: number;
  excluded: boolean;
}

interface RowEdge {
  y: number;
  /** Largest excluded x of the row (null: none excluded). */
  edge: number | null;
  /** Grid step at the edge: distance to the neighbouring x of the row. */
  step: number;
}

/** The exclusion edge of each row of constant y (the contour's crossing of that row). */
function rowEdges(points: readonly PlanePoint[]): RowEdge[] {
  const rows = new Map<number, PlanePoint[]>();
  for (const p of points) rows.set(p.y, [...(rows.get(p.y) ?? []), p]);
  return [...rows.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([y, ps]) => {
      ps.sort((a, b) => a.x - b.x);
      const steps = ps.slice(1).map((p, k) => p.x - ps[k].x);
      let k = -1;
      ps.forEach((p, i) => {
        if (p.excluded) k = i;
      });
      const step = k < 0 ? 0 : Math.max(steps[k] ?? 0, steps[k - 1] ?? 0);
      return { y, edge: k < 0 ? null : ps[k].x, step };
    });
}

export interface ContourComparison {
  rows: { y: number; recast: number | null; official: number | null; step: number; agree: boolean }[];
  agreeing: number;
}

/** Rows where the recast's edge is within one grid step of the official one (or neither excludes anything). */
export function compareContours(recast: readonly PlanePoint[], official: readonly PlanePoint[]): ContourComparison {
  const a = rowEdges(recast);
  const b = new Map(rowEdges(official).map((r) => [r.y, r]));
  const rows = a
    .filter((r) => b.has(r.y))
    .map((r) => {
      const o = b.get(r.y)!;
      const step = Math.max(r.step, o.step);
      const agree = r.edge === null || o.edge === null ? r.edge === o.edge : Math.abs(r.edge - o.edge) <= step + 1e-9;
      return { y: r.y, recast: r.edge, official: o.edge, step, agree };
    });
  return { rows, agreeing: rows.filter((r) => r.agree).length };
}
