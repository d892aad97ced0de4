/**
 * Coverage inputs from the store, shared by the API's CoverageService and `sigmap coverage`: public scans (an
 * api_scan_access row with visibility 'public'; `sigmap coverage --all-scans` takes every scan of a local store) as ScanEvidence, with the catalogue's versions for their searches.
 */
import type { ScanSpec } from '@sigmap/contracts';
import { buildCoverage, recommend, type CoverageMap, type FamilyInfo, type Recommendation, type ScanEvidence, type SearchRecord } from '@sigmap/coverage';
import { ActiveLearner, type LearnerState } from '@sigmap/gp';
import type { Store } from './store';

/** Scans marked public. A scan without an access row (run by `sigmap scan`, or of unknown origin) is private. */
export async function publicScanIds(store: Store): Promise<string[]> {
  const r = await store.sql.query<{ scan_id: string }>(
    `SELECT s.scan_id FROM scans s JOIN api_scan_access a ON a.scan_id = s.scan_id WHERE a.visibility = 'public' ORDER BY s.scan_id`,
  );
  return r.rows.map((x) => x.scan_id);
}

/** Every scan of the store (the local `sigmap coverage --all-scans` of one's own store). */
async function allScanIds(store: Store): Promise<string[]> {
  const r = await store.sql.query<{ scan_id: string }>('SELECT scan_id FROM scans ORDER BY scan_id');
  return r.rows.map((x) => x.scan_id);
}

/**
 * The scan's GP classification on a reference grid: the learner of its latest round (gp_snapshots, stored by the
 * worker; loadEvidence uses it only when it was fitted on all of the scan's points) restored and asked to classify a cell-centred grid over its axes (m per axis, m^d <= gridTarget, in each
 * axis's scale). pExcluded is 1 where it predicts the point excluded by at least one search, else 0.
 * Null when the scan has no usable snapshot (fewer than 2 evaluations, or a state this build cannot restore).
 */
function gpGridOf(state: unknown, fixed: Record<string, number>, gridTarget = 1600): ScanEvidence['gpGrid'] | null {
  try {
    const s = state as LearnerState;
    if (!s?.config?.axes?.length || !s.models?.every((m) => m)) return null;
    const learner = ActiveLearner.fromState(s);
    const axes = s.config.axes;
    const d = axes.length;
    const m = Math.max(3, Math.floor(Math.pow(gridTarget, 1 / d) + 1e-9));
    const count = Math.pow(m, d);
    const pts: number[][] = [];
    for (let i = 0; i < count; i++) {
      let r = i;
      const x = new Array<number>(d);
      for (let j = d - 1; j >= 0; j--) {
        const u = ((r % m) + 0.5) / m;
        r = Math.floor(r / m);
        const a = axes[j];
        x[j] = a.scale === 'log' ? Math.exp(Math.log(a.lower) + u * (Math.log(a.upper) - Math.log(a.lower))) : a.lower + u * (a.upper - a.lower);
      }
      pts.push(x);
    }
    const labels = learner.classify(pts);
    return pts.map((x, i) => ({ point: { ...fixed, ...Object.fromEntries(axes.map((a, j) => [a.name, x[j]])) }, pExcluded: labels[i].some(Boolean) ? 1 : 0 }));
  } catch {
    return null;
  }
}

async function loadEvidence(store: Store, ids: string[], catalogue: readonly SearchRecord[]): Promise<ScanEvidence[]> {
  if (ids.length === 0) return [];
  const scans = await store.sql.query<{ scan_id: string; family: string; spec: ScanSpec | string }>(
    'SELECT scan_id, family, spec FROM scans WHERE scan_id = ANY($1) ORDER BY scan_id',
    [ids],
  );
  const evs = await store.sql.query<{ scan_id: string; search_id: string; point: Record<string, number> | string; excluded: boolean }>(
    'SELECT scan_id, search_id, point, excluded FROM evaluations WHERE scan_id = ANY($1) ORDER BY id',
    [ids],
  );
  const byScan = new Map<string, ScanEvidence['evaluations']>();
  for (const e of evs.rows) {
    const list = byScan.get(e.scan_id) ?? [];
    list.push({ point: typeof e.point === 'string' ? JSON.parse(e.point) : e.point, search: e.search_id, excluded: e.excluded });
    byScan.set(e.scan_id, list);
  }
  const versions = new Map(catalogue.map((s) => [s.id, s]));
  const out: ScanEvidence[] = [];
  for (const s of scans.rows) {
    const spec = (typeof s.spec === 'string' ? JSON.parse(s.spec) : s.spec) as ScanSpec;
    // the GP of the latest round is used only when it was fitted on every evaluated point of the scan (a scan that
    // stops on its budget evaluates one more batch after its last fit; then the points themselves are used)
    const snapshot = await store.latestGpSnapshot(s.scan_id);
    const distinct = new Set((byScan.get(s.scan_id) ?? []).map((e) => JSON.stringify(Object.entries(e.point).sort()))).size;
    const fixed = Object.fromEntries(
      Object.entries(spec.parameters)
        .filter(([, r]) => r.fixed !== undefined)
        .map(([k, r]) => [k, r.fixed!]),
    );
    const gpGrid = snapshot && snapshot.trainingSize === distinct ? gpGridOf(snapshot.state, fixed) : null;
    out.push({
      scanId: s.scan_id,
      family: s.family,
      parameters: spec.parameters,
      searches: spec.searches.map((id) => {
        const v = versions.get(id);
        return { id, version: v?.version ?? 'unknown', ...(v?.sha ? { sha: v.sha } : {}) };
      }),
      evaluations: byScan.get(s.scan_id) ?? [],
      ...(gpGrid ? { gpGrid } : {}),
    });
  }
  return out;
}

/**
 * Scans run on a worker family id that no declaration knows (the worker calls the ATLAS sbottom model
 * 'atlas-sbottom', the catalogue 'sbottom') count for the declared family that one of their searches' catalogue
 * records names, when its parameter names are exactly the scan's. Returns the notes for the map's warnings.
 */
function resolveFamilies(scans: ScanEvidence[], searches: readonly SearchRecord[], families: readonly FamilyInfo[]): string[] {
  const notes: string[] = [];
  const declared = new Map(families.map((f) => [f.id, f]));
  for (const s of scans) {
    if (declared.has(s.family)) continue;
    const names = Object.keys(s.parameters).sort().join(',');
    const candidates = new Set(searches.filter((r) => s.searches.some((x) => x.id === r.id)).flatMap((r) => r.families));
    const match = [...candidates]
      .map((id) => declared.get(id))
      .find(
        (f) =>
          f &&
          f.parameters
            .map((p) => p.name)
            .sort()
            .join(',') === names,
      );
    if (match) {
      notes.push(
        `scan ${s.scanId} of worker family '${s.family}' counts for declared family '${match.id}' (same parameters; named by the catalogue record of ${s.searches.map((x) => x.id).join(', ')})`,
      );
      s.family = match.id;
    }
  }
  return notes;
}

export interface CoverageReport {
  map: CoverageMap;
  recommendations: Recommendation[];
  scans: ScanEvidence[];
}

/** Map + ranking from the store's public scans, a catalogue and the families. */
export async function coverageFromStore(
  store: Store,
  searches: readonly SearchRecord[],
  families: readonly FamilyInfo[],
  limit = 100,
  catalogue?: string,
  scope: 'public' | 'all' = 'public',
): Promise<CoverageReport> {
  const scans = await loadEvidence(store, await (scope === 'all' ? allScanIds(store) : publicScanIds(store)), searches);
  const notes = resolveFamilies(scans, searches, families);
  const map = buildCoverage({ searches, families, scans, catalogue });
  map.warnings.unshift(...notes);
  return { map, recommendations: recommend({ map, searches, families, scans, limit }), scans };
}
