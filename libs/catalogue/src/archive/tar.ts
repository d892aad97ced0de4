import { gunzipSync } from 'node:zlib';
import { InputError } from '@sigmap/contracts';

export interface TarEntry {
  path: string;
  data: Buffer;
}

const BLOCK = 512;

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

function octal(header: Buffer, offset: number, length: number, what: string, source: string): number {
  const text = field(header, offset, length).trim();
  if (!/^[0-7]*$/.test(text)) throw new InputError(source, `corrupt tar header: ${what} '${text}' is not octal`);
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumOk(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
  return sum === parseInt(field(header, 148, 8).trim() || '0', 8);
}

/**
 * Regular files of a tar archive (ustar, with GNU long names and pax `path` records), gzip-compressed when it
 * starts with the gzip magic. A truncated or corrupt archive is an InputError naming `source`, never a partial result.
 */
export function readTar(archive: Buffer, source = 'archive'): TarEntry[] {
  let bytes: Buffer;
  try {
    bytes = archive[0] === 0x1f && archive[1] === 0x8b ? gunzipSync(archive) : archive;
  } catch (e) {
    throw new InputError(source, `not a readable gzip stream (${(e as Error).message}); the file is truncated or corrupt`);
  }
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  let sawEnd = false;
  while (offset + BLOCK <= bytes.length) {
    const header = bytes.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) {
      sawEnd = true;
      break;
    }
    if (!checksumOk(header)) throw new InputError(source, `corrupt tar header at byte ${offset} (checksum mismatch)`);
    const size = octal(header, 124, 12, 'size', source);
    const type = String.fromCharCode(header[156] || 48);
    const dataStart = offset + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > bytes.length) throw new InputError(source, `truncated tar archive: entry at byte ${offset} needs ${size} bytes, ${bytes.length - dataStart} remain`);
    const data = bytes.subarray(dataStart, dataEnd);
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0+$/, '');
    } else if (type === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      if (m) longName = m[1];
    } else if (type === '0' || type === '7') {
      entries.push({ path: name.replace(/^\.\//, ''), data: Buffer.from(data) });
    }
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (!sawEnd && offset < bytes.length) throw new InputError(source, 'truncated tar archive: ends inside a header block');
  if (entries.length === 0) throw new InputError(source, 'tar archive holds no files');
  return entries;
}
