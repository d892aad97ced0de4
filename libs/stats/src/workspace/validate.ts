/**
 * Validation of pyhf JSON documents against the official pyhf schemas 1.0.0 (copied into ../schemas, see ORIGIN.md).
 * ajv (draft-06 meta-schema) compiles them once; the first, most specific error becomes an InputError naming the field
 * in `channels[0].samples[1].modifiers[0].type` style.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import draft6 from 'ajv/dist/refs/json-schema-draft-06.json';
import { InputError } from '@sigmap/contracts';
import defs from '../schemas/defs.json';
import workspaceSchema from '../schemas/workspace.json';
import patchsetSchema from '../schemas/patchset.json';
import jsonpatchSchema from '../schemas/jsonpatch.json';
import measurementSchema from '../schemas/measurement.json';
import modelSchema from '../schemas/model.json';

type SchemaName = 'workspace' | 'patchset' | 'jsonpatch' | 'measurement' | 'model';

let compiled: Record<SchemaName, ValidateFunction> | undefined;

function validators(): Record<SchemaName, ValidateFunction> {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, strict: false, meta: false });
  ajv.addMetaSchema(draft6);
  ajv.addSchema(defs as object);
  compiled = {
    workspace: ajv.compile(workspaceSchema as object),
    patchset: ajv.compile(patchsetSchema as object),
    jsonpatch: ajv.compile(jsonpatchSchema as object),
    measurement: ajv.compile(measurementSchema as object),
    model: ajv.compile(modelSchema as object),
  };
  return compiled;
}

/** JSON pointer `/channels/0/samples/1` -> `channels[0].samples[1]`, prefixed with `root` when given. */
function pointerToField(pointer: string, root = ''): string {
  let out = root;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out || root || '(document)';
}

function describe(e: ErrorObject): { field: string; problem: string } {
  const p = e.params as Record<string, unknown>;
  let pointer = e.instancePath;
  let problem = e.message ?? 'is invalid';
  if (e.keyword === 'required') {
    pointer += `/${String(p.missingProperty)}`;
    problem = 'is required but missing';
  } else if (e.keyword === 'additionalProperties') {
    pointer += `/${String(p.additionalProperty)}`;
    problem = 'is not allowed here';
  } else if (e.keyword === 'const') {
    problem = `must be ${JSON.stringify(p.allowedValue)}`;
  } else if (e.keyword === 'enum') {
    problem = `must be one of ${JSON.stringify(p.allowedValues)}`;
  }
  return { field: pointer, problem };
}

/** Validates `doc` against one pyhf schema; throws InputError(field, problem) on the first violation. */
export function validateSchema(doc: unknown, schema: SchemaName, root = ''): void {
  const v = validators()[schema];
  if (v(doc)) return;
  const errors = v.errors ?? [];
  // Prefer the deepest error that is not a oneOf/anyOf summary: it names the most specific field.
  const ranked = errors
    .filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if')
    .map((e) => ({ e, depth: e.instancePath.split('/').length + (e.keyword === 'required' || e.keyword === 'additionalProperties' ? 1 : 0) }))
    .sort((a, b) => b.depth - a.depth);
  const best = ranked[0]?.e ?? errors[0];
  if (!best) throw new InputError(root || schema, `does not match the pyhf ${schema} schema 1.0.0`);
  const { field, problem } = describe(best);
  throw new InputError(pointerToField(field, root), `${problem} (pyhf ${schema} schema 1.0.0)`);
}
