import { describe, expect, it } from 'vitest';
import { listOwnSearches } from '@sigmap/physics';
import { searchRows } from './searches';

describe('sigmap searches', () => {
  it('lists the own searches (with the families they constrain) and the catalogue searches in one table', () => {
    const rows = searchRows();
    const own = rows.filter((r) => r.origin === 'own');
    expect(own.map((r) => r.id)).toEqual(listOwnSearches().map((s) => s.id));
    const dilepton = own.find((r) => r.id === 'own-dilepton-resonance-13tev')!;
    expect(dilepton).toMatchObject({ experiment: 'ATLAS', signatures: ['e-e', 'mu-mu'] });
    expect(dilepton.families).toContain('zprime-ssm');
    expect(own.find((r) => r.id === 'own-bjets-met-13tev')!.families).toEqual(expect.arrayContaining(['T2bb', 'T2tt', 'T1']));
    const sbottom = rows.find((r) => r.id === 'ATLAS-SUSY-2018-31')!;
    expect(sbottom).toMatchObject({ origin: 'bundled', experiment: 'ATLAS', signatures: ['complex:sbottom'], material: 'pyhf-archive' });
    expect(rows.find((r) => r.id === 'CMS-SUS-16-036')!.material).toBe('smodels-ul');
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  it('lists every analysis of the SModelS database v3.0.0 with its provenance (issue 15: at least 150)', () => {
    const db = searchRows().filter((r) => r.origin === 'smodels-db');
    // 163 analysis ids, minus the two registered (bundled) ones
    expect(db.length).toBeGreaterThanOrEqual(150);
    expect(db.filter((r) => r.supersededBy).length).toBeGreaterThan(0);
    for (const r of db) {
      expect(r.provenance).toMatch(/^SModelS database 3\.0\.0 at .*: (8|13)TeV\/(ATLAS|CMS)\//);
      expect(r.signatures.length).toBeGreaterThan(0);
      expect([8, 13]).toContain(r.sqrtS);
    }
    expect(db.find((r) => r.id === 'ATLAS-EXOT-2018-48')).toMatchObject({ signatures: ['t-t'], arXiv: '2005.05138', lumiFb: 139 });
    expect(db.find((r) => r.id === 'CMS-EXO-19-012')!.signatures).toEqual(['j-j']);
  });
});
