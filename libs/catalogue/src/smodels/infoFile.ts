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

