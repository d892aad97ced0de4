import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { InputError, isInputError } from '@sigmap/contracts';
import { dataRoot } from '../paths';
import { loadSmodelsResult, type SmodelsResult } from './database';
import type { DatabaseWarning } from './infoFile';

/**
 * The whole SModelS database (v3.0.0 release layout: `<sqrts>TeV/<experiment>/<analysis>/globalInfo.txt` + one folder
 * per dataset), read once, cached on disk, and shared by the catalogue, the coverage map and the reinterpretation.
 *
 * Where it is: `$SIGMAP_SMODELS_DB` (any clone of the database release), else the copy unpacked from
 * `shared/data/smodels_database_300/smodels-database-300.tar.xz` into `$SIGMAP_SMODELS_CACHE`
 * (default `~/.cache/sigmap/smodels-database-300`), outside the clone so every clone shares it.
 */

/** Metadata of one analysis from the database's `smodels-analyses.json` (keyed there by INSPIRE id). */
export interface AnalysisMetadata {
  inspire: string;
  arXiv?: string;
  doi?: string;
  prettyName?: string;
  signatureType?: string;
}

export interface IndexedResult extends SmodelsResult {
  /**
   * The result's own name: its folder (`ATLAS-SUSY-2018-31-eff`). One analysis (globalInfo `id`, `ATLAS-SUSY-2018-31`)
   * can have several results: an upper-limit one and efficiency-map ones (-eff, -agg, -ma5, ...).
   */
  resultId: string;
  experiment: 'ATLAS' | 'CMS' | string;
  /** Folder relative to the database root (`13TeV/ATLAS/ATLAS-SUSY-2018-31-eff`). */
  path: string;
  metadata?: AnalysisMetadata;
}

export interface SmodelsDatabase {
  root: string;
  version: string;
  results: IndexedResult[];
  /** Files or result folders that could not be read, each skipped with the reason. */
  warnings: DatabaseWarning[];
  /** Where the parsed database was cached, and whether this load came from it. */
  cache: { file: string; hit: boolean };
  loadSeconds: number;
}

const ARCHIVE = 'smodels_database_300/smodels-database-300.tar.xz';
const READER_SOURCES = ['database.ts', 'txname.ts', 'infoFile.ts', 'pythonLiteral.ts', 'values.ts', 'databaseIndex.ts'];
/** Bump when the parsed shape changes, so stale caches are rebuilt. */
const INDEX_FORMAT = 4;

function sigmapCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SIGMAP_CACHE ? resolve(env.SIGMAP_CACHE) : join(homedir(), '.cache', 'sigmap');
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Unpacks the shipped v3.0.0 archive once (checked against its SHA256SUMS) into the cache. The unpacking goes to a
 * temporary folder that is renamed at the end, so a crash leaves no half database behind.
 */
function unpackShippedDatabase(target: string, env: NodeJS.ProcessEnv): void {
  const archive = join(dataRoot(env), ARCHIVE);
  if (!existsSync(archive))
    throw new InputError(
      'SIGMAP_SMODELS_DB',
      `is unset and the shipped database ${archive} is missing; point SIGMAP_SMODELS_DB at a clone of the SModelS database release`,
    );
  const sums = join(dataRoot(env), 'smodels_database_300', 'SHA256SUMS');
  if (existsSync(sums)) {
    const want = /^([0-9a-f]{64})\s+\*?smodels-database-300\.tar\.xz$/m.exec(readFileSync(sums, 'utf8'))?.[1];
    const got = sha256File(archive);
    if (want && want !== got) throw new InputError(archive, `sha256 ${got} differs from SHA256SUMS (${want}); the archive is damaged`);
  }
  const tmp = `${target}.unpacking-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    execFileSync('tar', ['-xJf', archive, '-C', tmp], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw new InputError(archive, `cannot unpack with tar -xJf (${(e as Error).message.split('\n')[0]})`);
  }
  // The release archive holds one top folder (smdb/); use it if so.
  const top = readdirSync(tmp);
  const inner = top.length === 1 && statSync(join(tmp, top[0])).isDirectory() ? join(tmp, top[0]) : tmp;
  if (existsSync(target)) rmSync(target, { recursive: true, force: true });
  renameSync(inner, target);
  rmSync(tmp, { recursive: true, force: true });
}

/** The database folder in use (unpacking the shipped one if needed). */
export function smodelsDatabaseRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SIGMAP_SMODELS_DB) {
    const root = resolve(env.SIGMAP_SMODELS_DB);
    if (!existsSync(root) || !statSync(root).isDirectory()) throw new InputError('SIGMAP_SMODELS_DB', `${root} is not a folder`);
    if (!['13TeV', '8TeV'].some((d) => existsSync(join(root, d))))
      throw new InputError('SIGMAP_SMODELS_DB', `${root} has neither 13TeV/ nor 8TeV/: not an SModelS database (a clone of the database release)`);
    return root;
  }
  const target = env.SIGMAP_SMODELS_CACHE ? resolve(env.SIGMAP_SMODELS_CACHE) : join(sigmapCacheDir(env), 'smodels-database-300');
  if (!existsSync(join(target, 'version'))) unpackShippedDatabase(target, env);
  return target;
}

/** Every result folder (the ones holding globalInfo.txt) under `<sqrts>/<experiment>/`. */
export function resultFolders(root: string): string[] {
  const out: string[] = [];
  const dirs = (p: string) =>
    existsSync(p)
      ? readdirSync(p)
          .filter((d) => statSync(join(p, d)).isDirectory())
          .sort()
      : [];
  for (const sqrts of dirs(root).filter((d) => /^\d+(\.\d+)?TeV$/.test(d)))
    for (const expt of dirs(join(root, sqrts)))
      for (const ana of dirs(join(root, sqrts, expt))) if (existsSync(join(root, sqrts, expt, ana, 'globalInfo.txt'))) out.push(join(sqrts, expt, ana));
  return out;
}

/** A fingerprint of every file's path, size and modification time: a changed or truncated file rebuilds the cache. */
function fingerprint(root: string, folders: string[]): string {
  const h = createHash('sha256');
  h.update(`format ${INDEX_FORMAT}\n${root}\n`);
  // the reader's own source: a changed parser rebuilds the cache
  for (const f of READER_SOURCES) if (existsSync(join(__dirname, f))) h.update(readFileSync(join(__dirname, f)));
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const p = join(rel, name);
      const st = statSync(join(root, p));
      if (st.isDirectory()) walk(p);
      else if (name.endsWith('.txt') || name.endsWith('.json')) h.update(`${p} ${st.size} ${st.mtimeMs}\n`);
    }
  };
  for (const f of folders) walk(f);
  for (const f of ['version', 'smodels-analyses.json']) if (existsSync(join(root, f))) h.update(`${f} ${statSync(join(root, f)).mtimeMs}\n`);
  return h.digest('hex').slice(0, 20);
}

function readMetadata(root: string, warnings: DatabaseWarning[]): Map<string, AnalysisMetadata> {
  const file = join(root, 'smodels-analyses.json');
  const out = new Map<string, AnalysisMetadata>();
  if (!existsSync(file)) return out;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    warnings.push({ file, message: `not JSON (${(e as Error).message}); analysis metadata (INSPIRE, DOI, signature type) left out` });
    return out;
  }
  const analyses = (json as { analyses?: Record<string, Record<string, unknown>> }).analyses;
  if (typeof analyses !== 'object' || analyses === null) {
    warnings.push({ file, message: "no 'analyses' object; analysis metadata left out" });
    return out;
  }
  const str = (x: unknown) => (typeof x === 'string' && x.trim() ? x.trim() : undefined);
  for (const [inspire, a] of Object.entries(analyses)) {
    const id = str(a?.anaID);
    if (!id) {
      warnings.push({ file, message: `analyses.${inspire}: no anaID; entry skipped` });
      continue;
    }
    out.set(id, { inspire, arXiv: str(a.arXiv), doi: str(a.publication), prettyName: str(a.prettyName), signatureType: str(a.signatureType) });
  }
  return out;
}

function parseDatabase(root: string, folders: string[]): Omit<SmodelsDatabase, 'cache' | 'loadSeconds'> {
  const warnings: DatabaseWarning[] = [];
  const metadata = readMetadata(root, warnings);
  const results: IndexedResult[] = [];
  for (const rel of folders) {
    try {
      const r = loadSmodelsResult(join(root, rel), { onWarning: (w) => warnings.push(w) });
      results.push({ ...r, resultId: basename(rel), experiment: rel.split('/')[1], path: rel, metadata: metadata.get(r.id) });
    } catch (e) {
      if (!isInputError(e)) throw e;
      warnings.push({ file: e.field.includes('/') ? e.field.split(':')[0] : join(root, rel), message: `result skipped: ${e.message}` });
    }
  }
  const versionFile = join(root, 'version');
  const version = existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim() : 'unknown';
  return { root, version, results, warnings };
}

const loaded = new Map<string, SmodelsDatabase>();

/**
 * The parsed database: from memory, else from the on-disk cache (`$SIGMAP_CACHE/smodels-index/<fingerprint>.v8`,
 * a V8 serialisation: a few seconds for the whole database), else parsed from the text files and cached.
 */
export function smodelsDatabase(opts: { root?: string; env?: NodeJS.ProcessEnv; noCache?: boolean; revalidate?: boolean } = {}): SmodelsDatabase {
  const env = opts.env ?? process.env;
  const root = opts.root ? resolve(opts.root) : smodelsDatabaseRoot(env);
  const mem = loaded.get(root);
  // the in-memory copy is trusted for the process's life unless asked to check the files again
  if (mem && !opts.noCache && !opts.revalidate) return mem;
  const t0 = performance.now();
  const folders = resultFolders(root);
  if (folders.length === 0)
    throw new InputError(opts.root ? 'root' : 'SIGMAP_SMODELS_DB', `${root} holds no result folders (<sqrts>TeV/<experiment>/<analysis>/globalInfo.txt)`);
  const dir = join(sigmapCacheDir(env), 'smodels-index');
  const file = join(dir, `${fingerprint(root, folders)}.v8`);
  if (mem && !opts.noCache && mem.cache.file === file) return mem;
  let db: SmodelsDatabase | undefined;
  if (!opts.noCache && existsSync(file)) {
    try {
      const parsed = deserialize(readFileSync(file)) as Omit<SmodelsDatabase, 'cache' | 'loadSeconds'>;
      db = { ...parsed, cache: { file, hit: true }, loadSeconds: 0 };
    } catch {
      db = undefined; // a damaged cache file is rebuilt below
    }
  }
  if (!db) {
    const parsed = parseDatabase(root, folders);
    if (!opts.noCache) {
      mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, serialize(parsed));
      renameSync(tmp, file);
    }
    db = { ...parsed, cache: { file, hit: false }, loadSeconds: 0 };
  }
  db.loadSeconds = (performance.now() - t0) / 1000;
  loaded.set(root, db);
  return db;
}

/** Results SModelS uses by default: not superseded by another result of the database. */
export function currentResults(db: SmodelsDatabase): IndexedResult[] {
  return db.results.filter((r) => !r.supersededBy);
}
