import { databaseSearchRecords, loadCatalogue, smodelsDatabase } from '@sigmap/catalogue';
import { cellOfSignature, parseCell } from '@sigmap/coverage';
import { listFamilies, listOwnSearches, ownSearchesFor } from '@sigmap/physics';
import { parseCli, printJson } from '../args';
import type { CliCommand } from '../command';
import { formatTable } from '../output';
import { materialKind } from './catalogue';

interface SearchRow {
  id: string;
  /**
   * 'own' (libs/physics, simulated signal: a demonstration layer, not LHC coverage), 'bundled' or 'user' (the catalogue's
   * registries), 'smodels-db' (an analysis of the SModelS database in use).
   */
  origin: 'own' | 'bundled' | 'user' | 'smodels-db';
  experiment: string;
  /** Coverage cells ('e-e', 'complex:sbottom'). */
  signatures: string[];
  families: string[];
  /** 'own: simulated signal + generated pyhf workspace', or the catalogue material (pyhf-archive, smodels-ul, ...). */
  material: string;
  title: string;
  sqrtS?: number;
  lumiFb?: number;
  arXiv?: string;
  /** Where its material comes from: database version and result folders, or the registry's provenance. */
  provenance?: string;
  supersededBy?: string;
}

/** Own searches (with the physics families they constrain) and catalogue searches, in one list. */
export function searchRows(): SearchRow[] {
  const families = listFamilies({ includeForbidden: false }).map((f) => ({ id: f.id, searches: ownSearchesFor(f).map((s) => s.id) }));
  const own: SearchRow[] = listOwnSearches().map((s) => ({
    id: s.id,
    origin: 'own',
    experiment: s.inspiration.experiment,
    signatures: [...new Set(s.signatures.map((sig) => parseCell(sig).key))],
    families: families.filter((f) => f.searches.includes(s.id)).map((f) => f.id),
    material: 'own: simulated signal + generated pyhf workspace',
    title: `${s.title} (after ${s.inspiration.experiment} ${s.inspiration.analysis}, arXiv:${s.inspiration.arXiv})`,
  }));
  const catalogue: SearchRow[] = loadCatalogue().map(({ record: r, source }) => ({
    id: r.id,
    origin: source,
    experiment: r.experiment,
    signatures: [...new Set(r.signatures.map((sig) => cellOfSignature(sig, r.families).key))],
    families: [...r.families],
    material: materialKind(r),
    title: r.title ?? '',
  }));
  const db = smodelsDatabase();
  const registered = new Set(catalogue.map((r) => r.id));
  const analyses: SearchRow[] = databaseSearchRecords(db, registered, { includeSuperseded: true }).map((r) => ({
    id: r.id,
    origin: 'smodels-db',
    experiment: r.experiment,
    signatures: r.signatures.map((x) => (typeof x === 'string' ? x : x.join('-'))),
    families: [],
    material: r.material,
    title: r.title ?? '',
    sqrtS: r.sqrtS,
    lumiFb: r.lumiFb,
    ...(r.arXiv ? { arXiv: r.arXiv } : {}),
    provenance: `SModelS database ${db.version} at ${db.root}: ${r.results.join(', ')}`,
    ...(r.supersededBy ? { supersededBy: r.supersededBy } : {}),
  }));
  return [...own, ...catalogue, ...analyses];
}

const short = (xs: string[], n: number) => (xs.length > n ? `${xs.slice(0, n).join(',')} +${xs.length - n} more` : xs.join(','));

export const command: CliCommand = {
  summary: "list every search: sigmap's own (simulated) searches and the catalogue's published ones",
  usage: `usage: sigmap searches [--json]
One table of the own searches of libs/physics (selection + binning after a real analysis; the signal is simulated
and the background invented: demonstrations, never LHC coverage), the catalogue's registered searches (bundled and
user registries: published likelihoods, SModelS upper-limit or efficiency maps) and every analysis of the SModelS
database in use (SIGMAP_SMODELS_DB, else the shipped v3.0.0): id, origin, experiment, sqrt(s), luminosity, arXiv,
signature cells, model families, kind of material.
  --json    the full list (families and signatures not shortened, titles and provenance included)`,
  async run(argv) {
    const { values } = parseCli(argv, { json: { type: 'boolean' } }, false);
    const rows = searchRows();
    if (values.json) {
      printJson(rows);
      return 0;
    }
    process.stdout.write(
      formatTable(
        ['search', 'origin', 'expt', 'sqrt(s)', 'lumi/fb', 'arXiv', 'signatures', 'families', 'material'],
        rows.map((r) => [
          r.supersededBy ? `${r.id} (superseded by ${r.supersededBy})` : r.id,
          r.origin,
          r.experiment,
          r.sqrtS ?? '',
          r.lumiFb ?? '',
          r.arXiv ?? '',
          short(r.signatures, 3),
          short(r.families, 4),
          r.material,
        ]),
      ),
    );
    const db = rows.filter((r) => r.origin === 'smodels-db');
    process.stdout.write(
      `${rows.filter((r) => r.origin === 'own').length} own searches (simulated demonstrations, not LHC coverage), ${rows.filter((r) => r.origin === 'bundled' || r.origin === 'user').length} registered catalogue searches, ${db.length} SModelS database analyses (${db.filter((r) => r.supersededBy).length} superseded)\n`,
    );
    return 0;
  },
};
