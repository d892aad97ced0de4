import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { InputError, isInputError } from '@sigmap/contracts';
import { parseInfoFile, warningFor, type DatabaseWarning } from './infoFile';
import { parsePythonLiteral } from './pythonLiteral';
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
  /** Third moment of the background (SLv2, arXiv:1809.05548), when the dataset gives one. */
  thirdMoment?: number;
  /** Signal regions this one aggregates (`aggregated`: CMS aggregated SRs), when it is an aggregate. */
  aggregated?: string;
  txNames: SmodelsTxName[];
  /**
   * Txname files whose maps could not be read (each one also a warning): the topology the result constrains is still
   * known (for the coverage map), but there is no map to compute a limit with.
   */
  unreadTxNames?: { txName: string; constraint?: string; file: string }[];
}

/** One channel of a pyhf background-only workspace named in `jsonFiles`: its SModelS dataset (null: a control region). */
export interface JsonFileRegion {
  smodels: string | null;
  pyhf?: string;
  /** 'SR' or 'CR' where the file says. */
  type?: string;
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
  jsonFiles?: Record<string, JsonFileRegion[]>;
  /** `includeCRs` (SModelS default False): control regions stay in the pyhf likelihoods (else they are removed). */
  includeCRs?: boolean;
  /** `signalUncertainty`: relative signal uncertainty SModelS adds to the pyhf likelihoods. */
  signalUncertainty?: number;
  combinableWith?: string[];
  /** The analysis that supersedes this one (`supersededBy`); SModelS leaves superseded results out by default. */
  supersededBy?: string;
  supersedes?: string;
  publicationDOI?: string;
  /** `type` of globalInfo (e.g. 'displaced'); prompt when absent. */
  resultType?: string;
  datasets: SmodelsDataset[];
  /** Every file read, relative to `folder`. */
  files: string[];
}

/** A numeric field's text without a trailing `# comment` (the database annotates some values). */
function numericText(fields: Map<string, string>, key: string): string | undefined {
  return fields
    .get(key)
    ?.replace(/\s+#.*$/s, '')
    .trim();
}

function num(fields: Map<string, string>, key: string, source: string): number | undefined {
  const raw = numericText(fields, key);
  if (raw === undefined || raw === 'None') return undefined;
  const x = Number(raw);
  if (!Number.isFinite(x)) throw new InputError(`${source}:${key}`, `expected a number, got '${raw}'`);
  return x;
}

function xsecField(fields: Map<string, string>, key: string, source: string): number | undefined {
  const raw = numericText(fields, key);
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

export interface LoadOptions {
  /**
   * Called for a txname file or dataset that cannot be read; it is then skipped and the rest of the result loads.
   * Without it, the first problem throws (the caller registering one result wants to know).
   */
  onWarning?: (w: DatabaseWarning) => void;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(path, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Runs `read` on one file; an InputError becomes a warning (with the line of the field it names) when allowed. */
function tolerant<T>(path: string, text: string | undefined, opts: LoadOptions, read: () => T): T | undefined {
  if (!opts.onWarning) return read();
  try {
    return read();
  } catch (e) {
    if (!isInputError(e)) throw e;
    opts.onWarning(warningFor(path, text, e));
    return undefined;
  }
}

/** txName and constraint of a txname file whose map failed to parse (none when even the header is unreadable). */
function unreadHeader(text: string, file: string): { txName: string; constraint?: string; file: string } | undefined {
  try {
    const f = parseInfoFile(text, file);
    const txName = f.get('txName');
    return txName ? { txName, constraint: f.get('constraint'), file } : undefined;
  } catch {
    return undefined;
  }
}

function readDataset(folder: string, d: string, files: string[], opts: LoadOptions): SmodelsDataset | undefined {
  const dpath = join(folder, d, 'dataInfo.txt');
  const text = readText(dpath);
  return tolerant(dpath, text, opts, () => {
    const info = parseInfoFile(text, dpath);
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
      thirdMoment: num(info, 'thirdMoment', dpath),
      aggregated: info.get('aggregated'),
      txNames: [],
    };
    if (dt === 'efficiencyMap') {
      for (const k of ['observedN', 'expectedBG', 'bgError'] as const)
        if (ds[k] === undefined) throw new InputError(`${dpath}:${k}`, 'an efficiency-map dataset needs observedN, expectedBG and bgError');
      if (ds.expectedBG! < 0 || ds.bgError! < 0 || ds.observedN! < 0)
        throw new InputError(
          `${dpath}:${ds.observedN! < 0 ? 'observedN' : ds.expectedBG! < 0 ? 'expectedBG' : 'bgError'}`,
          'observedN, expectedBG and bgError must be >= 0',
        );
    }
    files.push(relative(folder, dpath));
    for (const f of readdirSync(join(folder, d))
      .filter((x) => x.endsWith('.txt') && x !== 'dataInfo.txt')
      .sort()) {
      const fpath = join(folder, d, f);
      const ftext = readText(fpath);
      const tx = tolerant(fpath, ftext, opts, () => {
        const t = parseTxNameFile(ftext, fpath);
        if (t && t.dataType !== dt) throw new InputError(fpath, `holds ${t.dataType} data in a ${dt} dataset`);
        return t;
      });
      if (!tx) {
        const header = unreadHeader(ftext, fpath);
        if (header) (ds.unreadTxNames ??= []).push(header);
        continue;
      }
      files.push(relative(folder, fpath));
      ds.txNames.push(tx);
    }
    return ds;
  });
}

/** Load one experimental result folder (the one holding globalInfo.txt). */
export function loadSmodelsResult(folder: string, opts: LoadOptions = {}): SmodelsResult {
  const gpath = join(folder, 'globalInfo.txt');
  if (!existsSync(gpath)) throw new InputError(folder, 'no globalInfo.txt: not an SModelS result folder');
  const gtext = readText(gpath);
  const g = parseInfoFile(gtext, gpath);
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
    publicationDOI: g.get('publicationDOI'),
    supersededBy: g.get('supersededBy')?.trim() || undefined,
    supersedes: g.get('supersedes')?.trim() || undefined,
    resultType: g.get('type')?.trim() || undefined,
    datasets: [],
    files,
  };
  // A malformed optional block (covariance, jsonFiles) drops that block only: the result still has its maps.
  const optional = (key: string, read: (raw: string) => void) => {
    const raw = g.get(key);
    if (raw !== undefined) tolerant(gpath, gtext, opts, () => read(raw));
  };
  optional('datasetOrder', (order) => {
    // Either a Python list (['SR1', 'SR2']) or a bare comma-separated list of quoted names ("SR1", "SR2").
    const list = parsePythonLiteral(order.trim().startsWith('[') ? order : `[${order}]`, `${gpath}:datasetOrder`);
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw new InputError(`${gpath}:datasetOrder`, 'expected a list of dataset names');
    result.datasetOrder = list as string[];
  });
  optional('covariance', (cov) => {
    const c = parsePythonLiteral(cov, `${gpath}:covariance`);
    if (!Array.isArray(c) || !c.every((r) => Array.isArray(r) && r.length === c.length && r.every((x) => typeof x === 'number' && Number.isFinite(x))))
      throw new InputError(`${gpath}:covariance`, 'expected a square matrix of numbers');
    const n = result.datasetOrder?.length ?? 0;
    if (c.length !== n) throw new InputError(`${gpath}:covariance`, `is ${c.length}x${c.length} but datasetOrder names ${n} datasets`);
    result.covariance = c as number[][];
  });
  optional('jsonFiles', (jf) => {
    const j = parsePythonLiteral(jf, `${gpath}:jsonFiles`);
    if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new InputError(`${gpath}:jsonFiles`, 'expected a dict of file -> signal regions');
    result.jsonFiles = Object.fromEntries(
      Object.entries(j as Record<string, unknown>).map(([k, list]) => {
        if (!Array.isArray(list)) throw new InputError(`${gpath}:jsonFiles`, `${k}: expected a list of signal regions`);
        return [
          k,
          list.map((e) => {
            if (typeof e === 'string') return { smodels: e };
            // {pyhf, smodels, type}: a pyhf channel; smodels None (or absent) marks a control region without signal.
            if (typeof e === 'object' && e !== null && !Array.isArray(e)) {
              const { smodels, pyhf, type } = e as Record<string, unknown>;
              if (
                (smodels === undefined || smodels === null || typeof smodels === 'string') &&
                (pyhf === undefined || typeof pyhf === 'string') &&
                (type === undefined || typeof type === 'string') &&
                (smodels || pyhf)
              )
                return { smodels: (smodels as string | null | undefined) ?? null, pyhf: pyhf as string | undefined, type: type as string | undefined };
            }
            throw new InputError(`${gpath}:jsonFiles`, `${k}: expected a signal-region name or {smodels, pyhf, type}`);
          }),
        ];
      }),
    );
  });
  optional('includeCRs', (v) => {
    const t = v.trim();
    if (t !== 'True' && t !== 'False') throw new InputError(`${gpath}:includeCRs`, `expected True or False, got '${t}'`);
    result.includeCRs = t === 'True';
  });
  optional('signalUncertainty', (v) => {
    const u = Number(v.replace(/\s+#.*$/s, '').trim());
    if (!Number.isFinite(u) || u < 0 || u >= 1)
      throw new InputError(`${gpath}:signalUncertainty`, `expected a relative uncertainty in [0, 1), got '${v.trim()}'`);
    result.signalUncertainty = u;
  });
  optional(
    'combinableWith',
    (cw) =>
      (result.combinableWith = cw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)),
  );

  const subdirs = readdirSync(folder)
    .filter((d) => statSync(join(folder, d)).isDirectory() && existsSync(join(folder, d, 'dataInfo.txt')))
    .sort();
  for (const d of subdirs) {
    const ds = readDataset(folder, d, files, opts);
    if (ds) result.datasets.push(ds);
  }
  if (result.datasets.length === 0) throw new InputError(folder, 'no dataset folders with dataInfo.txt');
  if (result.datasetOrder && result.covariance) {
    const missing = result.datasetOrder.filter((id) => !result.datasets.some((d) => d.dataId === id));
    if (missing.length) {
      const w = { field: `${gpath}:datasetOrder`, problem: `names ${missing.join(', ')}, not datasets of the result; the covariance is not used` };
      if (!opts.onWarning) throw new InputError(w.field, w.problem);
      opts.onWarning(warningFor(gpath, gtext, w));
      delete result.covariance;
    }
  }
  return result;
}
