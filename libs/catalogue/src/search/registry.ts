import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError } from '@sigmap/contracts';
import { readPatchArchive } from '../archive/sbottom';
import { family as familyByName, signaturePair, type Signature } from '../families/family';
import { bundledRegistryPath, dataRoot, userRegistryPath } from '../paths';
import { loadSmodelsResult } from '../smodels/database';
import { loadArchive, patchFolderFiles } from './pyhf';
import { validateRecord, type Material, type ProvenanceFile, type PyhfSettings, type SearchRecord } from './record';

export interface Registry {
  version: 1;
  searches: SearchRecord[];
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function readRegistry(path: string): Registry {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(path, `cannot read the catalogue (${(e as Error).message})`);
  }
  const r = json as Registry;
  if (!r || r.version !== 1 || !Array.isArray(r.searches)) throw new InputError(path, 'expected {version: 1, searches: [...]}');
  const seen = new Set<string>();
  r.searches = r.searches.map((s, i) => {
    const rec = validateRecord(s, `${path}: searches[${i}]`);
    if (seen.has(rec.id)) throw new InputError(path, `search id '${rec.id}' appears twice`);
    seen.add(rec.id);
    return rec;
  });
  return r;
}

export interface CatalogueEntry {
  record: SearchRecord;
  source: 'bundled' | 'user';
}

/** The bundled searches plus the user's registry (a user record may not reuse a bundled id). */
export function loadCatalogue(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): CatalogueEntry[] {
  const out: CatalogueEntry[] = readRegistry(bundledRegistryPath).searches.map((record) => ({ record, source: 'bundled' as const }));
  const userPath = userRegistryPath(env, cwd);
  if (existsSync(userPath)) {
    for (const record of readRegistry(userPath).searches) {
      if (out.some((e) => e.record.id === record.id)) throw new InputError(userPath, `search id '${record.id}' is already a bundled search`);
      out.push({ record, source: 'user' });
    }
  }
  return out;
}

/** Root directory the provenance paths of a record are relative to. */
function materialRoot(record: SearchRecord, root = dataRoot()): string {
  const m = record.material;
  const p = m.kind === 'pyhf-patchset' ? m.workspace : m.path;
  return isAbsolute(p) ? (m.kind === 'smodels' ? p : dirname(p)) : m.kind === 'smodels' ? join(root, p) : root;
}

export interface ProvenanceCheck {
  ok: boolean;
  problems: string[];
}

/** Re-hash every material file and compare with the recorded sha256. */
export function verifyProvenance(record: SearchRecord, root = dataRoot()): ProvenanceCheck {
  const base = materialRoot(record, root);
  const problems: string[] = [];
  for (const f of record.provenance.files) {
    const p = join(base, f.path);
    if (!existsSync(p)) problems.push(`${f.path}: missing`);
    else if (sha256File(p) !== f.sha256) problems.push(`${f.path}: sha256 differs from the registered one`);
  }
  return { ok: problems.length === 0, problems };
}

function provenanceFiles(base: string, files: string[]): ProvenanceFile[] {
  return files.map((f) => {
    const abs = join(base, f);
    return { path: f, sha256: sha256File(abs), bytes: statSync(abs).size };
  });
}

export interface AddOptions {
  id?: string;
  experiment?: string;
  sqrtsTeV?: number;
  lumiFb?: number;
  title?: string;
  families?: string[];
  signatures?: Signature[];
  /** pyhf: family parameters in the order of the patch values. */
  valueParameters?: string[];
  regionHandling?: 'best-expected' | 'combine';
  settings?: Partial<PyhfSettings>;
  hepdata?: string;
  doi?: string;
  arxiv?: string;
  url?: string;
  /** smodels: per family, the txName and mass array template. */
  txNames?: { family: string; txName: string; masses: (string | number)[][] }[];
  patchset?: string;
  excludeDatasets?: string[];
  pyhfWorkspaces?: Record<string, { path: string; region?: string }>;
}

const DEFAULT_SETTINGS: PyhfSettings = { normsysInterp: 'code4', histosysInterp: 'code4p', testStat: 'qtilde', calctype: 'asymptotics' };

/** Parse `a:b,c:d` signature pairs (class complex unless `a:b@resonance-mixed`). */
export function parseSignatures(text: string): Signature[] {
  return text.split(',').map((s) => {
    const [pairText, cls = 'complex'] = s.trim().split('@');
    const [a, b] = pairText.split(':');
    if (!a || !b) throw new InputError('--signatures', `expected pairs like b:H, got '${s}'`);
    if (!['resonance-same', 'resonance-mixed', 'complex'].includes(cls)) throw new InputError('--signatures', `unknown class '${cls}'`);
    return { pair: signaturePair(a, b, '--signatures'), class: cls as Signature['class'] };
  });
}

/**
 * Build a validated record for material at `path` (absolute or relative to cwd): an SModelS result folder,
 * a HEPData patch archive (.tar.gz) or a folder of <Region>/BkgOnly.json + patch files packed as one, or a
 * background-only workspace JSON with `patchset`. The material is read in full to validate it.
 */
export function buildRecord(pathArg: string, opts: AddOptions, root = dataRoot(), cwd = process.cwd()): SearchRecord {
  const abs = resolve(cwd, pathArg);
  if (!existsSync(abs)) throw new InputError(pathArg, 'no such file or folder');
  const rel = relative(root, abs);
  const stored = rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
  const families = opts.families ?? [];
  for (const f of families) familyByName(f);
  let material: Material;
  let files: ProvenanceFile[];
  let id = opts.id;
  let experiment = opts.experiment;
  let sqrtsTeV = opts.sqrtsTeV;
  let lumiFb = opts.lumiFb;
  let title = opts.title;
  const prov: SearchRecord['provenance'] = { hepdata: opts.hepdata, doi: opts.doi, arxiv: opts.arxiv, url: opts.url, files: [] };
  const isDir = statSync(abs).isDirectory();
  if (isDir && !existsSync(join(abs, 'globalInfo.txt'))) {
    // an extracted likelihood archive: <Region>/BkgOnly.json + <Region>/patch.<name>.json
    const regions = loadArchive(abs);
    const vp = opts.valueParameters;
    if (!vp || vp.length === 0) throw new InputError('--params', 'name the family parameters of the patch values, in order (e.g. m_sbottom,m_chi2,m_chi1)');
    for (const r of regions)
      for (const p of r.patches)
        if (p.values.length !== vp.length)
          throw new InputError(`${pathArg}/${r.region}/patch.${p.name}.json`, `name carries ${p.values.length} values, --params names ${vp.length}`);
    if (regions.every((r) => r.patches.length === 0)) throw new InputError(pathArg, 'the folder holds no signal patches');
    material = {
      kind: 'pyhf-archive',
      path: stored,
      valueParameters: vp,
      regions: regions.map((r) => r.region),
      regionHandling: opts.regionHandling ?? 'best-expected',
      settings: { ...DEFAULT_SETTINGS, ...opts.settings },
    };
    const inner = patchFolderFiles(abs);
    files =
      stored === abs
        ? provenanceFiles(abs, inner).map((f) => ({ ...f, path: join(basename(abs), f.path) }))
        : provenanceFiles(
            root,
            inner.map((f) => join(rel, f)),
          );
  } else if (isDir) {
    const res = loadSmodelsResult(abs);
    id ??= res.id;
    experiment ??= res.id.split('-')[0];
    sqrtsTeV ??= res.sqrtsTeV;
    lumiFb ??= res.lumiFb;
    title ??= res.prettyName;
    prov.arxiv ??= res.arxiv;
    prov.url ??= res.url;
    const types = new Set(res.datasets.map((d) => d.dataType));
    if (types.size !== 1) throw new InputError(pathArg, 'mixes upper-limit and efficiency-map datasets');
    const txNames = opts.txNames ?? [];
    for (const t of txNames) {
      familyByName(t.family);
      if (!res.datasets.some((d) => d.txNames.some((x) => x.txName === t.txName))) throw new InputError('--txname', `${res.id} has no txName ${t.txName}`);
      const shape = res.datasets.flatMap((d) => d.txNames.filter((x) => x.txName === t.txName)).map((x) => x.observed.shape.join(','));
      if (shape.some((s) => s !== t.masses.map((b) => b.length).join(',')))
        throw new InputError('--masses', `branch lengths [${t.masses.map((b) => b.length)}] do not match ${t.txName}'s grid [${shape[0]}]`);
    }
    material = { kind: 'smodels', path: stored, dataType: [...types][0], txNames, ...(opts.excludeDatasets ? { excludeDatasets: opts.excludeDatasets } : {}) };
    files = provenanceFiles(abs, res.files);
    if (opts.pyhfWorkspaces) {
      if (!res.jsonFiles) throw new InputError('pyhfWorkspaces', `${res.id} names no jsonFiles`);
      for (const [file, src] of Object.entries(opts.pyhfWorkspaces)) {
        if (!(file in res.jsonFiles))
          throw new InputError('pyhfWorkspaces', `${file} is not one of ${res.id}'s jsonFiles (${Object.keys(res.jsonFiles).join(', ')})`);
        const p = isAbsolute(src.path) ? src.path : join(root, src.path);
        if (!existsSync(p)) throw new InputError(`pyhfWorkspaces.${file}`, `${src.path} does not exist`);
        if (src.region && !loadArchive(p).some((r) => r.region === src.region))
          throw new InputError(`pyhfWorkspaces.${file}`, `no region ${src.region} in ${src.path}`);
        const relToResult = relative(abs, p);
        if (!files.some((f) => f.path === relToResult)) files.push(...provenanceFiles(abs, [relToResult]));
      }
      material.pyhfWorkspaces = opts.pyhfWorkspaces;
    }
  } else if (/\.(tar\.gz|tgz|tar)$/.test(abs)) {
    const regions = readPatchArchive(readFileSync(abs), basename(abs));
    const vp = opts.valueParameters;
    if (!vp || vp.length === 0) throw new InputError('--params', 'name the family parameters of the patch values, in order (e.g. m_sbottom,m_chi2,m_chi1)');
    for (const r of regions)
      for (const p of r.patches)
        if (p.values.length !== vp.length)
          throw new InputError(`${basename(abs)}:${r.region}/patch.${p.name}.json`, `name carries ${p.values.length} values, --params names ${vp.length}`);
    if (regions.every((r) => r.patches.length === 0)) throw new InputError(pathArg, 'the archive holds no signal patches');
    material = {
      kind: 'pyhf-archive',
      path: stored,
      valueParameters: vp,
      regions: regions.map((r) => r.region),
      regionHandling: opts.regionHandling ?? 'best-expected',
      settings: { ...DEFAULT_SETTINGS, ...opts.settings },
    };
    files = stored === abs ? provenanceFiles(dirname(abs), [basename(abs)]) : provenanceFiles(root, [rel]);
  } else if (abs.endsWith('.json')) {
    if (!opts.patchset) throw new InputError('--patchset', 'a workspace needs its PatchSet (--patchset FILE)');
    const ps = resolve(cwd, opts.patchset);
    const ws = readJson(abs);
    if (!ws || typeof ws !== 'object' || !Array.isArray((ws as { channels?: unknown }).channels))
      throw new InputError(pathArg, 'not a pyhf workspace (no channels)');
    const patchset = readJson(ps) as {
      metadata?: { labels?: string[]; references?: { hepdata?: string } };
      patches?: { metadata?: { name?: string; values?: number[] } }[];
    };
    const labels = patchset?.metadata?.labels;
    if (!Array.isArray(labels) || !Array.isArray(patchset.patches))
      throw new InputError(opts.patchset, 'not a pyhf PatchSet (metadata.labels and patches required)');
    for (const [i, p] of patchset.patches.entries())
      if (!Array.isArray(p.metadata?.values) || p.metadata!.values!.length !== labels.length)
        throw new InputError(`${opts.patchset}:patches[${i}]`, `values must have one number per label (${labels.join(', ')})`);
    const vp = opts.valueParameters ?? labels;
    if (vp.length !== labels.length) throw new InputError('--params', `the PatchSet has ${labels.length} labels (${labels.join(', ')})`);
    prov.hepdata ??= patchset.metadata?.references?.hepdata;
    const relOf = (p: string) => {
      const r = relative(root, p);
      return r.startsWith('..') || isAbsolute(r) ? p : r;
    };
    const wsStored = relOf(abs);
    material = { kind: 'pyhf-patchset', workspace: wsStored, patchset: relOf(ps), valueParameters: vp, settings: { ...DEFAULT_SETTINGS, ...opts.settings } };
    const base = isAbsolute(wsStored) ? dirname(abs) : root;
    files = [abs, ps].map((p) => ({ path: relative(base, p), sha256: sha256File(p), bytes: statSync(p).size }));
  } else {
    throw new InputError(pathArg, 'expected an SModelS result folder, a patch archive (.tar.gz) or a workspace .json with --patchset');
  }
  prov.files = files;
  for (const k of Object.keys(prov) as (keyof typeof prov)[]) if (prov[k] === undefined) delete prov[k];
  const record: SearchRecord = {
    id: id ?? '',
    experiment: experiment ?? '',
    sqrtsTeV: sqrtsTeV ?? NaN,
    lumiFb: lumiFb ?? NaN,
    ...(title ? { title } : {}),
    signatures: opts.signatures ?? [],
    families,
    material,
    provenance: prov,
  };
  if (!record.id) throw new InputError('--id', 'is required for this material');
  if (!record.experiment) throw new InputError('--experiment', 'is required for this material');
  if (!Number.isFinite(record.sqrtsTeV)) throw new InputError('--sqrts', 'is required for this material (TeV)');
  if (!Number.isFinite(record.lumiFb)) throw new InputError('--lumi', 'is required for this material (fb^-1)');
  if (record.signatures.length === 0) throw new InputError('--signatures', 'name the signature pairs the search covers (e.g. b:H)');
  return validateRecord(record, 'new search');
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(path, `not readable JSON (${(e as Error).message})`);
  }
}

/** Append a record to the user registry (atomically); its id must be new. */
export function addToUserRegistry(record: SearchRecord, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const path = userRegistryPath(env, cwd);
  const existing = loadCatalogue(env, cwd);
  if (existing.some((e) => e.record.id === record.id)) throw new InputError('--id', `a search '${record.id}' is already registered`);
  const reg: Registry = existsSync(path) ? readRegistry(path) : { version: 1, searches: [] };
  reg.searches.push(record);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(reg, null, 2) + '\n');
  renameSync(tmp, path);
  return path;
}
