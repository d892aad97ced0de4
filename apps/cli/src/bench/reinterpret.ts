import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { InputError } from '@sigmap/contracts';
import { decomposeSlha, parseSlha, prepareGrids, smodelsDatabase, theoryPredictions } from '@sigmap/catalogue';
import { integerOption, parseCli } from '../args';
import type { CliCommand } from '../command';
import { formatNumber, formatTable, writeJsonFile } from '../output';

const EXAMPLES = 'test/fixtures/smodels/slha/examples';

interface PeerTiming {
  tool: string;
  database: string;
  databaseLoad_s: number;
  files: Record<string, { seconds: number; predictions: number; rmax: number | null }>;
}

export const bench: CliCommand = {
  summary: 'model points per second of the SModelS-like engine vs SModelS 3.2.1 on realistic spectra, same run',
  usage: `usage: sigmap bench reinterpret [--slha FILE ...] [--repeat 1] [--no-smodels] [--json FILE]
Runs sigmap's reinterpretation (SLHA -> decomposition -> r-values of every result of the SModelS database v3.0.0,
best SR per EM result as SModelS 3.2.1 does on this database; also timed with sigmap's SR combinations) and SModelS 3.2.1 itself (libs/peers/python/smodels_predict.py --live, with the peers'
python $SIGMAP_PYHF_PYTHON) on the same spectra (default: SModelS's example SLHA files in ${EXAMPLES}), and the
database load time of both (sigmap: from its cache; SModelS: from its pickle). Prints a table and writes
reports/bench/reinterpret.json. SModelS needs about a minute per spectrum here.`,
  async run(argv) {
    const { values } = parseCli(
      argv,
      { slha: { type: 'string', multiple: true }, repeat: { type: 'string' }, 'no-smodels': { type: 'boolean' }, json: { type: 'string' } },
      false,
    );
    const repeat = integerOption('repeat', values.repeat, 1);
    const files = values.slha?.length
      ? values.slha.map((f) => resolve(f))
      : readdirSync(EXAMPLES)
          .filter((f) => f.endsWith('.slha'))
          .sort()
          .map((f) => resolve(EXAMPLES, f));
    for (const f of files) if (!existsSync(f)) throw new InputError('--slha', `${f} not found`);

    const t0 = performance.now();
    const db = smodelsDatabase();
    // SModelS's default selection: every result, superseded ones included
    const results = db.results;
    const cacheLoad = (performance.now() - t0) / 1000;
    // grid interpolators and constraints built up front, as SModelS has them in its pickle
    const t1 = performance.now();
    prepareGrids(results);
    const gridPrep = (performance.now() - t1) / 1000;
    const sigmapLoad = cacheLoad + gridPrep;
    const perFile: { file: string; seconds: number; combinedSeconds: number; elements: number; predictions: number; rmax?: number; top?: string }[] = [];
    for (const f of files) {
      let best = Infinity;
      let last: ReturnType<typeof theoryPredictions> | undefined;
      let elements = 0;
      for (let r = 0; r < repeat; r++) {
        const s = performance.now();
        const dec = decomposeSlha(parseSlha(readFileSync(f, 'utf8'), f));
        // best SR per EM result: what SModelS 3.2.1 computes on this database (it ignores its covariance/jsonFiles tags)
        last = theoryPredictions(dec, results, { combineSRs: false });
        elements = dec.elements.length;
        best = Math.min(best, (performance.now() - s) / 1000);
      }
      // the same point with sigmap's SR combinations (simplified likelihood, pyhf), which SModelS does not compute here
      const c0 = performance.now();
      theoryPredictions(decomposeSlha(parseSlha(readFileSync(f, 'utf8'), f)), results, { combineSRs: true, pyhf: true });
      const combinedSeconds = (performance.now() - c0) / 1000;
      perFile.push({
        file: basename(f),
        seconds: best,
        combinedSeconds,
        elements,
        predictions: last!.predictions.length,
        rmax: last!.mostConstraining?.rObs,
        top: last!.mostConstraining?.resultFolder,
      });
    }
    const sigmapTotal = perFile.reduce((s, x) => s + x.seconds, 0);

    let peer: PeerTiming | undefined;
    let peerNote: string | undefined;
    if (!values['no-smodels']) {
      const python = process.env.SIGMAP_PYHF_PYTHON ?? join(homedir(), '.cache/sigmap/pyhf-venv/bin/python');
      const r = spawnSync(python, ['libs/peers/python/smodels_predict.py', '--live', ...files], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
        env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
      });
      if (r.status === 0) peer = JSON.parse(r.stdout.trim().split('\n').pop()!) as PeerTiming;
      else peerNote = `SModelS peer failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' | ')}`;
    } else peerNote = 'SModelS not run (--no-smodels)';
    const peerTotal = peer ? files.reduce((s, f) => s + (peer!.files[basename(f)]?.seconds ?? NaN), 0) : undefined;

    const rows = perFile.map((x) => {
      const p = peer?.files[x.file];
      return [
        x.file,
        `${x.elements}`,
        formatNumber(x.seconds),
        formatNumber(x.combinedSeconds),
        p ? formatNumber(p.seconds) : '-',
        p ? formatNumber(p.seconds / x.seconds) : '-',
        x.rmax === undefined ? '-' : formatNumber(x.rmax),
        p?.rmax == null ? '-' : formatNumber(p.rmax),
        x.top ?? '-',
      ];
    });
    process.stdout.write(
      formatTable(
        ['spectrum', 'SMS', 'sigmap_s', 'sigmap+comb_s', 'smodels_s', 'speedup', 'r_max sigmap', 'r_max smodels', 'most constraining (sigmap)'],
        rows,
      ),
    );
    const ptsSigmap = files.length / sigmapTotal;
    const ptsPeer = peerTotal ? files.length / peerTotal : undefined;
    process.stdout.write(
      `points/s: sigmap ${formatNumber(ptsSigmap)}${ptsPeer ? `, SModelS ${formatNumber(ptsPeer)} (x${formatNumber(ptsSigmap / ptsPeer)})` : ''}\n` +
        `database load: sigmap ${formatNumber(sigmapLoad)} s (${db.cache.hit ? 'cache' : 'parse and cache'} ${formatNumber(cacheLoad)} s + grid interpolators ${formatNumber(gridPrep)} s, ${results.length} results)${peer ? `, SModelS ${formatNumber(peer.databaseLoad_s)} s (pickle)` : ''}\n` +
        (peerNote ? `${peerNote}\n` : ''),
    );
    writeJsonFile(values.json ?? 'reports/bench/reinterpret.json', {
      bench: 'reinterpret',
      spectra: files.map((f) => basename(f)),
      repeat,
      sigmap: {
        pointsPerSecond: ptsSigmap,
        databaseLoad_s: sigmapLoad,
        cacheLoad_s: cacheLoad,
        gridPreparation_s: gridPrep,
        databaseCacheHit: db.cache.hit,
        results: results.length,
        files: perFile,
      },
      smodels: peer
        ? { tool: peer.tool, database: peer.database, pointsPerSecond: ptsPeer, databaseLoad_s: peer.databaseLoad_s, files: peer.files }
        : { note: peerNote },
      speedup: ptsPeer ? ptsSigmap / ptsPeer : undefined,
    });
    return 0;
  },
};
