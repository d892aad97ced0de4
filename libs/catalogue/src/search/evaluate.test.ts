import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPatchArchive } from '../archive/sbottom';
import { describe, expect, it } from 'vitest';
import { family, sbottomFamily } from '../families/family';
import { bundledRegistryPath, dataRoot } from '../paths';
import { loadSmodelsResult } from '../smodels/database';
import { CountingLikelihood, upperLimitOnMu } from '../smodels/simplifiedLikelihood';
import { XsecTable } from '../xsec/table';
import { combine, countingLimits, drivingSearch, evaluateSearch, type SearchLimit } from './evaluate';
import type { SearchRecord } from './record';
import { readRegistry } from './registry';

const root = dataRoot();
const reg = readRegistry(bundledRegistryPath);
const byId = (id: string) => reg.searches.find((s) => s.id === id)!;
const xsec = XsecTable.fromFile(join(root, 'xsec_lhc_susy_wg/pp13_stopsbottom_NNLO+NNLL.json'));

describe('upper-limit map search (CMS-SUS-16-036, T2bb)', () => {
  const rec = byId('CMS-SUS-16-036');
  const tx = loadSmodelsResult(join(root, 'smodels_db/13TeV/CMS/CMS-SUS-16-036')).datasets[0].txNames.find((t) => t.txName === 'T2bb')!;

  it('r = sigma x BR / sigma_UL, exactly at a grid point, with the expected map too', () => {
    const same = (p: number[], q: number[]) => p.every((x, i) => x === q[i]);
    const k = tx.observed.points.findIndex((p) => p[0] > 700 && p[0] < 900 && p[1] > 90 && tx.expected!.points.some((q) => same(p, q)));
    expect(k).toBeGreaterThanOrEqual(0);
    const [mSb, mChi] = tx.observed.points[k];
    const r = evaluateSearch(rec, family('sbottom_direct'), { m_sbottom: mSb, m_chi1: mChi });
    const sigma = xsec.sigma(mSb);
    expect(r.status).toBe('ok');
    expect(r.xsecPb).toBe(sigma);
    // the grid value comes back rounded to 6 significant digits (SModelS), hence 1e-6 relative
    expect(r.rObs! / (sigma / tx.observed.values[k])).toBeCloseTo(1, 6);
    expect(r.muUpObs! * r.rObs!).toBeCloseTo(1, 12);
    const ke = tx.expected!.points.findIndex((q) => same(tx.observed.points[k], q));
    expect(r.rExp! / (sigma / tx.expected!.values[ke])).toBeCloseTo(1, 6);
    expect(r.excluded).toBe(r.rObs! >= 1);
  });

  it('a point outside the grid is reported as such, with no r', () => {
    const r = evaluateSearch(rec, family('sbottom_direct'), { m_sbottom: 2900, m_chi1: 100 });
    expect(r.status).toBe('outside-grid');
    expect(r.rObs).toBeUndefined();
    expect(r.message).toMatch(/outside the upper-limit grid/);
  });

  it('does not apply to another family', () => {
    expect(evaluateSearch(rec, sbottomFamily, { m_sbottom: 800, m_chi2: 300, m_chi1: 100 }).status).toBe('not-applicable');
  });
});

describe('efficiency-map search (ATLAS-SUSY-2018-31-eff, T6bbHH)', () => {
  const rec = byId('ATLAS-SUSY-2018-31-eff');
  const point = { m_sbottom: 1300, m_chi2: 850, m_chi1: 60 };
  const res = loadSmodelsResult(join(root, 'smodels_db/13TeV/ATLAS/ATLAS-SUSY-2018-31-eff'));

  it('picks the signal region with the largest expected r and evaluates its counting likelihood', () => {
    const r = evaluateSearch(rec, sbottomFamily, point);
    expect(r.status).toBe('ok');
    const ok = r.regions!.filter((x) => x.status === 'ok' && x.rExp !== undefined);
    const best = ok.reduce((a, b) => (b.rExp! > a.rExp! ? b : a));
    // the pyhf SR combination is the verdict; the best single SR stays beside it
    expect(r.bestSignalRegion!.name).toBe(best.name);
    expect(r.selected).toMatch(/^signal regions combined in BkgOnly[ABC]\.json$/);
    expect(r.regions!.some((x) => x.name === 'SRC_incl')).toBe(false); // excluded inclusive region
    const ds = res.datasets.find((d) => d.dataId === best.name)!;
    const nsig = xsec.sigma(1300) * best.efficiency! * 1000 * 139;
    expect(best.nsignal).toBeCloseTo(nsig, 9);
    expect(r.bestSignalRegion!.rObs).toBeCloseTo((xsec.sigma(1300) * best.efficiency!) / ds.upperLimitPb!, 12);
    const lh = new CountingLikelihood({ observed: [ds.observedN!], backgrounds: [ds.expectedBG!], covariance: [[ds.bgError! ** 2]], nsignal: [nsig] });
    expect(r.bestSignalRegion!.muUpObs).toBeCloseTo(upperLimitOnMu(lh)!, 10);
    expect(r.bestSignalRegion!.clsObs).toBeCloseTo(countingLimits(lh).clsObs!, 10);
    expect(r.excluded).toBe(r.clsObs! < 0.05);
    expect(r.clsObs).toBe(r.srCombination!.clsObs);
  });

  it('signal-region yields from the efficiency maps match the ATLAS patch, and their pyhf combination its CLs', () => {
    // At a grid point, sigma x eff x L must reproduce the signal the ATLAS patch puts in the SR_meff bins of RegionA
    // (the efficiency maps were derived from the same simulation); the combination in BkgOnlyA then lands close to
    // the full-likelihood CLs (which also has signal in the control region and signal systematics).
    const r = evaluateSearch(rec, sbottomFamily, point);
    const regionA = readPatchArchive(readFileSync(join(root, 'atlas_sbottom_ins1748602/pyhf-ins1748602-probability-models.tar.gz')), 'a').find(
      (x) => x.region === 'RegionA',
    )!;
    const patch = regionA.patches.find((p) => p.name === 'sbottom_1300_850_60')!.patch as { path: string; value: { data: number[] } }[];
    const channels = (regionA.bkgOnly as { channels: { name: string }[] }).channels;
    const sr = patch.find((op) => channels[Number(op.path.split('/')[2])].name === 'SR_meff')!.value.data;
    ['SRA_L', 'SRA_M', 'SRA_H'].forEach((name, i) => expect(r.regions!.find((x) => x.name === name)!.nsignal! / sr[i]).toBeCloseTo(1, 2));
    const full = evaluateSearch(byId('ATLAS-SUSY-2018-31'), sbottomFamily, point);
    expect(r.srCombination!.workspace).toBe('BkgOnlyA.json');
    expect(Math.abs(r.srCombination!.clsObs / full.clsObs! - 1)).toBeLessThan(0.25);
    expect(r.srCombination!.workspaces.find((w) => w.workspace === 'BkgOnlyB.json')!.clsObs).toBe(1); // SRB is outside its map here: no signal
  });

  it('outside every efficiency map: an explicit outside-grid result', () => {
    const r = evaluateSearch(rec, sbottomFamily, { m_sbottom: 2500, m_chi2: 800, m_chi1: 60 });
    expect(r.status).toBe('outside-grid');
    expect(r.clsObs).toBeUndefined();
  });
});

describe('full-likelihood archive search (ATLAS-SUSY-2018-31)', () => {
  it('a point off the published patch grid is not interpolated', () => {
    const r = evaluateSearch(byId('ATLAS-SUSY-2018-31'), sbottomFamily, { m_sbottom: 1010, m_chi2: 850, m_chi1: 60 });
    expect(r.status).toBe('no-patch');
    expect(r.clsObs).toBeUndefined();
    expect(r.message).toMatch(/nothing is interpolated/);
  });
});

describe('combination and driving search', () => {
  const mk = (id: string, orth: string[]): SearchRecord => ({ ...byId('ATLAS-SUSY-2018-31-eff'), id, orthogonalTo: orth });
  const limit = (id: string, n: number, b: number, e: number, s: number): SearchLimit => {
    const counting = { observed: [n], backgrounds: [b], covariance: [[e * e]], nsignal: [s] };
    return { search: id, kind: 'smodels', status: 'ok', counting, ...countingLimits(new CountingLikelihood(counting)) };
  };

  it('multiplies the likelihoods of orthogonal searches with a common mu', () => {
    const a = limit('A', 5, 4.2, 1.1, 3);
    const b = limit('B', 12, 13.5, 2.5, 4);
    const c = combine([mk('A', ['B']), mk('B', [])], [a, b]);
    const joint = new CountingLikelihood({
      observed: [5, 12],
      backgrounds: [4.2, 13.5],
      covariance: [
        [1.21, 0],
        [0, 6.25],
      ],
      nsignal: [3, 4],
    });
    expect(c.muUpObs).toBeCloseTo(upperLimitOnMu(joint)!, 10);
    expect(c.muUpObs!).toBeLessThan(Math.min(a.muUpObs!, b.muUpObs!));
    expect(c.searches).toEqual(['A', 'B']);
  });

  it('refuses to combine searches not declared orthogonal', () => {
    const c = combine([mk('A', []), mk('B', [])], [limit('A', 5, 4.2, 1.1, 3), limit('B', 12, 13.5, 2.5, 4)]);
    expect(c.muUpObs).toBeUndefined();
    expect(c.message).toMatch(/not declared orthogonal/);
  });

  it('the driving search has the largest r (smallest mu_up), else the smallest CLs', () => {
    const a = limit('A', 5, 4.2, 1.1, 3);
    const b = limit('B', 12, 13.5, 2.5, 4);
    const d = drivingSearch([a, b, { search: 'C', kind: 'smodels', status: 'outside-grid' }]);
    expect(d?.search).toBe(a.muUpObs! < b.muUpObs! ? 'A' : 'B');
    const e = drivingSearch([
      { search: 'P', kind: 'pyhf-archive', status: 'ok', clsObs: 0.01 },
      { search: 'Q', kind: 'pyhf-archive', status: 'ok', clsObs: 0.2 },
    ]);
    expect(e).toMatchObject({ search: 'P', by: 'smallest observed CLs at mu=1' });
  });
});
