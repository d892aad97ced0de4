import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyJsonPatch, buildModel, hypotest, observedData, parsePatchSet, parseWorkspace } from '@sigmap/stats';
import { describe, expect, it } from 'vitest';
import { readPatchArchive } from '../archive/sbottom';
import { family, sbottomFamily, type Family } from '../families/family';
import { dataRoot } from '../paths';
import { CountingLikelihood, upperLimitOnMu } from '../smodels/simplifiedLikelihood';
import { XsecTable } from '../xsec/table';
import { evaluateSearch } from './evaluate';
import { buildRecord, parseSignatures, verifyProvenance } from './registry';
import { bundledRegistryPath } from '../paths';
import { readRegistry } from './registry';

const root = dataRoot();

describe('pyhf workspace + PatchSet search', () => {
  const ex = join(root, 'pyhf_reference/patchset_format_examples');
  const toy: Family = {
    name: 'toy',
    description: 'one parameter x, for the pyhf PatchSet example',
    parameters: [{ name: 'x', min: -10, max: 10, scale: 'linear', unit: '' }],
    signatures: [],
    validate: () => undefined,
    xsec: () => ({ inRange: false, mass: NaN, min: NaN, max: NaN, source: 'none' }),
  };
  const rec = buildRecord(
    join(ex, 'example_bkgonly.json'),
    { id: 'PYHF-EXAMPLE', experiment: 'none', sqrtsTeV: 13, lumiFb: 1, signatures: parseSignatures('j:j'), patchset: join(ex, 'example_patchset.json') },
    root,
    root,
  );

  it('registers with the PatchSet labels as parameters and its HEPData reference', () => {
    expect(rec.material).toMatchObject({
      kind: 'pyhf-patchset',
      workspace: 'pyhf_reference/patchset_format_examples/example_bkgonly.json',
      valueParameters: ['x'],
    });
    expect(rec.provenance.hepdata).toBe('ins1234567');
    expect(verifyProvenance(rec, root).ok).toBe(true);
  });

  it('evaluates the patch whose values match the point, as stats does on the patched workspace', () => {
    const r = evaluateSearch({ ...rec, families: ['toy'] }, toy, { x: 0 });
    const ps = parsePatchSet(JSON.parse(readFileSync(join(ex, 'example_patchset.json'), 'utf8')));
    const ws = parseWorkspace(applyJsonPatch(JSON.parse(readFileSync(join(ex, 'example_bkgonly.json'), 'utf8')), ps.byValues([0])));
    const model = buildModel(ws, { normsysInterp: 'code4', histosysInterp: 'code4p' });
    const h = hypotest(model, observedData(ws, model), { testPoi: 1, testStat: 'qtilde', calctype: 'asymptotics' });
    expect(r.status).toBe('ok');
    expect(r.selected).toBe('patch_channel1_signal_syst1');
    expect(r.clsObs).toBe(h.clsObs);
    expect(r.clsExp).toEqual(h.clsExp);
    expect(evaluateSearch({ ...rec, families: ['toy'] }, toy, { x: 1 }).status).toBe('no-patch');
  });

  it('refuses a workspace without a PatchSet and a PatchSet whose values do not fit its labels', () => {
    expect(() =>
      buildRecord(join(ex, 'example_bkgonly.json'), { id: 'A', experiment: 'e', sqrtsTeV: 13, lumiFb: 1, signatures: parseSignatures('j:j') }, root, root),
    ).toThrow(/--patchset/);
    const dir = mkdtempSync(join(tmpdir(), 'sigmap-ps-'));
    const bad = JSON.parse(readFileSync(join(ex, 'example_patchset.json'), 'utf8'));
    bad.patches[0].metadata.values = [0, 1];
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
    expect(() =>
      buildRecord(
        join(ex, 'example_bkgonly.json'),
        { id: 'A', experiment: 'e', sqrtsTeV: 13, lumiFb: 1, signatures: parseSignatures('j:j'), patchset: join(dir, 'bad.json') },
        root,
        root,
      ),
    ).toThrow(/values must have one number per label \(x\)/);
  });
});

describe('efficiency-map result with a background covariance', () => {
  // A two-region result written here: the combined simplified likelihood must use both regions and the covariance.
  const dir = mkdtempSync(join(tmpdir(), 'sigmap-cov-'));
  writeFileSync(
    join(dir, 'globalInfo.txt'),
    'id: TOY-COV-1\nsqrts: 13*TeV\nlumi: 100.0/fb\nurl: https://example.org/toy\ndatasetOrder: "SR1", "SR2"\ncovariance: [[4.0, 1.5], [1.5, 9.0]]\n',
  );
  const grid = (e: number) =>
    `[${[
      [400, 0],
      [400, 300],
      [1200, 0],
      [1200, 300],
      [800, 150],
    ]
      .map(([m, l]) => `[[[${m}*GeV,${l}*GeV],[${m}*GeV,${l}*GeV]],${e * (m / 800)}]`)
      .join(',')}]`;
  for (const [sr, n, b, e] of [
    ['SR1', 12, 10, 0.02],
    ['SR2', 30, 28, 0.05],
  ] as const) {
    mkdirSync(join(dir, sr));
    writeFileSync(join(dir, sr, 'dataInfo.txt'), `dataType: efficiencyMap\ndataId: ${sr}\nobservedN: ${n}\nexpectedBG: ${b}\nbgError: 1.0\n`);
    writeFileSync(join(dir, sr, 'T2bb.txt'), `txName: T2bb\nconstraint: [[['b']],[['b']]]\nefficiencyMap: ${grid(e)}\n`);
  }
  const rec = buildRecord(
    dir,
    {
      families: ['sbottom_direct'],
      signatures: parseSignatures('b:b'),
      txNames: [
        {
          family: 'sbottom_direct',
          txName: 'T2bb',
          masses: [
            ['m_sbottom', 'm_chi1'],
            ['m_sbottom', 'm_chi1'],
          ],
        },
      ],
    },
    root,
    dir,
  );

  it('combines all signal regions with the covariance', () => {
    const r = evaluateSearch(rec, family('sbottom_direct'), { m_sbottom: 800, m_chi1: 150 });
    const sigma = XsecTable.fromFile(join(root, 'xsec_lhc_susy_wg/pp13_stopsbottom_NNLO+NNLL.json')).sigma(800);
    const lh = new CountingLikelihood({
      observed: [12, 30],
      backgrounds: [10, 28],
      covariance: [
        [4, 1.5],
        [1.5, 9],
      ],
      nsignal: [sigma * 0.02 * 1000 * 100, sigma * 0.05 * 1000 * 100],
    });
    expect(r.status).toBe('ok');
    expect(r.selected).toBe('SR1+SR2');
    expect(r.muUpObs).toBeCloseTo(upperLimitOnMu(lh)!, 10);
    expect(r.muUpExp![0]).toBeCloseTo(upperLimitOnMu(lh, 'apriori')!, 10);
  });

  it('a covariance that does not match datasetOrder is refused', () => {
    const bad = mkdtempSync(join(tmpdir(), 'sigmap-cov-bad-'));
    writeFileSync(join(bad, 'globalInfo.txt'), 'id: TOY-COV-2\nsqrts: 13*TeV\nlumi: 100.0/fb\ndatasetOrder: "SR1"\ncovariance: [[4.0, 1.5], [1.5, 9.0]]\n');
    mkdirSync(join(bad, 'SR1'));
    writeFileSync(join(bad, 'SR1', 'dataInfo.txt'), 'dataType: efficiencyMap\ndataId: SR1\nobservedN: 1\nexpectedBG: 1\nbgError: 1\n');
    expect(() => buildRecord(bad, { families: [], signatures: parseSignatures('b:b') }, root, bad)).toThrow(/is 2x2 but datasetOrder names 1 datasets/);
  });
});

describe('extracted likelihood archive folder (<Region>/BkgOnly.json + patch.<name>.json)', () => {
  it('registers with the values parsed from the patch names and evaluates as the .tar.gz does', () => {
    const tar = join(root, 'atlas_sbottom_ins1748602/pyhf-ins1748602-probability-models.tar.gz');
    const regionA = readPatchArchive(readFileSync(tar), 'tar').find((r) => r.region === 'RegionA')!;
    const dir = mkdtempSync(join(tmpdir(), 'sigmap-folder-'));
    mkdirSync(join(dir, 'lh', 'RegionA'), { recursive: true });
    writeFileSync(join(dir, 'lh', 'RegionA', 'BkgOnly.json'), JSON.stringify(regionA.bkgOnly));
    for (const p of regionA.patches.filter((x) => ['sbottom_1300_850_60', 'sbottom_1000_131_1'].includes(x.name)))
      writeFileSync(join(dir, 'lh', 'RegionA', `patch.${p.name}.json`), JSON.stringify(p.patch));
    const rec = buildRecord(
      join(dir, 'lh'),
      {
        id: 'FOLDER-1',
        experiment: 'ATLAS',
        sqrtsTeV: 13,
        lumiFb: 139,
        families: ['sbottom'],
        signatures: parseSignatures('b:H'),
        valueParameters: ['m_sbottom', 'm_chi2', 'm_chi1'],
        doi: 'x',
      },
      root,
      dir,
    );
    expect(rec.material).toMatchObject({ kind: 'pyhf-archive', regions: ['RegionA'] });
    expect(rec.provenance.files.map((f) => f.path)).toEqual([
      'lh/RegionA/BkgOnly.json',
      'lh/RegionA/patch.sbottom_1000_131_1.json',
      'lh/RegionA/patch.sbottom_1300_850_60.json',
    ]);
    expect(verifyProvenance(rec, root).ok).toBe(true);
    const point = { m_sbottom: 1300, m_chi2: 850, m_chi1: 60 };
    const fromFolder = evaluateSearch(rec, sbottomFamily, point);
    const bundled = readRegistry(bundledRegistryPath).searches.find((x) => x.id === 'ATLAS-SUSY-2018-31')!;
    const fromTar = evaluateSearch({ ...bundled, material: { ...bundled.material, regions: ['RegionA'] } as typeof bundled.material }, sbottomFamily, point);
    expect(fromFolder.clsObs).toBe(fromTar.clsObs);
    expect(fromFolder.clsExp).toEqual(fromTar.clsExp);
    expect(evaluateSearch(rec, sbottomFamily, { m_sbottom: 1100, m_chi2: 850, m_chi1: 60 }).status).toBe('no-patch');
  });
});
