/**
 * The verdict of an efficiency-map search with a published pyhf likelihood (ATLAS-SUSY-2018-31-eff, SModelS's
 * jsonFiles over the HEPData background-only workspaces): the SR combination replaces the best single SR, as in
 * SModelS, so what is printed and the verdict agree. At (m_sbottom, m_chi2, m_chi1) = (1400, 1000, 60) the best SR alone
 * gives r = 0.83 (allowed) while the combination in RegionA gives CLs_obs 0.024 (excluded); the upper limit on mu works
 * there although RegionB holds no signal at all (it has no upper limit to give).
 */
import { describe, expect, it } from 'vitest';
import { family } from '../families/family';
import { bundledRegistryPath } from '../paths';
import { evaluateSearch } from './evaluate';
import { readRegistry } from './registry';

describe('SR combination in the verdict', () => {
  const rec = readRegistry(bundledRegistryPath).searches.find((r) => r.id === 'ATLAS-SUSY-2018-31-eff')!;

  it('uses the combined likelihood for CLs, r and the verdict, and keeps the best SR beside it', () => {
    const r = evaluateSearch(rec, family('sbottom'), { m_sbottom: 1400, m_chi2: 1000, m_chi1: 60 }, { upperLimit: true });
    expect(r.status).toBe('ok');
    const c = r.srCombination!;
    expect(c.workspace).toBe('BkgOnlyA.json');
    expect(r.clsObs).toBe(c.clsObs);
    expect(r.excluded).toBe(c.clsObs < 0.05);
    expect(r.excluded).toBe(true);
    // CLs(mu) falls with mu: CLs(1) < 0.05 exactly when mu_up < 1, i.e. r > 1
    expect(r.muUpObs!).toBeLessThan(1);
    expect(r.rObs!).toBeCloseTo(1 / r.muUpObs!, 12);
    expect(r.muUpExp).toHaveLength(5);
    expect(r.bestSignalRegion!.rObs!).toBeLessThan(1);
    expect(r.bestSignalRegion!.clsObs!).toBeGreaterThan(0.05);
    expect(c.workspaces.find((w) => w.workspace === 'BkgOnlyB.json')!.clsObs).toBe(1);
  });
});
