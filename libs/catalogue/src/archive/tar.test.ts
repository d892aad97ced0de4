import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTar } from './tar';

describe('readTar', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sigmap-tar-'));
  mkdirSync(join(dir, 'src', 'RegionA'), { recursive: true });
  writeFileSync(join(dir, 'src', 'RegionA', 'BkgOnly.json'), '{"a": 1}');
  const long = 'x'.repeat(140) + '.json';
  writeFileSync(join(dir, 'src', long), 'long name');
  execFileSync('tar', ['czf', join(dir, 'a.tar.gz'), '-C', join(dir, 'src'), '.']);
  const archive = readFileSync(join(dir, 'a.tar.gz'));

  it('reads the files written by GNU tar, long names included', () => {
    const entries = readTar(archive, 'a.tar.gz');
    const byPath = new Map(entries.map((e) => [e.path, e.data.toString()]));
    expect(byPath.get('RegionA/BkgOnly.json')).toBe('{"a": 1}');
    expect(byPath.get(long)).toBe('long name');
  });

  it('rejects a truncated archive with an error naming the source', () => {
    expect(() => readTar(archive.subarray(0, Math.floor(archive.length / 2)), 'a.tar.gz')).toThrow(/a\.tar\.gz: .*(truncated|corrupt)/);
  });
});
