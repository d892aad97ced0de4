/**
 * Writes sigmap's derived PDF table (libs/physics/src/xsec/tables/NNPDF31_nlo_as_0118_luxqed_0000.json) from the
 * LHAPDF6 grid the pythia8mc wheel ships in the shared venv. `npx tsx scripts/pdf-table.ts --check` only compares.
 * test/peers/pdf-table.test.ts regenerates it and fails on any difference.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NNPDF31_TABLE, buildNnpdf31Table } from '@sigmap/peers';

const out = join(__dirname, '..', NNPDF31_TABLE.table);
const { json, text } = buildNnpdf31Table();
if (process.argv.includes('--check')) {
  const same = readFileSync(out, 'utf8') === text;
  process.stdout.write(same ? `${out}: matches ${json.origin.file} (sha256 ${json.origin.sha256})\n` : `${out}: DIFFERS from ${json.origin.file}\n`);
  process.exit(same ? 0 : 1);
}
writeFileSync(out, text);
process.stdout.write(`wrote ${out} (${text.length} bytes) from ${json.origin.file} sha256 ${json.origin.sha256}\n`);
