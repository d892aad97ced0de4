import { parseCell, type SearchRecord } from '@sigmap/coverage';
import { currentResults, type IndexedResult, type SmodelsDatabase } from './databaseIndex';
import { resultCells } from './signatures';

/** A database analysis as the coverage map (and `sigmap searches`) see it. */
export interface DatabaseSearchRecord extends SearchRecord {
  /** Its result folders, relative to the database root. */
  results: string[];
  /** Set when every result of the analysis is superseded (SModelS then leaves it out; so does the map). */
  supersededBy?: string;
}

const material = (r: IndexedResult) =>
  r.datasets.some((d) => d.dataType === 'efficiencyMap') ? (r.jsonFiles ? 'full-likelihood' : 'efficiency-map') : 'upper-limit-map';

/**
 * Every current (not superseded) analysis of the SModelS database as one LHC-layer record: its results' txnames placed
 * in the signature matrix (catalogue's resultCells), experiment, sqrt(s), luminosity, arXiv. Ids already registered
 * (bundled HEPData records of the same analysis) are left to those records.
 */
export function databaseSearchRecords(
  db: SmodelsDatabase,
  registered: ReadonlySet<string> = new Set(),
  opts: { includeSuperseded?: boolean } = {},
): DatabaseSearchRecord[] {
  const byAnalysis = new Map<string, IndexedResult[]>();
  for (const r of opts.includeSuperseded ? db.results : currentResults(db)) byAnalysis.set(r.id, [...(byAnalysis.get(r.id) ?? []), r]);
  const out: DatabaseSearchRecord[] = [];
  for (const [id, results] of [...byAnalysis].sort(([a], [b]) => a.localeCompare(b))) {
    if (registered.has(id)) continue;
    const keys = new Set<string>();
    for (const r of results) for (const c of resultCells(r).cells) keys.add(c.kind === 'pair' ? parseCell([...c.pair], `${r.path}`).key : `complex:${c.id}`);
    if (keys.size === 0) continue;
    const first = results[0];
    const arXiv = first.metadata?.arXiv ?? /(\d{4}\.\d{4,5})/.exec(first.arxiv ?? '')?.[1];
    const materials = [...new Set(results.map(material))].sort();
    out.push({
      id,
      analysis: id,
      experiment: first.experiment,
      sqrtS: first.sqrtsTeV,
      lumiFb: Math.max(...results.map((r) => r.lumiFb)),
      signatures: [...keys].sort(),
      families: [],
      material: materials.join('+'),
      version: `SModelS database ${db.version}: ${results.map((r) => r.path).join(', ')}`,
      layer: 'lhc',
      results: results.map((r) => r.path),
      ...(results.every((r) => r.supersededBy) ? { supersededBy: results[0].supersededBy } : {}),
      ...(arXiv ? { arXiv } : {}),
      ...(first.metadata?.prettyName || first.prettyName ? { title: first.metadata?.prettyName ?? first.prettyName } : {}),
    });
  }
  return out;
}
