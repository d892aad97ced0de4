import { loadCatalogue } from '@sigmap/catalogue';
import { cellOfSignature, parseCell } from '@sigmap/coverage';
import { listFamilies, listOwnSearches, ownSearchesFor } from '@sigmap/physics';
import { parseCli, printJson } from '../args';
import type { CliCommand } from '../command';
import { formatTable } from '../output';
import { materialKind } from './catalogue';

export interface SearchRow {
  id: string;
  /** 'own' (libs/physics, simulated signal), 'bundled' or 'user' (the catalogue's registries). */
  origin: 'own' | 'bundled' | 'user';
  experiment: string;
  /** Coverage cells ('e-e', 'complex:sbottom'). */
  signatures: string[];
  families: string[];
  /** 'own: simulated signal + generated pyhf workspace', or the catalogue material (pyhf-archive, smodels-ul, ...). */
  material: string;
  title: string;
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
  return [...own, ...catalogue];
}

const short = (xs: string[], n: number) => (xs.length > n ? `${xs.slice(0, n).join(',')} +${xs.length - n} more` : xs.join(','));

export const command: CliCommand = {
  summary: "list every search: sigmap's own (simulated) searches and the catalogue's published ones",
  usage: `usage: sigmap searches [--json]
One table of the own searches of libs/physics (selection + binning after a real analysis; the signal is simulated
and the pyhf workspace generated) and the catalogue's searches (bundled and user registries: published likelihoods,
SModelS upper-limit or efficiency maps): id, origin, experiment, signature cells, model families, kind of material.
  --json    the full list (families not shortened, titles included)`,
  async run(argv) {
    const { values } = parseCli(argv, { json: { type: 'boolean' } }, false);
    const rows = searchRows();
    if (values.json) {
      printJson(rows);
      return 0;
    }
    process.stdout.write(
      formatTable(
        ['search', 'origin', 'expt', 'signatures', 'families', 'material'],
        rows.map((r) => [r.id, r.origin, r.experiment, r.signatures.join(','), short(r.families, 4), r.material]),
      ),
    );
    process.stdout.write(`${rows.filter((r) => r.origin === 'own').length} own searches, ${rows.filter((r) => r.origin !== 'own').length} catalogue searches\n`);
    return 0;
  },
};
