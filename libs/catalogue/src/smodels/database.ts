import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { InputError } from '@sigmap/contracts';
import { parseInfoFile } from './infoFile';
import { parseValue, xsecPb } from './values';
export * from './infoFile';
import { parseTxNameFile, type SmodelsTxName } from './txname';
export * from './txname';

/**
 * Reader for the SModelS text database (one experimental result = one folder with `globalInfo.txt` and one
 * folder per dataset holding `dataInfo.txt` and one `<TxName>.txt` per simplified model), as documented in
 * SModelS docs/manual/source/DatabaseStructure.rst. Numbers come out in GeV (masses), pb (cross sections) and fb^-1.
 */

export interface SmodelsDataset {
  dataId: string | null;
  dataType: 'upperLimit' | 'efficiencyMap';
  folder: string;
  observedN?: number;
  expectedBG?: number;
  bgError?: number;
  /** Per-SR 95% CL upper limits on the visible cross section (pb). */
  upperLimitPb?: number;
  expectedUpperLimitPb?: number;
  txNames: SmodelsTxName[];
}

export interface SmodelsResult {
  id: string;
  folder: string;
  sqrtsTeV: number;
  lumiFb: number;
  prettyName?: string;
  url?: string;
  arxiv?: string;
  publication?: string;
  /** Dataset order for a covariance matrix, when the result gives one. */
  datasetOrder?: string[];
  covariance?: number[][];
  /** pyhf background-only files and the datasets (signal regions) each one holds. */
  jsonFiles?: Record<string, { smodels: string; pyhf?: string }[]>;
  combinableWith?: string[];
  datasets: SmodelsDataset[];
  /** Every file read, relative to `folder`. */
  files: string[];
}

function num(fields: Map<string, string>, key: string, source: string): number | undefined {
  const raw = fields.get(key);
  if (raw === undefined || raw === 'None') return undefined;
  const x = Number(raw);
  if (!Number.isFinite(x)) throw new InputError(`${source}:${key}`, `expected a number, got '${raw}'`);
  return x;
}

function xsecField(fields: Map<string, string>, key: string, source: string): number | undefined {
  const raw = fields.get(key);
  if (raw === undefined || raw === 'None') return undefined;
  return xsecPb(parseValue(raw, `${source}:${key}`), `${source}:${key}`);
}

function parseSqrts(raw: string | undefined, source: string): number {
  const m = raw ? /^\s*([0-9.]+)\s*\*\s*TeV\s*$/.exec(raw) : null;
  if (!m) throw new InputError(`${source}:sqrts`, `expected '<number>*TeV', got '${raw ?? ''}'`);
  return Number(m[1]);
}

function parseLumi(raw: string | undefined, source: string): number {
  const m = raw ? /^\s*([0-9.eE+-]+)\s*\/\s*(fb|pb)\s*$/.exec(raw) : null;
  if (!m || !Number.isFinite(Number(m[1]))) throw new InputError(`${source}:lumi`, `expected '<number>/fb' or '<number>/pb', got '${raw ?? ''}'`);
  return m[2] === 'fb' ? Number(m[1]) : Number(m[1]) / 1000;
}

/** A python-literal dict/list of plain strings and numbers, read as JSON after swapping quotes. */
function pythonLiteral(raw: string, field: string): unknown {
  try {
    return JSON.parse(raw.replace(/'/g, '"').replace(/,\s*([}\]])/g, '$1'));
  } catch (e) {
    throw new InputError(field, `cannot read ${raw.slice(0, 40)}... (${(e as Error).message})`);
  }
}

/** Load one experimental result folder (the one holding globalInfo.txt). */
export function loadSmodelsResult(folder: string): SmodelsResult {
  const gpath = join(folder, 'globalInfo.txt');
  if (!existsSync(gpath)) throw new InputError(folder, 'no globalInfo.txt: not an SModelS result folder');
  const g = parseInfoFile(readFileSync(gpath, 'utf8'), gpath);
  const id = g.get('id');
  if (!id) throw new InputError(`${gpath}:id`, 'missing');
  const files = ['globalInfo.txt'];
  const result: SmodelsResult = {
    id,
    folder,
    sqrtsTeV: parseSqrts(g.get('sqrts'), gpath),
    lumiFb: parseLumi(g.get('lumi'), gpath),
    prettyName: g.get('prettyName'),
    url: g.get('url'),
    arxiv: g.get('arxiv'),
    publication: g.get('publication'),
    datasets: [],
    files,
  };
  const order = g.get('datasetOrder');
  if (order) result.datasetOrder = order.split(',').map((s) => s.trim().replace(/^["']|["']$/g, ''));
  const cov = g.get('covariance');
  if (cov) {
    const c = pythonLiteral(cov, `${gpath}:covariance`);
    if (!Array.isArray(c) || !c.every((r) => Array.isArray(r) && r.length === c.length && r.every((x) => typeof x === 'number')))
      throw new InputError(`${gpath}:covariance`, 'expected a square matrix of numbers');
    result.covariance = c as number[][];
  }
  const jf = g.get('jsonFiles');
  if (jf) {
    const j = pythonLiteral(jf, `${gpath}:jsonFiles`) as Record<string, unknown[]>;
    result.jsonFiles = Object.fromEntries(
      Object.entries(j).map(([k, list]) => [k, (list ?? []).map((e) => (typeof e === 'string' ? { smodels: e } : (e as { smodels: string; pyhf?: string })))]),
    );
  }
  const cw = g.get('combinableWith');
  if (cw) result.combinableWith = cw.split(',').map((s) => s.trim()).filter(Boolean);

  const subdirs = readdirSync(folder)
    .filter((d) => statSync(join(folder, d)).isDirectory())
    .sort();
  for (const d of subdirs) {
    const dpath = join(folder, d, 'dataInfo.txt');
    if (!existsSync(dpath)) continue;
    const info = parseInfoFile(readFileSync(dpath, 'utf8'), dpath);
    files.push(relative(folder, dpath));
    const dt = info.get('dataType');
    if (dt !== 'upperLimit' && dt !== 'efficiencyMap') throw new InputError(`${dpath}:dataType`, `expected upperLimit or efficiencyMap, got '${dt ?? ''}'`);
    const dataId = info.get('dataId');
    const ds: SmodelsDataset = {
      dataId: !dataId || dataId === 'None' ? null : dataId,
      dataType: dt,
      folder: d,
      observedN: num(info, 'observedN', dpath),
      expectedBG: num(info, 'expectedBG', dpath),
      bgError: num(info, 'bgError', dpath),
      upperLimitPb: xsecField(info, 'upperLimit', dpath),
      expectedUpperLimitPb: xsecField(info, 'expectedUpperLimit', dpath),
      txNames: [],
    };
    if (dt === 'efficiencyMap') {
      for (const k of ['observedN', 'expectedBG', 'bgError'] as const)
        if (ds[k] === undefined) throw new InputError(`${dpath}:${k}`, 'an efficiency-map dataset needs observedN, expectedBG and bgError');
      if (ds.expectedBG! < 0 || ds.bgError! < 0 || ds.observedN! < 0) throw new InputError(dpath, 'observedN, expectedBG and bgError must be >= 0');
    }
    for (const f of readdirSync(join(folder, d)).filter((x) => x.endsWith('.txt') && x !== 'dataInfo.txt').sort()) {
      const fpath = join(folder, d, f);
      const tx = parseTxNameFile(readFileSync(fpath, 'utf8'), fpath);
      if (!tx) continue;
      if (tx.dataType !== dt) throw new InputError(fpath, `holds ${tx.dataType} data in a ${dt} dataset`);
      files.push(relative(folder, fpath));
      ds.txNames.push(tx);
    }
    result.datasets.push(ds);
  }
  if (result.datasets.length === 0) throw new InputError(folder, 'no dataset folders with dataInfo.txt');
  if (result.covariance) {
    const n = result.datasetOrder?.length ?? 0;
    if (result.covariance.length !== n) throw new InputError(`${gpath}:covariance`, `is ${result.covariance.length}x${result.covariance.length} but datasetOrder names ${n} datasets`);
  }
  return result;
}

export function txNameLabel(result: SmodelsResult, ds: SmodelsDataset, tx: SmodelsTxName): string {
  return `${result.id}:${ds.dataId ?? 'UL'}:${tx.txName} (${basename(tx.file)})`;
}
