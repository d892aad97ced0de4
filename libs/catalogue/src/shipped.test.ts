import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadShippedCatalogue, loadShippedCatalogueOffThread } from './shipped';

describe('loadShippedCatalogueOffThread', () => {
  it('answers what loadShippedCatalogue answers in the calling thread (every SModelS analysis record)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sigmap-shipped-'));
    try {
      const off = await loadShippedCatalogueOffThread(home);
      const here = loadShippedCatalogue(home);
      expect(off).toEqual(here);
      expect(off.searches.filter((s) => s.layer === 'lhc').length).toBeGreaterThan(100);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);

  it("rejects with the thread's InputError, field and problem kept", async () => {
    const home = mkdtempSync(join(tmpdir(), 'sigmap-shipped-'));
    try {
      writeFileSync(join(home, 'catalogue.json'), '{ not json');
      const err = await loadShippedCatalogueOffThread(home).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'InputError' });
      expect((err as { field: string }).field).toContain('catalogue.json');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);
});
