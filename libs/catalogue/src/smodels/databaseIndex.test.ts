/**
 * The whole SModelS database v3.0.0 (shared/data/smodels_database_300, unpacked once into the cache) through
 * smodelsDatabase(): every result folder read or skipped with a warning, metadata joined, superseded flags kept, and
 * the parsed database cached so that a second process loads it from disk. Damaged copies of real folders (in a temp
 * database pointed at by SIGMAP_SMODELS_DB) give warnings naming the file and line, never a crash.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { currentResults, resultFolders, smodelsDatabase, smodelsDatabaseRoot } from './databaseIndex';
import { parsePythonLiteral } from './pythonLiteral';
import { resultCells } from './signatures';

const tmp = mkdtempSync(join(tmpdir(), 'sigmap-smdb-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the shipped database v3.0.0', () => {
  const db = smodelsDatabase();

  it('reads every result folder; the few it skips are warnings naming a file', () => {
    expect(db.version).toBe('3.0.0');
    const folders = resultFolders(db.root);
    expect(folders).toHaveLength(204); // shared/data/README.md: 204 result folders
    const skipped = db.warnings.filter((w) => w.message.startsWith('result skipped'));
    expect(db.results.length + skipped.length).toBe(204);
    expect(db.results.length).toBeGreaterThanOrEqual(200);
    for (const w of db.warnings) expect(w.file.startsWith(db.root)).toBe(true);
    expect(new Set(db.results.map((r) => r.id)).size).toBeGreaterThanOrEqual(160); // 163 analysis ids
  });

  it('keeps superseded flags, joins smodels-analyses.json metadata, reads covariances and pyhf json mappings', () => {
    expect(db.results.filter((r) => r.supersededBy).length).toBe(30);
    expect(currentResults(db).every((r) => !r.supersededBy)).toBe(true);
    const sb = db.results.find((r) => r.resultId === 'ATLAS-SUSY-2018-31-eff')!;
    expect(sb.metadata?.arXiv).toBe('1908.03122');
    expect(sb.lumiFb).toBe(139);
    expect(Object.keys(sb.jsonFiles ?? {}).sort()).toEqual(['simplifiedA.json', 'simplifiedB.json', 'simplifiedC.json']);
    const withCov = db.results.filter((r) => r.covariance);
    expect(withCov.length).toBeGreaterThanOrEqual(10);
    for (const r of withCov) expect(r.covariance!.length).toBe(r.datasetOrder!.length);
    expect(db.results.some((r) => r.datasets.some((d) => d.thirdMoment !== undefined))).toBe(true);
    // a CR entry of a pyhf mapping has no SModelS dataset
    const s19 = db.results.find((r) => r.resultId === 'ATLAS-SUSY-2019-08-eff')!;
    expect(Object.values(s19.jsonFiles!)[0].some((e) => e.smodels === null && e.type === 'CR')).toBe(true);
  });

  it('is cached: a fresh load (new process state) comes from the cache file', () => {
    const again = smodelsDatabase({ noCache: false, root: db.root, env: { ...process.env } });
    expect(again).toBe(db); // in memory
    expect(db.cache.file).toMatch(/smodels-index\/[0-9a-f]{20}\.v8$/);
  });

  it('places every current analysis in the signature matrix', () => {
    const unplaced = new Set<string>();
    let placed = 0;
    for (const r of currentResults(db)) {
      const c = resultCells(r);
      if (c.cells.length) placed++;
      c.unplaced.forEach((t) => unplaced.add(t));
    }
    expect(placed).toBe(currentResults(db).length);
    expect([...unplaced]).toEqual([]);
  });
});

describe('a user copy with damaged files (SIGMAP_SMODELS_DB)', () => {
  const src = smodelsDatabaseRoot();
  const root = join(tmp, 'db');
  const pick = ['13TeV/ATLAS/ATLAS-SUSY-2018-31-eff', '13TeV/CMS/CMS-SUS-16-036', '8TeV/ATLAS/ATLAS-SUSY-2013-05', '13TeV/CMS/CMS-EXO-19-012'];
  for (const p of pick) cpSync(join(src, p), join(root, p), { recursive: true });
  writeFileSync(join(root, 'version'), 'test-copy\n');
  // truncated txname file, a dataInfo with a non-number, a globalInfo with a broken covariance, a folder without data
  const tx = join(root, '13TeV/CMS/CMS-SUS-16-036/data/T2bb.txt');
  const txText = readFileSync(tx, 'utf8');
  writeFileSync(tx, txText.slice(0, Math.floor(txText.length / 2)));
  const di = join(root, '13TeV/ATLAS/ATLAS-SUSY-2018-31-eff/SRA_H/dataInfo.txt');
  writeFileSync(di, readFileSync(di, 'utf8').replace(/^observedN:.*$/m, 'observedN: many'));
  cpSync(join(src, '8TeV/ATLAS/ATLAS-SUSY-2013-05/globalInfo.txt'), join(root, '8TeV/ATLAS/EMPTY-RESULT/globalInfo.txt'));
  const env = { ...process.env, SIGMAP_SMODELS_DB: root, SIGMAP_CACHE: join(tmp, 'cache') };

  it('loads what it can and warns with file and line for each damaged file', () => {
    const db = smodelsDatabase({ env });
    expect(db.root).toBe(root);
    expect(db.version).toBe('test-copy');
    expect(db.results.map((r) => r.resultId).sort()).toEqual(['ATLAS-SUSY-2013-05', 'ATLAS-SUSY-2018-31-eff', 'CMS-EXO-19-012', 'CMS-SUS-16-036']);
    const w = (f: string) => db.warnings.filter((x) => x.file.endsWith(f));
    expect(w('CMS-SUS-16-036/data/T2bb.txt')).toHaveLength(1);
    expect(w('CMS-SUS-16-036/data/T2bb.txt')[0].line).toBe(txText.split('\n').findIndex((l) => l.startsWith('upperLimits:')) + 1);
    const d = w('SRA_H/dataInfo.txt');
    expect(d).toHaveLength(1);
    expect(d[0].message).toMatch(/observedN: expected a number, got 'many'/);
    expect(d[0].line).toBeGreaterThan(0);
    expect(db.warnings.some((x) => x.file.endsWith('EMPTY-RESULT') && /no dataset folders/.test(x.message))).toBe(true);
    // the damaged SR is left out, its siblings are there
    const sb = db.results.find((r) => r.resultId === 'ATLAS-SUSY-2018-31-eff')!;
    expect(sb.datasets.some((x) => x.dataId === 'SRA_H')).toBe(false);
    expect(sb.datasets.some((x) => x.dataId === 'SRA_M')).toBe(true);
    // the topology of the truncated file is still known to the coverage map
    const cms = db.results.find((r) => r.resultId === 'CMS-SUS-16-036')!;
    expect(cms.datasets[0].unreadTxNames?.map((t) => t.txName)).toContain('T2bb');
    expect(resultCells(cms).cells).toContainEqual({ kind: 'complex', id: 'sbottom' });
  });

  it('rebuilds its cache when a file changes, and reuses it otherwise', () => {
    const first = smodelsDatabase({ env, noCache: false });
    const file = first.cache.file;
    const fresh = smodelsDatabase({ env: { ...env }, root, noCache: true });
    expect(fresh.cache.hit).toBe(false);
    writeFileSync(tx, txText); // repaired
    const repaired = smodelsDatabase({ env, root, revalidate: true });
    expect(repaired.cache.file).not.toBe(file);
    expect(repaired.warnings.some((x) => x.file.endsWith('T2bb.txt'))).toBe(false);
  });

  it('refuses a folder that is not a database, naming SIGMAP_SMODELS_DB', () => {
    expect(() => smodelsDatabaseRoot({ ...env, SIGMAP_SMODELS_DB: join(tmp, 'nope') })).toThrow(/SIGMAP_SMODELS_DB: .* is not a folder/);
    expect(() => smodelsDatabaseRoot({ ...env, SIGMAP_SMODELS_DB: join(root, '13TeV') })).toThrow(/SIGMAP_SMODELS_DB: .*neither 13TeV\/ nor 8TeV\//);
  });
});

describe('Python literals of globalInfo.txt', () => {
  it('reads Python float syntax, None / True / False, tuples and trailing commas', () => {
    expect(parsePythonLiteral('[[ .61362, 0., 1e-3 ], [ 0., 2.809e-01, -4 ],]', 'covariance')).toEqual([
      [0.61362, 0, 0.001],
      [0, 0.2809, -4],
    ]);
    expect(parsePythonLiteral("{'BkgOnly.json': [{'pyhf': 'CR1', 'smodels': None, 'type': 'CR'}, ('a', True)]}", 'jsonFiles')).toEqual({
      'BkgOnly.json': [{ pyhf: 'CR1', smodels: null, type: 'CR' }, ['a', true]],
    });
  });
  it('refuses what is not a literal, naming the field and the character', () => {
    expect(() => parsePythonLiteral('[1, 2', 'covariance')).toThrow(/^covariance: expected ',' or '\]' at character 5/);
    expect(() => parsePythonLiteral("__import__('os')", 'jsonFiles')).toThrow(/^jsonFiles: expected a value at character 0/);
    expect(() => parsePythonLiteral('[1] 2', 'x')).toThrow(/unexpected text after the value/);
    expect(() => parsePythonLiteral('['.repeat(100), 'x')).toThrow(/nested deeper than 64 levels/);
  });
});
