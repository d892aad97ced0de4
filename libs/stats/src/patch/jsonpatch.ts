/**
 * JSON Patch, RFC 6902 (add, remove, replace, move, copy, test) over JSON Pointers, RFC 6901 (`~0` = `~`, `~1` = `/`,
 * `-` = end of an array). Pure: the input document is never modified; a failing operation throws InputError naming
 * the operation (`patch[3].path`) and the problem. Operations apply in order on a deep copy, atomically.
 */
import { InputError } from '@sigmap/contracts';

type Json = unknown;
interface Op {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function clone<T>(x: T): T {
  return x === undefined ? x : (JSON.parse(JSON.stringify(x)) as T);
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as Json[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, Json>)[k], (b as Record<string, Json>)[k]))
  );
}

/** RFC 6901: `/a~1b/~0c` -> ['a/b', '~c']. */
function parsePointer(pointer: string, field: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new InputError(field, `JSON pointer must be empty or start with '/', got '${pointer}'`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(token: string, length: number, allowEnd: boolean, field: string, pointer: string): number {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new InputError(field, `'${token}' is not an array index (in '${pointer}')`);
  const i = Number(token);
  if (i > length || (!allowEnd && i >= length)) throw new InputError(field, `array index ${i} out of range (length ${length}) in '${pointer}'`);
  return i;
}

/** The container and final token for `tokens`; throws when a parent is missing. */
function parentOf(doc: Json, tokens: string[], field: string, pointer: string): { parent: Json; key: string } {
  let cur = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i];
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length, false, field, pointer)];
    else if (cur !== null && typeof cur === 'object' && Object.prototype.hasOwnProperty.call(cur, t)) cur = (cur as Record<string, Json>)[t];
    else throw new InputError(field, `path '${pointer}' does not exist (no '${t}')`);
  }
  if (cur === null || typeof cur !== 'object') throw new InputError(field, `path '${pointer}' does not point into an object or array`);
  return { parent: cur, key: tokens[tokens.length - 1] };
}

function getAt(doc: Json, pointer: string, field: string): Json {
  let cur = doc;
  for (const t of parsePointer(pointer, field)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length, false, field, pointer)];
    else if (cur !== null && typeof cur === 'object' && Object.prototype.hasOwnProperty.call(cur, t)) cur = (cur as Record<string, Json>)[t];
    else throw new InputError(field, `path '${pointer}' does not exist`);
  }
  return cur;
}

function addAt(doc: Json, pointer: string, value: Json, field: string): Json {
  const tokens = parsePointer(pointer, field);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, field, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length, true, field, pointer), 0, value);
  else (parent as Record<string, Json>)[key] = value;
  return doc;
}

function removeAt(doc: Json, pointer: string, field: string): { doc: Json; removed: Json } {
  const tokens = parsePointer(pointer, field);
  if (tokens.length === 0) return { doc: undefined, removed: doc };
  const { parent, key } = parentOf(doc, tokens, field, pointer);
  if (Array.isArray(parent)) {
    const i = arrayIndex(key, parent.length, false, field, pointer);
    return { doc, removed: parent.splice(i, 1)[0] };
  }
  const obj = parent as Record<string, Json>;
  if (!Object.prototype.hasOwnProperty.call(obj, key)) throw new InputError(field, `path '${pointer}' does not exist`);
  const removed = obj[key];
  delete obj[key];
  return { doc, removed };
}

/** Applies an RFC 6902 patch (an array of operations) and returns the patched copy. */
export function applyJsonPatch<T>(doc: T, ops: unknown, name = 'patch'): T {
  if (!Array.isArray(ops)) throw new InputError(name, 'a JSON Patch must be an array of operations');
  let out: Json = clone(doc);
  ops.forEach((raw, i) => {
    const f = `${name}[${i}]`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(f, 'an operation must be an object');
    const op = raw as Op;
    if (typeof op.path !== 'string') throw new InputError(`${f}.path`, 'must be a string JSON pointer');
    const needsValue = op.op === 'add' || op.op === 'replace' || op.op === 'test';
    if (needsValue && !('value' in op)) throw new InputError(`${f}.value`, `is required for '${op.op}'`);
    const pf = `${f}.path`;
    switch (op.op) {
      case 'add':
        out = addAt(out, op.path, clone(op.value), pf);
        break;
      case 'remove':
        out = removeAt(out, op.path, pf).doc;
        break;
      case 'replace': {
        getAt(out, op.path, pf);
        const tokens = parsePointer(op.path, pf);
        if (tokens.length === 0) out = clone(op.value);
        else {
          const { parent, key } = parentOf(out, tokens, pf, op.path);
          if (Array.isArray(parent)) parent[arrayIndex(key, parent.length, false, pf, op.path)] = clone(op.value);
          else (parent as Record<string, Json>)[key] = clone(op.value);
        }
        break;
      }
      case 'move': {
        if (typeof op.from !== 'string') throw new InputError(`${f}.from`, "is required for 'move'");
        if (op.path !== op.from && op.path.startsWith(op.from + '/'))
          throw new InputError(`${f}.path`, `cannot move '${op.from}' into its own child '${op.path}'`);
        const { doc: rest, removed } = removeAt(out, op.from, `${f}.from`);
        out = addAt(rest, op.path, removed, pf);
        break;
      }
      case 'copy': {
        if (typeof op.from !== 'string') throw new InputError(`${f}.from`, "is required for 'copy'");
        out = addAt(out, op.path, clone(getAt(out, op.from, `${f}.from`)), pf);
        break;
      }
      case 'test': {
        const actual = getAt(out, op.path, pf);
        if (!deepEqual(actual, op.value))
          throw new InputError(
            pf,
            `test failed: value at '${op.path}' is ${JSON.stringify(actual)?.slice(0, 80)}, expected ${JSON.stringify(op.value)?.slice(0, 80)}`,
          );
        break;
      }
      default:
        throw new InputError(`${f}.op`, `unknown operation '${String(op.op)}' (add, remove, replace, move, copy, test)`);
    }
  });
  return out as T;
}
