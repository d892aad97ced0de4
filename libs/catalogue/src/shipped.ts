/**
 * Adapters from the catalogue library's search records to the coverage map's input shape. The catalogue record
 * ({sqrtsTeV, signatures: [{pair, class}], material: {kind}, provenance: {files: [{sha256}]}}) becomes
 * {sqrtS, signatures: cell keys, material: full-likelihood | upper-limit-map | efficiency-map, version, sha}.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { fromPlainError, type PlainError } from '@sigmap/contracts';
import { loadCatalogue } from './search/registry';
import { databaseSearchRecords } from './smodels/coverageRecords';
import { smodelsDatabase } from './smodels/databaseIndex';
import { cellOfSignature, parseCell, type SearchRecord } from '@sigmap/coverage';
import { listFamilies, listOwnSearches, ownSearchesFor } from '@sigmap/physics';

export interface CatalogueRecordLike {
  id: string;
  experiment: string;
  sqrtsTeV: number;
  lumiFb: number;
  title?: string;
  signatures: { pair: [string, string] | string[]; class: string }[];
  families: string[];
  material: { kind: string; dataType?: string };
  provenance?: { hepdata?: string; doi?: string; arxiv?: string; url?: string; origin?: string; files?: { path: string; sha256: string }[] };
}

function materialKind(m: CatalogueRecordLike['material']): string {
  if (m.kind === 'pyhf-archive' || m.kind === 'pyhf-patchset') return 'full-likelihood';
  if (m.kind === 'smodels') return m.dataType === 'efficiencyMap' ? 'efficiency-map' : 'upper-limit-map';
  return m.kind;
}

/** Version: the HEPData record (or DOI / arXiv / URL / origin); sha: sha256 over the material files' sha256s, in path order. */
function fromCatalogueRecord(r: CatalogueRecordLike): SearchRecord {
  const p = r.provenance ?? {};
  const files = [...(p.files ?? [])].sort((a, b) => a.path.localeCompare(b.path));
  const sha = files.length
    ? createHash('sha256')
        .update(files.map((f) => `${f.path}:${f.sha256}`).join('\n'))
        .digest('hex')
    : undefined;
  return {
    id: r.id,
    experiment: r.experiment,
    sqrtS: r.sqrtsTeV,
    lumiFb: r.lumiFb,
    signatures: [...new Set(r.signatures.map((s, i) => cellOfSignature(s, r.families, `${r.id}.signatures[${i}]`).key))],
    families: r.families,
    material: materialKind(r.material),
    version: p.hepdata ?? p.doi ?? p.arxiv ?? p.url ?? p.origin ?? 'unversioned',
    ...(sha ? { sha } : {}),
    ...(r.title ? { title: r.title } : {}),
    ...(/(\d{4}\.\d{4,5})/.test(p.arxiv ?? '') ? { arXiv: /(\d{4}\.\d{4,5})/.exec(p.arxiv!)![1] } : {}),
  };
}

/**
 * sigmap's own searches (libs/physics): each mimics one published analysis (selection, binning, luminosity) with a
 * generated pyhf workspace, and stands for it in the map: the cell is covered because that analysis exists.
 * Version: the inspiring analysis' HEPData record, else its arXiv number.
 */
function ownSearchRecords(): SearchRecord[] {
  const families = listFamilies({ includeForbidden: false }).map((f) => ({ id: f.id, searches: new Set(ownSearchesFor(f).map((s) => s.id)) }));
  return listOwnSearches().map((s) => ({
    id: s.id,
    experiment: s.inspiration.experiment,
    sqrtS: 13,
    lumiFb: s.luminosityFb,
    // canonical cell keys ('b-j' is the map's 'j-b')
    signatures: [...new Set(s.signatures.map((sig, i) => parseCell(sig, `${s.id}.signatures[${i}]`).key))],
    families: families.filter((f) => f.searches.has(s.id)).map((f) => f.id),
    material: 'full-likelihood',
    layer: 'own' as const,
    version: s.inspiration.hepdata ?? `arXiv:${s.inspiration.arXiv}`,
    title: `${s.title} (sigmap own search after ${s.inspiration.experiment} ${s.inspiration.analysis})`,
  }));
}

export interface ShippedCatalogue {
  searches: SearchRecord[];
  source: string;
  catalogue: string;
}

/**
 * The searches of the map: the catalogue library's bundled records, the user's registry (SIGMAP_HOME/catalogue.json)
 * and sigmap's own searches, as coverage records.
 */
export function loadShippedCatalogue(home: string): ShippedCatalogue {
  const entries = loadCatalogue({ ...process.env, SIGMAP_HOME: home });
  const bundled = entries.filter((e) => e.source === 'bundled').length;
  const own = ownSearchRecords();
  const db = smodelsDatabase();
  const registered = entries.map((e) => fromCatalogueRecord(e.record));
  const analyses = databaseSearchRecords(db, new Set(registered.map((r) => r.id)));
  return {
    searches: [...registered, ...analyses, ...own],
    source: `@sigmap/catalogue: ${bundled} bundled, ${entries.length - bundled} from ${home}/catalogue.json, ${analyses.length} analyses of the SModelS database ${db.version} (${db.root}); @sigmap/physics: ${own.length} own searches (own layer, not LHC coverage)`,
    catalogue: `SModelS database ${db.version}, ${analyses.length} current analyses (mostly SUSY), + ${registered.length} registered records`,
  };
}

/**
 * loadShippedCatalogue in a thread of its own, for long-lived processes (the API): the SModelS database it reads is
 * ~700 MiB of small objects that would stay in the caller's heap as garbage until a major GC, and that GC, when it
 * comes, pauses the event loop for hundreds of ms (/healthz p99 over 100 ms in `sigmap bench soak`'s abuse wave).
 * The thread's heap goes away with it; only the search records come back.
 */
export function loadShippedCatalogueOffThread(home: string): Promise<ShippedCatalogue> {
  return new Promise((res, rej) => {
    const w = new Worker(join(__dirname, 'shipped-thread-entry.js'), { workerData: { home } });
    let result: ShippedCatalogue | undefined;
    w.once('message', (m: { ok: true; value: ShippedCatalogue } | { ok: false; error: PlainError }) => {
      if (m.ok) result = m.value;
      else rej(fromPlainError(m.error));
    });
    w.once('error', rej);
    w.once('exit', (code) => (result ? res(result) : rej(new Error(`catalogue thread exited with code ${code} before answering`))));
  });
}
