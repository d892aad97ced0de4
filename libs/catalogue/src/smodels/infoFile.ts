import { InputError } from '@sigmap/contracts';

/** `key: value` fields of a database text file; continuation lines are joined, `#` lines are comments. */
export function parseInfoFile(text: string, source: string): Map<string, string> {
  const fields = new Map<string, string>();
  let key: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln];
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*:(.*)$/.exec(line);
    if (m) {
      key = m[1];
      fields.set(key, m[2].trim());
    } else if (key !== undefined) {
      fields.set(key, `${fields.get(key)}\n${line}`);
    } else {
      throw new InputError(`${source}:${ln + 1}`, `expected 'key: value', got '${line.slice(0, 60)}'`);
    }
  }
  return fields;
}

/** 1-based line where `key:` starts in a database text file (undefined if absent). */
function lineOfField(text: string, key: string): number | undefined {
  const lines = text.split(/\r?\n/);
  const k = lines.findIndex((l) => l.startsWith(`${key}:`) || new RegExp(`^${key}\\s*:`).test(l));
  return k < 0 ? undefined : k + 1;
}

/** A problem in one database file that was skipped instead of failing the whole load. */
export interface DatabaseWarning {
  file: string;
  line?: number;
  message: string;
}

/**
 * The warning for an InputError raised while reading `file`: the line is that of the field the error names
 * (`<file>:<key>[...]`), or the line number the error already carries (`<file>:<line>`).
 */
export function warningFor(file: string, text: string | undefined, error: { field: string; problem: string }): DatabaseWarning {
  const rest = error.field.startsWith(file) ? error.field.slice(file.length).replace(/^:/, '') : '';
  const asLine = /^(\d+)$/.exec(rest);
  let line: number | undefined;
  if (asLine) line = Number(asLine[1]);
  else if (text !== undefined) {
    const key = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest)?.[1];
    if (key) line = lineOfField(text, key);
  }
  const where = rest && !asLine ? `${rest}: ` : '';
  return { file, line, message: `${where}${error.problem}` };
}
