import { InputError } from '@sigmap/contracts';
import {
  addToUserRegistry,
  buildRecord,
  dataRoot,
  loadCatalogue,
  parseSize,
  parseSignatures,
  verifyProvenance,
  type AddOptions,
  type PyhfSettings,
  type SearchRecord,
} from '@sigmap/catalogue';
import { numberOption, parseCli, printJson } from '../args';
import type { CliCommand } from '../command';
import { formatTable } from '../output';

const USAGE = `usage: sigmap catalogue [list] [--json] [--no-verify]
       sigmap catalogue add DIR|FILE [options]
Lists the registered searches (bundled: libs/catalogue/searches/index.json, material under $SIGMAP_DATA_DIR or
../shared/data; user: $SIGMAP_HOME/catalogue.json or ./.sigmap/catalogue.json), re-hashing every material file
against its registered sha256 unless --no-verify.

add registers a search after reading and validating all of its material:
  DIR                          an SModelS database result (globalInfo.txt + dataset folders)
  FILE.tar.gz                  a HEPData likelihood archive: <Region>/BkgOnly.json + <Region>/patch.<name>.json
  FILE.json --patchset P.json  a background-only pyhf workspace + its PatchSet
options:
  --id ID --experiment E --sqrts TeV --lumi fb^-1 --title T     (taken from globalInfo.txt for SModelS results)
  --families f1,f2             model families the search constrains
  --signatures b:H,b:b         signature pairs it covers (append @resonance-same|@resonance-mixed; default complex)
  --params p1,p2,p3            pyhf: family parameters, in the order of the patch values
  --txname FAMILY:TXNAME:m1,m2;m1,m2   SModelS: txName and mass array (branches split by ';'), repeatable
  --exclude-datasets SR1,SR2   SModelS: signal regions to leave out
  --region-handling best-expected      how separate regions of an archive become one limit
  --normsys-interp code4 --histosys-interp code4p
  --hepdata URL --doi DOI --arxiv ID --url URL                 provenance
  --max-unpacked SIZE          largest decompressed size of an archive (default 512mb; env SIGMAP_ARCHIVE_MAX_BYTES);
                               a larger one is refused with an error naming the file and the limit
  --json                       print the registered record`;

function list(text: string | undefined): string[] | undefined {
  return text === undefined
    ? undefined
    : text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

function parseTxName(text: string): { family: string; txName: string; masses: (string | number)[][] } {
  const m = /^([^:]+):([^:]+):(.+)$/.exec(text);
  if (!m) throw new InputError('--txname', `expected FAMILY:TXNAME:m1,m2;m1,m2, got '${text}'`);
  const masses = m[3].split(';').map((b) =>
    b.split(',').map((x) => {
      const t = x.trim();
      if (!t) throw new InputError('--txname', `empty mass entry in '${text}'`);
      return /^[-+]?\d/.test(t) ? numberOption('txname', t, 0) : t;
    }),
  );
  return { family: m[1], txName: m[2], masses };
}

async function add(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, {
    id: { type: 'string' },
    experiment: { type: 'string' },
    sqrts: { type: 'string' },
    lumi: { type: 'string' },
    title: { type: 'string' },
    families: { type: 'string' },
    signatures: { type: 'string' },
    params: { type: 'string' },
    txname: { type: 'string', multiple: true },
    'exclude-datasets': { type: 'string' },
    'region-handling': { type: 'string' },
    'normsys-interp': { type: 'string' },
    'histosys-interp': { type: 'string' },
    patchset: { type: 'string' },
    hepdata: { type: 'string' },
    doi: { type: 'string' },
    arxiv: { type: 'string' },
    url: { type: 'string' },
    'max-unpacked': { type: 'string' },
    json: { type: 'boolean' },
  });
  // the archive readers take their limit from the environment (one place for every reader of the library)
  if (values['max-unpacked'] !== undefined) process.env.SIGMAP_ARCHIVE_MAX_BYTES = String(parseSize(values['max-unpacked'], '--max-unpacked'));
  if (positionals.length !== 1) throw new InputError('catalogue add', `expected one DIR or FILE, got ${positionals.length}`);
  const rh = values['region-handling'];
  if (rh !== undefined && rh !== 'best-expected') throw new InputError('--region-handling', `only best-expected is implemented, got '${rh}'`);
  const settings: Partial<PyhfSettings> = {};
  if (values['normsys-interp']) {
    if (!['code1', 'code4'].includes(values['normsys-interp'])) throw new InputError('--normsys-interp', 'expected code1 or code4');
    settings.normsysInterp = values['normsys-interp'] as PyhfSettings['normsysInterp'];
  }
  if (values['histosys-interp']) {
    if (!['code0', 'code4p'].includes(values['histosys-interp'])) throw new InputError('--histosys-interp', 'expected code0 or code4p');
    settings.histosysInterp = values['histosys-interp'] as PyhfSettings['histosysInterp'];
  }
  const opts: AddOptions = {
    id: values.id,
    experiment: values.experiment,
    sqrtsTeV: values.sqrts === undefined ? undefined : numberOption('sqrts', values.sqrts, 0, (x) => x > 0, 'a positive number (TeV)'),
    lumiFb: values.lumi === undefined ? undefined : numberOption('lumi', values.lumi, 0, (x) => x > 0, 'a positive number (fb^-1)'),
    title: values.title,
    families: list(values.families),
    signatures: values.signatures ? parseSignatures(values.signatures) : undefined,
    valueParameters: list(values.params),
    txNames: values.txname?.map(parseTxName),
    excludeDatasets: list(values['exclude-datasets']),
    regionHandling: 'best-expected',
    settings,
    patchset: values.patchset,
    hepdata: values.hepdata,
    doi: values.doi,
    arxiv: values.arxiv,
    url: values.url,
  };
  const record = buildRecord(positionals[0], opts, dataRoot(), process.cwd());
  const path = addToUserRegistry(record);
  if (values.json) printJson(record);
  else process.stdout.write(`registered ${record.id} (${record.material.kind}, ${record.provenance.files.length} files hashed) in ${path}\n`);
  return 0;
}

/** The kind of a catalogue record's material: pyhf-archive, pyhf-patchset, smodels-ul or smodels-em. */
export function materialKind(r: SearchRecord): string {
  return r.material.kind === 'smodels' ? `smodels-${r.material.dataType === 'upperLimit' ? 'ul' : 'em'}` : r.material.kind;
}

export const command: CliCommand = {
  summary: 'list the registered searches (with provenance check), or register one: catalogue add DIR|FILE',
  usage: USAGE,
  async run(argv) {
    if (argv[0] === 'add') return add(argv.slice(1));
    const rest = argv[0] === 'list' ? argv.slice(1) : argv;
    const { values, positionals } = parseCli(rest, { json: { type: 'boolean' }, 'no-verify': { type: 'boolean' } });
    if (positionals.length) throw new InputError('catalogue', `unknown subcommand '${positionals[0]}' (list, add)`);
    const entries = loadCatalogue();
    const rows = entries.map((e) => {
      const r = e.record;
      const check = values['no-verify'] ? undefined : verifyProvenance(r);
      return {
        id: r.id,
        source: e.source,
        experiment: r.experiment,
        sqrtsTeV: r.sqrtsTeV,
        lumiFb: r.lumiFb,
        kind: materialKind(r),
        families: r.families,
        signatures: r.signatures.map((s) => s.pair.join(':')),
        files: r.provenance.files.length,
        provenance: check ? (check.ok ? 'ok' : `FAILED: ${check.problems.join('; ')}`) : 'not checked',
        reference: r.provenance.doi ?? r.provenance.hepdata ?? r.provenance.arxiv ?? r.provenance.url ?? '',
      };
    });
    if (values.json) printJson(rows);
    else
      process.stdout.write(
        formatTable(
          ['search', 'source', 'expt', 'sqrt(s)', 'lumi/fb', 'kind', 'families', 'signatures', 'files', 'sha256'],
          rows.map((r) => [r.id, r.source, r.experiment, r.sqrtsTeV, r.lumiFb, r.kind, r.families.join(','), r.signatures.join(','), r.files, r.provenance]),
        ),
      );
    return rows.every((r) => !r.provenance.startsWith('FAILED')) ? 0 : 1;
  },
};
