import type { EvaluatedPoint, Fidelity, ModelPoint, ScanSpec } from '@sigmap/contracts';

export interface TrainingRow {
  key: string;
  point: ModelPoint;
  /** The evaluated value (CLs_obs for a scan) per objective, in spec.searches order. */
  cls: number[];
}

/** Which evaluation of a (point, search) the GP learns when a multi-fidelity scan has several: the most faithful. */
const FIDELITY_RANK: Record<Fidelity, number> = { lookup: 3, full: 3, fast: 2, surrogate: 1 };

/**
 * One row per point evaluated for every search, sorted by point key (fits do not depend on completion order). Where a
 * point was evaluated at several fidelities (escalated surrogate points), the most faithful evaluation counts.
 */
export function trainingSet(
  spec: Pick<ScanSpec, 'searches'>,
  evals: Pick<EvaluatedPoint, 'key' | 'point' | 'search' | 'fidelity' | 'clsObs'>[],
): TrainingRow[] {
  const byKey = new Map<string, { point: ModelPoint; cls: Map<string, { cls: number; rank: number }> }>();
  for (const e of evals) {
    const cur = byKey.get(e.key) ?? { point: e.point, cls: new Map<string, { cls: number; rank: number }>() };
    const rank = FIDELITY_RANK[e.fidelity];
    const had = cur.cls.get(e.search);
    if (!had || rank > had.rank) cur.cls.set(e.search, { cls: e.clsObs, rank });
    byKey.set(e.key, cur);
  }
  return [...byKey.entries()]
    .filter(([, v]) => spec.searches.every((s) => v.cls.has(s)))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, v]) => ({ key, point: v.point, cls: spec.searches.map((s) => v.cls.get(s)!.cls) }));
}

/** Order-independent digest of a training set (FNV-1a over sorted "key=cls,..." lines). */
export function trainingDigest(rows: TrainingRow[]): string {
  const text = rows
    .map((r) => `${r.key}=${r.cls.map((c) => c.toPrecision(12)).join(',')}`)
    .sort()
    .join(';');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `${rows.length}:${h.toString(16).padStart(8, '0')}`;
}
