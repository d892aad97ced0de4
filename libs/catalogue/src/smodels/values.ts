import { InputError } from '@sigmap/contracts';

/**
 * The value language of SModelS database files (`upperLimits: [[[[100.0*GeV, 50.0*GeV], [...]], 65.07*pb], ...]`):
 * nested lists/tuples of numbers, each number optionally carrying a unit (`*GeV`, `*TeV`, `*fb`, `*pb`).
 * Parsed without `eval`; an unknown unit is an InputError, never a silent scale.
 */
export type Unit = 'GeV' | 'TeV' | 'fb' | 'pb';
export interface Quantity {
  value: number;
  unit?: Unit;
}
export type Value = Quantity | Value[];

const UNITS = new Set<Unit>(['GeV', 'TeV', 'fb', 'pb']);

export function parseValue(text: string, field: string): Value {
  let i = 0;
  const n = text.length;
  const fail = (problem: string): never => {
    throw new InputError(field, `${problem} at character ${i} ('${text.slice(Math.max(0, i - 20), i + 20).replace(/\s+/g, ' ')}')`);
  };
  const ws = () => {
    while (i < n && /\s/.test(text[i])) i++;
  };
  const value = (): Value => {
    ws();
    const c = text[i];
    if (c === '[' || c === '(') {
      const close = c === '[' ? ']' : ')';
      i++;
      const items: Value[] = [];
      ws();
      if (text[i] === close) {
        i++;
        return items;
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === close) {
            i++;
            return items;
          }
          continue;
        }
        if (text[i] === close) {
          i++;
          return items;
        }
        return fail(i >= n ? `unterminated list (missing '${close}')` : `expected ',' or '${close}'`);
      }
    }
    const m = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(text.slice(i));
    if (!m) return fail(i >= n ? 'unexpected end of value' : 'expected a number or a list');
    i += m[0].length;
    const q: Quantity = { value: Number(m[0]) };
    ws();
    if (text[i] === '*') {
      i++;
      ws();
      const u = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
      if (!u) return fail('expected a unit after "*"');
      if (!UNITS.has(u[0] as Unit)) return fail(`unknown unit '${u[0]}' (known: GeV, TeV, fb, pb)`);
      q.unit = u[0] as Unit;
      i += u[0].length;
    }
    return q;
  };
  const v = value();
  ws();
  if (i < n) fail('unexpected text after the value');
  return v;
}

export function isQuantity(v: Value): v is Quantity {
  return !Array.isArray(v);
}

/** A mass in GeV (GeV or TeV); anything else is an InputError naming `field`. */
export function massGeV(v: Value, field: string): number {
  if (!isQuantity(v)) throw new InputError(field, 'expected a mass, got a list');
  if (v.unit === 'GeV') return v.value;
  if (v.unit === 'TeV') return v.value * 1000;
  throw new InputError(field, v.unit ? `expected a mass unit (GeV, TeV), got '${v.unit}'` : `mass ${v.value} has no unit (expected *GeV or *TeV)`);
}

/** A cross section in pb (fb or pb). */
export function xsecPb(v: Value, field: string): number {
  if (!isQuantity(v)) throw new InputError(field, 'expected a cross section, got a list');
  if (v.unit === 'pb') return v.value;
  if (v.unit === 'fb') return v.value / 1000;
  throw new InputError(field, v.unit ? `expected a cross-section unit (fb, pb), got '${v.unit}'` : `cross section ${v.value} has no unit (expected *fb or *pb)`);
}
