import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listOwnSearches } from '@sigmap/physics';
import { listRecasts } from '@sigmap/physics/src/recasts';
import { ownSearchProblems, recastProblems } from '@sigmap/physics/src/searches/provenance';
import { loadPublishedRecast, smodelsDatabaseRoot } from '@sigmap/catalogue/src/recast/published';

const root = smodelsDatabaseRoot();
/** A field of an SModelS info file, read here independently of the catalogue's parser. */
const field = (file: string, key: string) => {
  const m = new RegExp(`^${key}:\\s*([^\\s#]+)`, 'm').exec(readFileSync(join(root, file), 'utf8'));
  if (!m) throw new Error(`${file} has no ${key}`);
  return m[1];
};

describe('every search cites the source of its numbers (issue 16, acceptance 4)', () => {
  it('own searches with sigmap-made backgrounds are labelled demonstrations', () => {
    for (const s of listOwnSearches()) expect(ownSearchProblems(s), s.id).toEqual([]);
  });

  it('fails on an invented background that is not labelled a demonstration', () => {
    const s = listOwnSearches()[0];
    const unlabelled = { ...s, provenance: { demonstration: false, reason: 'fitted to data' } } as unknown as typeof s;
    expect(ownSearchProblems(unlabelled).join()).toMatch(/not labelled a demonstration/);
  });

  it('recasts cite the paper and the database file for every region and hold no counts', () => {
    expect(listRecasts().length).toBeGreaterThanOrEqual(3);
    for (const r of listRecasts()) expect(recastProblems(r), r.id).toEqual([]);
    const r = listRecasts()[0];
    const invented = { ...r, regions: [{ ...r.regions[0], source: 'tuned by hand', cuts: { ...r.regions[0].cuts, expectedBG: 12 } }] };
    expect(recastProblems(invented).length).toBe(2);
    expect(recastProblems({ ...r, background: { events: 140000 } } as unknown as typeof r).join()).toMatch(/must not hold background numbers/);
  });

  it('the counts, luminosity and sqrt(s) a recast uses are those of the database files', () => {
    for (const r of listRecasts()) {
      const pub = loadPublishedRecast(r, root);
      expect(pub.lumiFb).toBe(Number(field(pub.globalInfoFile, 'lumi').replace('/fb', '')));
      expect(pub.sqrtsTeV).toBe(Number(field(pub.globalInfoFile, 'sqrts').replace('*TeV', '')));
      expect(pub.regions.map((x) => x.name)).toEqual(r.regions.map((x) => x.name));
      for (const reg of pub.regions) {
        expect(reg.observedN).toBe(Number(field(reg.file, 'observedN')));
        expect(reg.expectedBG).toBe(Number(field(reg.file, 'expectedBG')));
        expect(reg.bgError).toBe(Number(field(reg.file, 'bgError')));
        expect(field(reg.efficiencyMapFile, 'txName')).toBe(r.txName);
      }
    }
  });

  it('a recast of part of an analysis names the analysis; tunes and detector settings cite their sources', () => {
    const part = listRecasts().find((r) => r.analysis !== undefined)!;
    expect(part.id.startsWith(`${part.analysis}-`)).toBe(true);
    expect(recastProblems({ ...part, id: 'ATLAS-SUSY-2016-24x' }).join()).toMatch(/must be named/);
    expect(recastProblems({ ...part, databasePath: '13TeV/ATLAS/ATLAS-SUSY-2016-07-eff' }).join()).toMatch(/not this analysis's SModelS result folder/);
    for (const r of listRecasts()) {
      if (r.generatorTune) expect(r.generatorTune.source, r.id).toContain(`arXiv:${r.arXiv}`);
      if (r.detector) expect(r.detector.source, r.id).toContain(`arXiv:${r.arXiv}`);
    }
  });

  it('ATLAS-SUSY-2016-24-2l0j: the slepton maps filed as TSelSel and TSmuSmu are the same numbers (one ATLAS map per region)', () => {
    const r = listRecasts().find((x) => x.id === 'ATLAS-SUSY-2016-24-2l0j')!;
    const sel = loadPublishedRecast(r, root);
    const smu = loadPublishedRecast({ ...r, txName: 'TSmuSmu' }, root);
    sel.regions.forEach((reg, i) => {
      expect(reg.efficiencyMap.points).toEqual(smu.regions[i].efficiencyMap.points);
      expect(reg.efficiencyMap.values).toEqual(smu.regions[i].efficiencyMap.values);
    });
    // The official map is TSlepSlep, with the constraint factor the recast states.
    expect(sel.upperLimitMap!.file).toMatch(/TSlepSlep\.txt$/);
    expect(readFileSync(join(root, sel.upperLimitMap!.file), 'utf8')).toMatch(new RegExp(`^constraint: ${r.upperLimitTxName!.crossSectionFactor}\\*`, 'm'));
  });

  it('the CMS-SUS-16-033 region cuts are those its dataIds encode', () => {
    const cms = listRecasts().find((r) => r.id === 'CMS-SUS-16-033')!;
    for (const reg of cms.regions) {
      const m = /_N[jJ]et(\d+)_Nb(\d+)_HT(\d+)_MHT_?(\d+)$/.exec(reg.name)!;
      expect(m, reg.name).not.toBeNull();
      expect([reg.cuts.njetMin, reg.cuts.nbMin, reg.cuts.htMin, reg.cuts.mhtMin]).toEqual(m.slice(1).map(Number));
      expect(reg.cuts.nbMax).toBe(Number(m[2]) === 0 ? 0 : Infinity);
    }
  });

  it('names the bad region file', () => {
    const r = listRecasts()[0];
    expect(() => loadPublishedRecast({ ...r, regions: [{ name: 'SR_missing' }] }, root)).toThrow(/SR_missing/);
  });
});
