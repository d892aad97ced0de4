/**
 * The signature vocabulary (DESIGN.md glossary): unordered pairs of Standard Model final-state objects from a
 * BSM decay, plus the "complex" class (pair production / cascades). The coverage map is the upper-triangular
 * 10x10 matrix of pairs (55 cells) plus one row per complex class.
 *
 * The objects and complex classes come from libs/physics (signatures.ts); cell keys are plain strings
 * ('b-b', 'e-mu', 'complex:sbottom') so any producer can feed them.
 */
import { InputError } from '@sigmap/contracts';
import { COMPLEX_CLASSES, pairKey, SIGNATURE_PAIRS, SM_OBJECTS, type SmObject } from '@sigmap/physics';

export { SM_OBJECTS, type SmObject };

export type CellKind = 'pair' | 'complex';

export interface CellRef {
  /** Canonical key: 'a-b' with a before b in SM_OBJECTS order, or 'complex:<id>'. */
  key: string;
  kind: CellKind;
  /** The two objects of a pair cell (row <= column in SM_OBJECTS order). */
  pair?: [SmObject, SmObject];
  /** Matrix coordinates of a pair cell (row <= col). */
  row?: number;
  col?: number;
  /** Complex-class id. */
  complex?: string;
  label: string;
  /** Resonance class of a pair: X -> SM1 SM1 ('same') or X -> SM1 SM2 ('mixed'). */
  resonance?: 'same' | 'mixed';
}

const OBJECT_ALIASES: Record<string, SmObject> = {
  e: 'e', el: 'e', electron: 'e',
  mu: 'mu', muon: 'mu', 'μ': 'mu',
  tau: 'tau', 'τ': 'tau', ta: 'tau',
  gamma: 'gamma', photon: 'gamma', a: 'gamma', y: 'gamma', 'γ': 'gamma',
  j: 'j', jet: 'j', q: 'j', g: 'j', gluon: 'j',
  b: 'b', t: 't', top: 't',
  w: 'W', z: 'Z', h: 'H', higgs: 'H',
};

function smObject(name: string, field = 'signature'): SmObject {
  const o = OBJECT_ALIASES[name.trim()] ?? OBJECT_ALIASES[name.trim().toLowerCase()];
  if (!o) throw new InputError(field, `unknown final-state object '${name}' (known: ${SM_OBJECTS.join(', ')})`);
  return o;
}

/** Keys of all 55 unordered pairs in row-major upper-triangular order. */
export const PAIR_KEYS: readonly string[] = SIGNATURE_PAIRS.map((p) => p.key);

/**
 * Parses a signature written as 'b-b', 'b b', 'b,b', ['b','b'] or 'complex:sbottom' into its canonical cell.
 * Unknown complex classes are accepted (they become extra rows); unknown objects throw InputError.
 */
export function parseCell(sig: string | readonly string[], field = 'signature'): CellRef {
  if (Array.isArray(sig)) {
    if (sig.length !== 2) throw new InputError(field, `a pair signature has two objects, got ${sig.length}`);
    return pairCell(smObject(sig[0], field), smObject(sig[1], field));
  }
  const s = (sig as string).trim();
  if (s.startsWith('complex:')) {
    const id = s.slice('complex:'.length).trim();
    if (!id) throw new InputError(field, "a complex signature is 'complex:<class>'");
    return complexCell(id);
  }
  const parts = s.split(/[\s,+/-]+/).filter(Boolean);
  if (parts.length !== 2) throw new InputError(field, `expected a pair like 'b-b' or 'complex:<class>', got '${s}'`);
  return pairCell(smObject(parts[0], field), smObject(parts[1], field));
}

function pairCell(a: SmObject, b: SmObject): CellRef {
  const ia = SM_OBJECTS.indexOf(a);
  const ib = SM_OBJECTS.indexOf(b);
  const [row, col] = ia <= ib ? [ia, ib] : [ib, ia];
  const pair: [SmObject, SmObject] = [SM_OBJECTS[row], SM_OBJECTS[col]];
  return { key: pairKey(a, b), kind: 'pair', pair, row, col, label: `X -> ${pair[0]} ${pair[1]}`, resonance: row === col ? 'same' : 'mixed' };
}

function complexCell(id: string): CellRef {
  const known = COMPLEX_CLASSES.find((c) => c.id === id);
  return { key: `complex:${id}`, kind: 'complex', complex: id, label: known?.label ?? id };
}

/** The 55 pair cells then the complex rows (defaults plus any extra class ids given, in order of appearance). */
export function allCells(extraComplex: readonly string[] = []): CellRef[] {
  const ids: string[] = COMPLEX_CLASSES.map((c) => c.id);
  for (const id of extraComplex) if (!ids.includes(id)) ids.push(id);
  return [...PAIR_KEYS.map((k) => parseCell(k)), ...ids.map(complexCell)];
}

/**
 * Cell of a catalogue-style signature {pair, class}. Resonance classes map to the pair cell. A 'complex' signature
 * (pair production / cascade, e.g. sbottom -> b chi2 -> b h chi1 gives {b, H}) maps to the complex row whose id
 * prefixes one of the record's family names ('sbottom_direct' -> 'sbottom'); without one, to 'complex:<pair key>'.
 */
export function cellOfSignature(sig: { pair: readonly [string, string] | readonly string[]; class: string }, families: readonly string[] = [], field = 'signature'): CellRef {
  if (sig.class !== 'complex') return parseCell([...sig.pair], field);
  const ids: string[] = COMPLEX_CLASSES.map((c) => c.id).sort((a, b) => b.length - a.length);
  for (const f of families) {
    const id = ids.find((c) => f === c || f.startsWith(`${c}_`) || f.startsWith(`${c}-`));
    if (id) return complexCell(id);
  }
  return complexCell(parseCell([...sig.pair], field).key);
}
