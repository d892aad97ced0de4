import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, isInputError } from '@sigmap/contracts';
import { applyJsonPatch, buildModel, hypotest, observedData, parseWorkspace, upperLimit } from '@sigmap/stats';
import { readPatchArchive, type ArchiveRegion } from '../archive/sbottom';
import type { PyhfSettings } from './record';

/** HistFactory evaluation of published likelihoods through @sigmap/stats (pyhf 0.7 semantics). */

/**
 * The regions of a likelihood archive: a .tar.gz (read directly) or an extracted folder with the same layout,
 * `<Region>/BkgOnly.json` + `<Region>/patch.<name>.json` (the numbers in a patch name are its model values).
 */
const archives = new Map<string, ArchiveRegion[]>();
export function loadArchive(path: string): ArchiveRegion[] {
  let a = archives.get(path);
  if (!a) {
    try {
      a = statSync(path).isDirectory() ? readPatchFolder(path) : readPatchArchive(readFileSync(path), path);
    } catch (e) {
      if (isInputError(e)) throw e;
      throw new InputError(path, `cannot read the likelihood archive (${(e as Error).message})`);
    }
    archives.set(path, a);
  }
  return a;
}

function readPatchFolder(dir: string): ArchiveRegion[] {
  const parse = (p: string) => {
    try {
      return JSON.parse(readFileSync(p, 'utf8')) as unknown;
    } catch (e) {
      throw new InputError(p, `not valid JSON (${(e as Error).message})`);
    }
  };
  const out: ArchiveRegion[] = [];
  for (const region of readdirSync(dir).sort()) {
    const rdir = join(dir, region);
    if (!statSync(rdir).isDirectory()) continue;
    const files = readdirSync(rdir).sort();
    const patches = files.filter((f) => /^patch\..+\.json$/.test(f));
    if (!files.includes('BkgOnly.json')) {
      if (patches.length) throw new InputError(rdir, 'region has patches but no BkgOnly.json');
      continue;
    }
    out.push({
      region,
      bkgOnly: parse(join(rdir, 'BkgOnly.json')),
      patches: patches.map((f) => {
        const name = f.slice('patch.'.length, -'.json'.length);
        const patch = parse(join(rdir, f));
        if (!Array.isArray(patch)) throw new InputError(join(rdir, f), 'a patch file must hold a JSON Patch array');
        return { name, values: (name.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number), patch };
      }),
    });
  }
  if (out.length === 0) throw new InputError(dir, 'no <Region>/BkgOnly.json found in the folder');
  return out;
}

/** Every file of an extracted archive folder, relative to it (for provenance). */
export function patchFolderFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .filter((r) => statSync(join(dir, r)).isDirectory())
    .flatMap((r) =>
      readdirSync(join(dir, r))
        .sort()
        .filter((f) => f === 'BkgOnly.json' || /^patch\..+\.json$/.test(f))
        .map((f) => join(r, f)),
    );
}

export interface PyhfPointResult {
  clsObs: number;
  /** Expected CLs band as @sigmap/stats returns it (pyhf order, median at index 2). */
  clsExp: number[];
  muUpObs?: number;
  muUpExp?: number[];
}

/** CLs at mu = 1 (and optionally the 95% CL upper limit on mu) of a background-only workspace + signal patch. */
export function evaluatePatch(bkgOnly: unknown, patch: unknown[], settings: PyhfSettings, withUpperLimit: boolean, name = 'patch'): PyhfPointResult {
  const ws = parseWorkspace(applyJsonPatch(bkgOnly, patch, name));
  const model = buildModel(ws, { normsysInterp: settings.normsysInterp, histosysInterp: settings.histosysInterp });
  const data = observedData(ws, model);
  const h = hypotest(model, data, { testPoi: 1, testStat: settings.testStat, calctype: settings.calctype });
  const out: PyhfPointResult = { clsObs: h.clsObs, clsExp: h.clsExp };
  if (withUpperLimit) {
    const ul = upperLimit(model, data, { cl: 0.95, testStat: settings.testStat });
    out.muUpObs = ul.muUpObs;
    out.muUpExp = ul.muUpExp;
  }
  return out;
}

/** pyhf's default interpolation and test statistic, as SModelS evaluates the database's workspaces. */
export const SMODELS_PYHF_SETTINGS: PyhfSettings = { normsysInterp: 'code4', histosysInterp: 'code4p', testStat: 'qtilde', calctype: 'asymptotics' };
