import { InputError } from '@sigmap/contracts';

/**
 * The value language of SModelS database files (`upperLimits: [[[[100.0*GeV, 50.0*GeV], [...]], 65.07*pb], ...]`):
 * nested lists/tuples of numbers, each number optionally carrying a unit (`*GeV`, `*TeV`, `*fb`, `*pb`), and quoted
 * strings (a txname grid's '*' marks an inclusive branch). Parsed without `eval`; an unknown unit is an InputError,
 * never a silent scale. Grids reach 10^5 points, so the text is scanned once with sticky regexps.
 */
export type Unit = 'GeV' | 'TeV' | 'fb' | 'pb';
export interface Quantity {
  value: number;
  unit?: Unit;
}
export type Value = Quantity | string | Value[];

const UNITS = new Set<Unit>(['GeV', 'TeV', 'fb', 'pb']);

export function parseValue(text: string, field: string): Value {
  const num = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;
  const unit = /\s*\*\s*/y;
  const word = /[A-Za-z_][A-Za-z0-9_]*/y;
  const str = /'([^']*)'|"([^"]*)"/y;
  let i = 0;
  const n = text.length;
  const fail = (problem: string): never => {
    throw new InputError(field, `${problem} at character ${i} ('${text.slice(Math.max(0, i - 20), i + 20).replace(/\s+/g, ' ')}')`);
  };
  const ws = () => {
    while (i < n && text.charCodeAt(i) <= 32) i++;
  };
  const value = (): Value => {
    ws();
    const c = text[i];
    if (c === '[' || c === '(') {
      const close = c === '[' ? ']' : ')';
      i++;
      const items: Value[] = [];
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          return items;
        }
        items.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail(i >= n ? `unterminated list (missing '${close}')` : `expected ',' or '${close}'`);
      }
    }
    if (c === "'" || c === '"') {
      str.lastIndex = i;
      const m = str.exec(text);
      if (!m) return fail('unterminated string');
      i = str.lastIndex;
      return m[1] ?? m[2];
    }
    num.lastIndex = i;
    const m = num.exec(text);
    if (!m) return fail(i >= n ? 'unexpected end of value' : 'expected a number or a list');
    i = num.lastIndex;
    const q: Quantity = { value: Number(m[0]) };
    unit.lastIndex = i;
    if (unit.exec(text)) {
      i = unit.lastIndex;
      word.lastIndex = i;
      const u = word.exec(text);
      if (!u) return fail('expected a unit after "*"');
      if (!UNITS.has(u[0] as Unit)) return fail(`unknown unit '${u[0]}' (known: GeV, TeV, fb, pb)`);
      q.unit = u[0] as Unit;
      i = word.lastIndex;
    }
    return q;
  };
  const v = value();
  ws();
  if (i < n) fail('unexpected text after the value');
  return v;
}

export function isQuantity(v: Value): v is Quantity {
  return typeof v === 'object' && !Array.isArray(v);
}

/**
 * A mass in GeV (GeV or TeV); anything else is an InputError naming `field`. `defaultUnit` applies to a bare number
 * (the v3 flat layout states its unit once, in `dataMap`).
 */
export function massGeV(v: Value, field: string, defaultUnit?: Unit): number {
  if (!isQuantity(v)) throw new InputError(field, 'expected a mass');
  const unit = v.unit ?? defaultUnit;
  if (unit === 'GeV') return v.value;
  if (unit === 'TeV') return v.value * 1000;
  throw new InputError(field, unit ? `expected a mass unit (GeV, TeV), got '${unit}'` : `mass ${v.value} has no unit (expected *GeV or *TeV)`);
}

/** A cross section in pb (fb or pb). */
export function xsecPb(v: Value, field: string): number {
  if (!isQuantity(v)) throw new InputError(field, 'expected a cross section');
  if (v.unit === 'pb') return v.value;
  if (v.unit === 'fb') return v.value / 1000;
  throw new InputError(
    field,
    v.unit ? `expected a cross-section unit (fb, pb), got '${v.unit}'` : `cross section ${v.value} has no unit (expected *fb or *pb)`,
  );
}
