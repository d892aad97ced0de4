import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@sigmap/store';
import { freePort, portAnswers, temporalBin } from '@sigmap/orchestration';
import { describe, expect, it } from 'vitest';
import { startEmbedded } from './embedded';

describe.skipIf(!existsSync(temporalBin()))('embedded Temporal (sigmap serve without TEMPORAL_ADDRESS)', () => {
  it('a start that fails after launching the dev server stops that server again', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sigmap-embedded-'));
    const store = await openStore({ dataDir: join(home, 'store') });
    const port = await freePort();
    try {
      // concurrency 0 is refused by the Temporal worker, after the dev server is up
      await expect(startEmbedded(home, store, { port, concurrency: 0 })).rejects.toThrow(/at least 1/);
      expect(await portAnswers(port)).toBe(false);
    } finally {
      await store.close();
    }
  }, 120_000);
});
