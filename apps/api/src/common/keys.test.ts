import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '@sigmap/contracts';
import { addApiKey, hashKey, KeyRing, readKeyFile } from './keys';

const dir = mkdtempSync(join(tmpdir(), 'sigmap-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('API keys', () => {
  it('stores only the sha256 of each key (mode 0600) and maps keys to their group', () => {
    const file = join(dir, 'k.json');
    const a = addApiKey(file, 'alpha');
    const b = addApiKey(file, 'beta', 'ci');
    expect(a).toMatch(/^smk_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(a.slice(4));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const entries = readKeyFile(file);
    expect(entries.map((e) => [e.group, e.hash])).toEqual([
      ['alpha', hashKey(a)],
      ['beta', hashKey(b)],
    ]);
    // sha256('abc'), FIPS 180-2 appendix B.1
    expect(hashKey('abc')).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const ring = KeyRing.fromFile(file);
    expect(ring.groupOf(a)).toBe('alpha');
    expect(ring.groupOf(b)).toBe('beta');
    expect(ring.groupOf(a + 'x')).toBeNull();
    expect(ring.groupOf('')).toBeNull();
  });

  it('rejects bad group names and malformed key files', () => {
    expect(() => addApiKey(join(dir, 'x.json'), 'Bad Group')).toThrow(InputError);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ group: 'alpha', hash: 'md5:abc' }]));
    expect(() => readKeyFile(bad)).toThrow(/sha256/);
    expect(KeyRing.fromFile(join(dir, 'missing.json')).size).toBe(0);
  });
});
