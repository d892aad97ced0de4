/**
 * pyhf PatchSet (schema 1.0.0, pyhf.patchset.PatchSet): a set of named JSON Patches with model-point values, looked up
 * by patch name or by the tuple of values (exact match, as pyhf does).
 */
import { InputError } from '@sigmap/contracts';
import { validateSchema } from '../workspace/validate';

export interface PatchSetPatch {
  name: string;
  values: (number | string)[];
  ops: unknown[];
}

export interface PatchSet {
  labels: string[];
  patchNames: string[];
  patches: PatchSetPatch[];
  description: string;
  digests: Record<string, string>;
  byName(name: string): unknown[];
  byValues(values: (number | string)[]): unknown[];
}

const key = (values: (number | string)[]) => JSON.stringify(values);

export function parsePatchSet(json: unknown): PatchSet {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new InputError('patchset', 'must be a JSON object with metadata, patches, version');
  validateSchema(json, 'patchset', 'patchset');
  const doc = json as {
    metadata: { labels: string[]; description?: string; digests: Record<string, string> };
    patches: { metadata: { name: string; values: (number | string)[] }; patch: unknown[] }[];
  };
  const labels = doc.metadata.labels;
  const byName = new Map<string, PatchSetPatch>();
  const byValues = new Map<string, PatchSetPatch>();
  const patches: PatchSetPatch[] = [];
  doc.patches.forEach((p, i) => {
    const patch: PatchSetPatch = { name: p.metadata.name, values: p.metadata.values, ops: p.patch };
    if (byName.has(patch.name)) throw new InputError(`patchset.patches[${i}].metadata.name`, `duplicate patch name '${patch.name}'`);
    if (byValues.has(key(patch.values))) throw new InputError(`patchset.patches[${i}].metadata.values`, `duplicate patch values ${key(patch.values)}`);
    if (patch.values.length !== labels.length)
      throw new InputError(`patchset.patches[${i}].metadata.values`, `has ${patch.values.length} values but the patchset has ${labels.length} labels`);
    byName.set(patch.name, patch);
    byValues.set(key(patch.values), patch);
    patches.push(patch);
  });
  return {
    labels,
    patchNames: patches.map((p) => p.name),
    patches,
    description: doc.metadata.description ?? '',
    digests: doc.metadata.digests,
    byName(name: string) {
      const p = byName.get(name);
      if (!p) throw new InputError('patch-name', `no patch named '${name}' in the patchset (${patches.length} patches, e.g. ${patches[0]?.name})`);
      return p.ops;
    },
    byValues(values: (number | string)[]) {
      const p = byValues.get(key(values));
      if (!p) throw new InputError('patch-values', `no patch with values ${key(values)} (labels ${labels.join(', ')})`);
      return p.ops;
    },
  };
}
