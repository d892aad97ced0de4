import { currentResults, smodelsDatabase } from '@sigmap/catalogue';
import { parseCli, printJson } from '../args';
import type { CliCommand } from '../command';

export const command: CliCommand = {
  summary: 'the SModelS database in use: where it is, its version, results, analyses, warnings and cache',
  usage: `usage: sigmap database [--warnings] [--json]
Loads the SModelS database (SIGMAP_SMODELS_DB, a clone of the database release; else the shipped v3.0.0 archive,
unpacked once into ~/.cache/sigmap/smodels-database-300) and prints its location, version, result folders, analyses
(current and superseded), the files skipped with a warning, and the cache file the parsed database loads from.
The first load parses every file (tens of seconds); later loads read the cache (seconds). scripts/bootstrap.sh runs
it once so that tests and scans find the cache ready.
  --warnings  list every skipped file with its line and the reason
  --json      everything as JSON`,
  async run(argv) {
    const { values } = parseCli(argv, { warnings: { type: 'boolean' }, json: { type: 'boolean' } }, false);
    const db = smodelsDatabase();
    const current = currentResults(db);
    const summary = {
      root: db.root,
      version: db.version,
      results: db.results.length,
      analyses: new Set(db.results.map((r) => r.id)).size,
      currentAnalyses: new Set(current.map((r) => r.id)).size,
      superseded: db.results.length - current.length,
      txNames: db.results.reduce((a, r) => a + r.datasets.reduce((b, d) => b + d.txNames.length, 0), 0),
      warnings: db.warnings.length,
      cache: db.cache,
      loadSeconds: Number(db.loadSeconds.toFixed(2)),
    };
    if (values.json) {
      printJson({ ...summary, warningList: db.warnings });
      return 0;
    }
    process.stdout.write(
      `SModelS database ${db.version} at ${db.root}\n` +
        `${summary.results} results (${summary.superseded} superseded), ${summary.analyses} analyses (${summary.currentAnalyses} current), ${summary.txNames} txname maps\n` +
        `${summary.warnings} files skipped with a warning${values.warnings || summary.warnings === 0 ? '' : ' (--warnings lists them)'}\n` +
        `loaded in ${summary.loadSeconds} s from ${db.cache.hit ? 'the cache' : 'the text files (now cached)'}: ${db.cache.file}\n`,
    );
    if (values.warnings) for (const w of db.warnings) process.stdout.write(`  ${w.file}${w.line ? `:${w.line}` : ''}: ${w.message}\n`);
    return 0;
  },
};
