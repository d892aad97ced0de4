import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * A PostgreSQL server for tests: SIGMAP_TEST_DATABASE_URL when set, else a throwaway cluster started by
 * infra/postgres/throwaway.sh in a temp folder (Debian's postgresql binaries; scripts/bootstrap.sh installs them).
 * `url` is null when neither is available (the caller skips its PostgreSQL half and says so). `stop()` removes it.
 */
export function throwawayPostgres(prefix: string): { url: string | null; dir: string; stop(): void } {
  const script = resolve(__dirname, '../../../infra/postgres/throwaway.sh');
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  let url: string | null = process.env.SIGMAP_TEST_DATABASE_URL ?? null;
  let started = false;
  if (!url) {
    try {
      url = execFileSync('bash', [script, 'start', join(dir, 'pg')], { encoding: 'utf8' }).trim();
      started = true;
    } catch {
      url = null;
    }
  }
  return {
    url,
    dir,
    stop() {
      if (started) execFileSync('bash', [script, 'stop', join(dir, 'pg')]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
