/**
 * One process per PGlite data directory: PGlite is PostgreSQL in this process's memory, so a second process on the
 * same files sees a different database (and can corrupt it). The lock is a file `<dataDir>.lock` holding the pid;
 * a lock whose process no longer exists (kill -9, crash) is taken over. Opens within one process share it.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { InputError } from '@sigmap/contracts';

const held = new Map<string, number>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock of dataDir (or one more share of it in this process); returns its release. */
export function lockDataDir(dataDir: string): () => void {
  const file = `${dataDir}.lock`;
  const release = () => {
    const n = (held.get(file) ?? 1) - 1;
    if (n > 0) return void held.set(file, n);
    held.delete(file);
    try {
      if (Number(readFileSync(file, 'utf8').trim()) === process.pid) unlinkSync(file);
    } catch {
      // already gone
    }
  };
  if (held.has(file)) {
    held.set(file, held.get(file)! + 1);
    return release;
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      held.set(file, 1);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let pid = NaN;
    try {
      pid = Number(readFileSync(file, 'utf8').trim());
    } catch {
      continue; // removed meanwhile: try again
    }
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
      throw new InputError(
        'SIGMAP_HOME',
        `the store ${dataDir} is in use by process ${pid} (another sigmap serve or scan on this SIGMAP_HOME); stop it or set another SIGMAP_HOME (lock file ${file})`,
      );
    // stale: its process is gone
    try {
      unlinkSync(file);
    } catch {
      // another process took it over first; the next attempt sees its pid
    }
  }
  throw new InputError('SIGMAP_HOME', `could not take the lock ${file} of the store ${dataDir}`);
}

process.once('exit', () => {
  for (const file of held.keys()) {
    try {
      if (Number(readFileSync(file, 'utf8').trim()) === process.pid) unlinkSync(file);
    } catch {
      // nothing to remove
    }
  }
});
