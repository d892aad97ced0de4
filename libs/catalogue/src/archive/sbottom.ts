import { InputError } from '@sigmap/contracts';
import { readTar } from './tar';

/** One signal point of a published patch archive: its patch name, the model values parsed from the name, and the JSON Patch. */
export interface ArchivePatch {
  name: string;
  values: number[];
  patch: unknown[];
}

export interface ArchiveRegion {
  region: string;
  bkgOnly: unknown;
  patches: ArchivePatch[];
}

/**
 * A HEPData likelihood archive laid out as `<Region>/BkgOnly.json` + `<Region>/patch.<name>.json`
 * (e.g. ATLAS SUSY-2018-31: `patch.sbottom_1000_131_1.json` -> values [1000, 131, 1]).
 * The numbers in a patch name are its model values, in order.
 */
export function readPatchArchive(archive: Buffer, source = 'archive'): ArchiveRegion[] {
  const regions = new Map<string, ArchiveRegion>();
  const region = (name: string) => {
    let r = regions.get(name);
    if (!r) regions.set(name, (r = { region: name, bkgOnly: undefined, patches: [] }));
    return r;
  };
  const parse = (path: string, data: Buffer) => {
    try {
      return JSON.parse(data.toString('utf8')) as unknown;
    } catch (e) {
      throw new InputError(`${source}:${path}`, `not valid JSON (${(e as Error).message})`);
    }
  };
  for (const entry of readTar(archive, source)) {
    const m = /^(?:.*\/)?([^/]+)\/(BkgOnly\.json|patch\.([^/]+)\.json)$/.exec(entry.path);
    if (!m) continue;
    if (m[2] === 'BkgOnly.json') {
      region(m[1]).bkgOnly = parse(entry.path, entry.data);
    } else {
      const name = m[3];
      const values = (name.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number);
      const patch = parse(entry.path, entry.data);
      if (!Array.isArray(patch)) throw new InputError(`${source}:${entry.path}`, 'a patch file must hold a JSON Patch array');
      region(m[1]).patches.push({ name, values, patch });
    }
  }
  const out = [...regions.values()].sort((a, b) => a.region.localeCompare(b.region));
  for (const r of out) {
    if (r.bkgOnly === undefined) throw new InputError(`${source}:${r.region}`, 'region has patches but no BkgOnly.json');
    r.patches.sort((a, b) => a.name.localeCompare(b.name));
  }
  if (out.length === 0) throw new InputError(source, 'no <Region>/BkgOnly.json found in the archive');
  return out;
}
