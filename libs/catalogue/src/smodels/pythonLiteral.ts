import { InputError } from '@sigmap/contracts';

/**
 * Reads the Python literals that SModelS database files hold in globalInfo.txt (covariance matrices, jsonFiles dicts,
 * datasetOrder lists): dicts, lists, tuples (as arrays), quoted strings, Python float syntax (`1.`, `.5`, `1e-3`),
 * None / True / False. Nothing is evaluated; anything else is an InputError naming the field and the character.
 */
type PyValue = null | boolean | number | string | PyValue[] | { [k: string]: PyValue };

export function parsePythonLiteral(text: string, field: string): PyValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new InputError(field, `${what} at character ${i} ('${text.slice(i, i + 30).replace(/\s+/g, ' ')}')`);
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const value = (depth: number): PyValue => {
    if (depth > 64) fail('nested deeper than 64 levels');
    ws();
    const c = text[i];
    if (c === undefined) fail('unexpected end');
    if (c === '[' || c === '(') {
      const close = c === '[' ? ']' : ')';
      i++;
      const out: PyValue[] = [];
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          return out;
        }
        out.push(value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail(`expected ',' or '${close}'`);
      }
    }
    if (c === '{') {
      i++;
      const out: Record<string, PyValue> = {};
      for (;;) {
        ws();
        if (text[i] === '}') {
          i++;
          return out;
        }
        const k = value(depth + 1);
        if (typeof k !== 'string' && typeof k !== 'number') fail('a dict key must be a string or a number');
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        out[String(k)] = value(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail("expected ',' or '}'");
      }
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(i + 1, end);
      if (s.includes('\n')) fail('line break inside a string');
      i = end + 1;
      return s;
    }
    const word = /^(None|True|False)\b/.exec(text.slice(i, i + 6));
    if (word) {
      i += word[1].length;
      return word[1] === 'None' ? null : word[1] === 'True';
    }
    const num = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 40));
    if (num) {
      i += num[0].length;
      const x = Number(num[0]);
      if (!Number.isFinite(x)) fail('number out of range');
      return x;
    }
    return fail('expected a value');
  };
  const v = value(0);
  ws();
  if (i < text.length) fail('unexpected text after the value');
  return v;
}
