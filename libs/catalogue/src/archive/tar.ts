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

/** Default largest decompressed size of an archive: 512 MiB (the ATLAS SUSY-2018-31 archive unpacks to 35 MiB). */
export const DEFAULT_MAX_UNPACKED_BYTES = 512 * 2 ** 20;

/** The decompression limit: SIGMAP_ARCHIVE_MAX_BYTES (bytes, or a size like 64mb / 2gb), else the default. */
export function maxUnpackedBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SIGMAP_ARCHIVE_MAX_BYTES;
  if (raw === undefined || raw === '') return DEFAULT_MAX_UNPACKED_BYTES;
  return parseSize(raw, 'SIGMAP_ARCHIVE_MAX_BYTES');
}

/** '1048576', '64kb', '512mb', '2gb' -> bytes (an InputError naming `field` otherwise). */
export function parseSize(text: string, field: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?$/i.exec(text.trim());
  const unit = (m?.[2] ?? 'b').toLowerCase();
  const mult = unit.startsWith('k') ? 2 ** 10 : unit.startsWith('m') ? 2 ** 20 : unit.startsWith('g') ? 2 ** 30 : 1;
  const n = m ? Math.floor(Number(m[1]) * mult) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InputError(field, `expected a size in bytes (e.g. 536870912, 512mb, 2gb), got '${text}'`);
  return n;
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(n < 2 ** 20 ? 3 : 0)} MiB`;

/**
 * Regular files of a tar archive (ustar, with GNU long names and pax `path` records), gzip-compressed when it
 * starts with the gzip magic. A truncated or corrupt archive is an InputError naming `source`, never a partial result.
 * At most `maxBytes` are decompressed (default maxUnpackedBytes()): zlib stops there and the archive is refused with an
 * error naming the file and the limit, so a small archive cannot expand into gigabytes (a 1 MB archive reached 2.2 GB of
 * memory before, issue 18 item 12). An uncompressed tar is held to the same limit.
 */
export function readTar(archive: Buffer, source = 'archive', maxBytes = maxUnpackedBytes()): TarEntry[] {
  let bytes: Buffer;
  const gz = archive[0] === 0x1f && archive[1] === 0x8b;
  const tooLarge = () =>
    new InputError(
      source,
      `decompresses to more than ${mib(maxBytes)} (the limit for catalogue archives; raise it with SIGMAP_ARCHIVE_MAX_BYTES or --max-unpacked SIZE)`,
    );
  if (!gz && archive.length > maxBytes) throw tooLarge();
  try {
    bytes = gz ? gunzipSync(archive, { maxOutputLength: maxBytes }) : archive;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw tooLarge();
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
    if (dataEnd > bytes.length)
      throw new InputError(source, `truncated tar archive: entry at byte ${offset} needs ${size} bytes, ${bytes.length - dataStart} remain`);
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
      entries.push({ path: name.replace(/^\.\//, ''), data });
    }
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (!sawEnd && offset < bytes.length) throw new InputError(source, 'truncated tar archive: ends inside a header block');
  if (entries.length === 0) throw new InputError(source, 'tar archive holds no files');
  return entries;
}
