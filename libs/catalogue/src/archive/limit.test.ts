import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_UNPACKED_BYTES, maxUnpackedBytes, parseSize, readTar } from './tar';

/** A one-file ustar archive (header + data + end blocks). */
function tarOf(path: string, data: Buffer): Buffer {
  const h = Buffer.alloc(512, 0);
  h.write(path, 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512, 0);
  return Buffer.concat([h, data, pad, Buffer.alloc(1024, 0)]);
}

describe('readTar decompression limit (issue 18 item 12)', () => {
  const big = gzipSync(tarOf('R/patch.x_1.json', Buffer.alloc(64 * 2 ** 20, 0x20))); // 64 MiB -> ~64 KiB

  it('refuses an archive that unpacks beyond the limit, naming the file and the limit, without unpacking it all', () => {
    expect(big.length).toBeLessThan(2 ** 20);
    const before = process.memoryUsage().arrayBuffers;
    expect(() => readTar(big, 'bomb.tar.gz', 4 * 2 ** 20)).toThrow(/^bomb\.tar\.gz: decompresses to more than 4 MiB/);
    // zlib stopped at the limit: far less than the 64 MiB the archive holds was allocated
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 2 ** 20);
    // an uncompressed tar is held to the same limit
    expect(() => readTar(tarOf('a', Buffer.alloc(5 * 2 ** 20)), 'plain.tar', 4 * 2 ** 20)).toThrow(/^plain\.tar: decompresses to more than 4 MiB/);
  });

  it('reads the same archive under a limit that fits it', () => {
    const entries = readTar(big, 'bomb.tar.gz', 65 * 2 ** 20);
    expect(entries.map((e) => [e.path, e.data.length])).toEqual([['R/patch.x_1.json', 64 * 2 ** 20]]);
  });

  it('takes the limit from SIGMAP_ARCHIVE_MAX_BYTES and refuses a malformed one naming it', () => {
    expect(maxUnpackedBytes({})).toBe(DEFAULT_MAX_UNPACKED_BYTES);
    expect(maxUnpackedBytes({ SIGMAP_ARCHIVE_MAX_BYTES: '64mb' })).toBe(64 * 2 ** 20);
    expect(parseSize('2gb', 'x')).toBe(2 * 2 ** 30);
    expect(() => maxUnpackedBytes({ SIGMAP_ARCHIVE_MAX_BYTES: 'lots' })).toThrow(/SIGMAP_ARCHIVE_MAX_BYTES: expected a size/);
  });
});
