/**
 * Per-group API keys. A key is 32 random bytes (base64url, prefix 'smk_'); only its SHA-256 is stored, in a JSON
 * file (default SIGMAP_HOME/api-keys.json, mode 0600). SHA-256 without salt is adequate here because keys are
 * 256-bit random secrets, not passwords (no dictionary to attack); lookups compare digests in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '@sigmap/contracts';

interface KeyEntry {
  group: string;
  /** 'sha256:<hex>' */
  hash: string;
  label?: string;
  createdAt: string;
}

const GROUP_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

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

/** Writes the key file atomically (temp file + rename): a running API that re-reads it never sees half a file. */
function writeKeyFile(file: string, entries: KeyEntry[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(entries, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

/** Creates a key for a group, appends its hash to the file, and returns the key (shown once). */
export function addApiKey(file: string, group: string, label?: string): string {
  if (!GROUP_PATTERN.test(group)) throw new InputError('group', `expected lowercase letters, digits, '-' or '_' (max 63), got '${group}'`);
  const entries = readKeyFile(file);
  const key = `smk_${randomBytes(32).toString('base64url')}`;
  entries.push({ group, hash: hashKey(key), ...(label ? { label } : {}), createdAt: new Date().toISOString() });
  writeKeyFile(file, entries);
  return key;
}

/**
 * Revokes keys: every key of `group`, or only the one whose value is `key`. Returns how many were removed. A running
 * API re-reads the file within KeyRing's check interval (1 s), no restart needed.
 */
export function revokeApiKeys(file: string, group: string, key?: string): number {
  if (!GROUP_PATTERN.test(group)) throw new InputError('group', `expected lowercase letters, digits, '-' or '_' (max 63), got '${group}'`);
  const entries = readKeyFile(file);
  const hash = key === undefined ? undefined : hashKey(key);
  const kept = entries.filter((e) => e.group !== group || (hash !== undefined && e.hash !== hash));
  const removed = entries.length - kept.length;
  if (removed > 0) writeKeyFile(file, kept);
  return removed;
}

export class KeyRing {
  private digests: { group: string; digest: Buffer }[];
  private file: string | null = null;
  private stamp = '';
  private checkedAt = -Infinity;
  /** How often (ms) groupOf looks at the key file's mtime/size/inode; a change is re-read. */
  checkEveryMs = 1000;

  constructor(entries: KeyEntry[]) {
    this.digests = KeyRing.digestsOf(entries);
  }

  private static digestsOf(entries: KeyEntry[]) {
    return entries.map((e) => ({ group: e.group, digest: Buffer.from(e.hash.slice('sha256:'.length), 'hex') }));
  }

  private static stampOf(file: string): string {
    try {
      const s = statSync(file);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return 'absent';
    }
  }

  /** A ring that follows the file: added and revoked keys take effect within checkEveryMs, without a restart. */
  static fromFile(file: string): KeyRing {
    const ring = new KeyRing([]);
    ring.file = file;
    ring.stamp = KeyRing.stampOf(file);
    ring.digests = KeyRing.digestsOf(readKeyFile(file));
    ring.checkedAt = performance.now();
    return ring;
  }

  /** Re-reads the key file when it changed. A file that does not parse leaves the ring as it was (and is retried). */
  refresh(force = false): void {
    if (!this.file) return;
    const now = performance.now();
    if (!force && now - this.checkedAt < this.checkEveryMs) return;
    this.checkedAt = now;
    const stamp = KeyRing.stampOf(this.file);
    if (stamp === this.stamp && !force) return;
    try {
      this.digests = KeyRing.digestsOf(readKeyFile(this.file));
      this.stamp = stamp;
    } catch {
      // half-written by another tool: keep the previous keys, look again next time
    }
  }

  get size(): number {
    return this.digests.length;
  }

  /** The group a key belongs to, or null. Every entry is compared (no early exit on a match). */
  groupOf(key: string): string | null {
    this.refresh();
    const d = createHash('sha256').update(key, 'utf8').digest();
    let found: string | null = null;
    for (const e of this.digests) if (timingSafeEqual(e.digest, d) && found === null) found = e.group;
    return found;
  }
}
