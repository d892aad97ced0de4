import { loadShippedCatalogue } from '@sigmap/catalogue';
import { loadFamilies } from '@sigmap/families';
import { coverageFromStore } from '@sigmap/store';
import { InputError } from '@sigmap/contracts';
import { renderCoverageSvg, SM_OBJECTS, type CoverageMap, type Recommendation } from '@sigmap/coverage';
import { openStore } from '@sigmap/store';
import { resolve } from 'node:path';
import { integerOption, parseCli } from '../args';
import type { CliCommand } from '../command';
import { formatTable } from '../output';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const USAGE = `usage: sigmap coverage [--json] [--svg FILE] [--top N] [--url URL]
Prints the signature-coverage map: the 10x10 matrix of SM-object pairs plus the complex rows (number of searches per
cell, '.' = no search), each family's excluded fraction of its parameter volume (uniform prior in the declared
scales, over its allowed region) and mass reach, and the top next-best-search recommendations.
Sources: the published catalogue (every current analysis of the SModelS database, SIGMAP_SMODELS_DB or the shipped
v3.0.0; bundled HEPData records; SIGMAP_HOME/catalogue.json), sigmap's own simulated searches as a separate layer
that never counts as coverage, @sigmap/physics families, and the PUBLIC scans in
the store (PGlite under SIGMAP_HOME, or DATABASE_URL). With --url, reads a running API (sigmap serve) instead:
use it while a server holds the embedded PGlite store (one process at a time).
  --json       the full map (cells, searches, families, provenance) and the recommendations as JSON
  --svg FILE   draw the heat map to FILE (SVG)
  --top N      recommendations to show (default 5)
  --all-scans  count every scan of the local store (yours, from sigmap scan), not only those published as public
  --cell KEY   list every analysis of one cell ('t-t', 'complex:stop') with experiment, sqrt(s), luminosity, arXiv`;

function matrixText(map: CoverageMap): string {
  const w = 6;
  const lines = [' '.repeat(w) + SM_OBJECTS.map((o) => o.padStart(w)).join('')];
  for (let r = 0; r < SM_OBJECTS.length; r++) {
    let line = SM_OBJECTS[r].padEnd(w);
    for (let c = 0; c < SM_OBJECTS.length; c++) {
      if (c < r) {
        line += ' '.repeat(w);
        continue;
      }
      const cell = map.cells.find((x) => x.row === r && x.col === c)!;
      const mark = cell.empty ? '.' : String(cell.searches.length) + (cell.maxExcludedFraction !== null ? '*' : '');
      line += mark.padStart(w);
    }
    lines.push(line);
  }
  lines.push(
    '',
    'complex: ' +
      map.cells
        .filter((c) => c.kind === 'complex')
        .map((c) => `${c.key.slice(8)}=${c.empty ? '.' : c.searches.length}`)
        .join('  '),
  );
  lines.push("(number of searches per cell; '.' no search; '*' excluded fraction known from public scans)");
  return lines.join('\n') + '\n';
}

async function fromApi(url: string): Promise<{ map: CoverageMap; recommendations: Recommendation[] }> {
  const base = url.replace(/\/$/, '');
  if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(base))
    throw new InputError('--url', `expected a loopback URL like http://127.0.0.1:8080, got '${url}'`);
  const get = async (p: string) => {
    const r = await fetch(base + p);
    if (!r.ok) throw new InputError('--url', `${base}${p} answered ${r.status}`);
    return r.json();
  };
  const map = (await get('/api/coverage')) as CoverageMap;
  const recs = (await get('/api/coverage/recommendations?limit=100')) as { recommendations: Recommendation[] };
  return { map, recommendations: recs.recommendations };
}

export const command: CliCommand = {
  summary: 'print or draw the signature-coverage map and the next-best-search ranking',
  usage: USAGE,
  async run(argv) {
    const { values } = parseCli(
      argv,
      {
        json: { type: 'boolean' },
        svg: { type: 'string' },
        top: { type: 'string' },
        url: { type: 'string' },
        cell: { type: 'string' },
        'all-scans': { type: 'boolean' },
      },
      false,
    );
    const top = integerOption('top', values.top, 5);
    let map: CoverageMap;
    let recommendations: Recommendation[];
    if (values.url) ({ map, recommendations } = await fromApi(values.url));
    else {
      const home = resolve(process.env.SIGMAP_HOME ?? '.sigmap');
      const store = await openStore({ url: process.env.DATABASE_URL || undefined, dataDir: `${home}/store` });
      try {
        const shipped = loadShippedCatalogue(home);
        ({ map, recommendations } = await coverageFromStore(
          store,
          shipped.searches,
          loadFamilies().families,
          100,
          shipped.catalogue,
          values['all-scans'] ? 'all' : 'public',
        ));
      } finally {
        await store.close();
      }
    }
    if (values.svg) {
      mkdirSync(dirname(resolve(values.svg)), { recursive: true });
      writeFileSync(values.svg, renderCoverageSvg(map));
      process.stderr.write(`wrote ${values.svg} (${map.summary.covered} covered, ${map.summary.empty} empty of ${map.summary.cells} cells)\n`);
    }
    if (values.json) {
      process.stdout.write(JSON.stringify({ ...map, recommendations: recommendations.slice(0, Math.max(top, 20)) }, null, 2) + '\n');
      return 0;
    }
    if (values.svg) return 0;
    const s = map.summary;
    process.stdout.write(
      `signature coverage: ${s.covered} covered / ${s.empty} empty of ${s.cells} cells; ${s.searches} searches; ${s.scans} public scans, ${s.evaluations} evaluations\nprior: ${s.prior}\n\n`,
    );
    process.stdout.write(matrixText(map) + '\n');
    const cite = (x: { id: string; experiment: string; sqrtS: number; lumiFb: number; arXiv?: string }) =>
      `${x.id} (${x.experiment}, ${x.sqrtS} TeV, ${x.lumiFb}/fb${x.arXiv ? `, arXiv:${x.arXiv}` : ''})`;
    const shown = values.cell ? map.cells.filter((c) => c.key === values.cell) : map.cells.filter((c) => !c.empty);
    if (values.cell && shown.length === 0) throw new InputError('--cell', `unknown cell '${values.cell}' (keys like 't-t' or 'complex:stop')`);
    process.stdout.write(values.cell ? '' : 'searched cells (published analyses; --cell KEY lists all of one cell):\n');
    for (const c of shown) {
      const list = values.cell ? c.searches : c.searches.slice(0, 3);
      process.stdout.write(
        `  ${c.key} (${c.label}): ${c.searches.length} analyses${list.length ? `: ${list.map(cite).join('; ')}${c.searches.length > list.length ? '; ...' : ''}` : ''}\n`,
      );
      if (c.ownSearches.length) process.stdout.write(`    own simulated layer (not LHC coverage): ${c.ownSearches.map((x) => x.id).join(', ')}\n`);
    }
    if (s.catalogue) process.stdout.write(`catalogue: ${s.catalogue}\n`);
    process.stdout.write('\n');
    const fams = map.families.filter((f) => f.excluded);
    if (fams.length)
      process.stdout.write(
        formatTable(
          ['family', 'excluded fraction', 'scanned fraction', 'points', 'mass reach', 'scans'],
          fams.map((f) => [
            f.family,
            f.excluded!.fraction,
            f.excluded!.scannedFraction,
            f.excluded!.points,
            f.massReach?.mass ? `${f.massReach.parameter} ${f.massReach.mass.toPrecision(4)}` : '-',
            f.excluded!.provenance.scanIds.join(','),
          ]),
        ) + '\n',
      );
    process.stdout.write(
      formatTable(
        ['rank', 'cell', 'mass range [GeV]', 'score'],
        recommendations.slice(0, top).map((r) => [r.rank, r.cell, `${r.mass.min}-${r.mass.max}`, r.score]),
      ),
    );
    for (const r of recommendations.slice(0, top)) process.stdout.write(`  ${r.rank}. ${r.explanation}\n`);
    for (const w of map.warnings) process.stderr.write(`warning: ${w}\n`);
    return 0;
  },
};
