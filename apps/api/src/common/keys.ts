/**
 * Per-group API keys. A key is 32 random bytes (base64url, prefix 'smk_'); only its SHA-256 is stored, in a JSON
 * file (default SIGMAP_HOME/api-keys.json, mode 0600). SHA-256 without salt is adequate here because keys are
 * 256-bit random secrets, not passwords (no dictionary to attack); lookups compare digests in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '@sigmap/contracts';

export interface KeyEntry {
  group: string;
  /** 'sha256:<hex>' */
  hash: string;
  label?: string;
  createdAt: string;
}

export const GROUP_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function hashKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

export function readKeyFile(file: string): KeyEntry[] {
  if (!existsSync(file)) return [];
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(raw)) throw new InputError(file, 'an API key file is a JSON array of {group, hash}');
  return raw.map((e, i) => {
    const x = e as KeyEntry;
    if (typeof x?.group !== 'string' || !GROUP_PATTERN.test(x.group) || typeof x.hash !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(x.hash))
      throw new InputError(`${file}[${i}]`, 'expected {group, hash: "sha256:<64 hex>"}');
    return x;
  });
}

/** Creates a key for a group, appends its hash to the file, and returns the key (shown once). */
export function addApiKey(file: string, group: string, label?: string): string {
  if (!GROUP_PATTERN.test(group)) throw new InputError('group', `expected lowercase letters, digits, '-' or '_' (max 63), got '${group}'`);
  const entries = readKeyFile(file);
  const key = `smk_${randomBytes(32).toString('base64url')}`;
  entries.push({ group, hash: hashKey(key), ...(label ? { label } : {}), createdAt: new Date().toISOString() });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(entries, null, 2) + '\n', { mode: 0o600 });
  return key;
}

export class KeyRing {
  private readonly digests: { group: string; digest: Buffer }[];

  constructor(entries: KeyEntry[]) {
    this.digests = entries.map((e) => ({ group: e.group, digest: Buffer.from(e.hash.slice('sha256:'.length), 'hex') }));
  }

  static fromFile(file: string): KeyRing {
    return new KeyRing(readKeyFile(file));
  }

  get size(): number {
    return this.digests.length;
  }

  /** The group a key belongs to, or null. Every entry is compared (no early exit on a match). */
  groupOf(key: string): string | null {
    const d = createHash('sha256').update(key, 'utf8').digest();
    let found: string | null = null;
    for (const e of this.digests) if (timingSafeEqual(e.digest, d) && found === null) found = e.group;
    return found;
  }
}
