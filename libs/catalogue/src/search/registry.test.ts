import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledRegistryPath, dataRoot } from '../paths';
import { buildBundledRegistry } from './bundled';
import { validateRecord } from './record';
import { addToUserRegistry, buildRecord, loadCatalogue, parseSignatures, readRegistry, verifyProvenance } from './registry';

const root = dataRoot();

describe('bundled catalogue', () => {
  it('libs/catalogue/searches/index.json is exactly what the bundled definitions build from ../shared/data', () => {
    expect(JSON.parse(readFileSync(bundledRegistryPath, 'utf8'))).toEqual(JSON.parse(JSON.stringify(buildBundledRegistry(root))));
  });

  it('every bundled material file still has its registered sha256', () => {
    const reg = readRegistry(bundledRegistryPath);
    expect(reg.searches.map((s) => s.id)).toEqual(['ATLAS-SUSY-2018-31', 'ATLAS-SUSY-2018-31-eff', 'CMS-SUS-16-036']);
    for (const s of reg.searches) expect(verifyProvenance(s, root)).toEqual({ ok: true, problems: [] });
    const sb = reg.searches[0];
    expect(sb.provenance.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(sb.provenance.doi).toBe('10.17182/hepdata.89408.v3/r2');
  });
});

describe('registering a search', () => {
  it('adds an SModelS result to the user catalogue, with provenance, and refuses the same id twice', () => {
    const home = mkdtempSync(join(tmpdir(), 'sigmap-home-'));
    const env = { SIGMAP_HOME: home };
    const rec = buildRecord(
      join(root, 'smodels_db/8TeV/ATLAS/ATLAS-SUSY-2013-05'),
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
      root,
    );
    expect(rec).toMatchObject({
      id: 'ATLAS-SUSY-2013-05',
      experiment: 'ATLAS',
      sqrtsTeV: 8,
      lumiFb: 20.1,
      material: { kind: 'smodels', dataType: 'upperLimit', path: 'smodels_db/8TeV/ATLAS/ATLAS-SUSY-2013-05' },
    });
    expect(rec.provenance.files.map((f) => f.path)).toContain('data/T2bb.txt');
    const path = addToUserRegistry(rec, env);
    expect(path).toBe(join(home, 'catalogue.json'));
    const cat = loadCatalogue(env);
    expect(cat.find((e) => e.record.id === 'ATLAS-SUSY-2013-05')?.source).toBe('user');
    expect(() => addToUserRegistry(rec, env)).toThrow(/already registered/);
    expect(() => addToUserRegistry({ ...rec, id: 'CMS-SUS-16-036' }, env)).toThrow(/already registered/);
  });

  it('detects a material file changed after registration', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigmap-tamper-'));
    cpSync(join(root, 'smodels_db/13TeV/CMS/CMS-SUS-16-036'), join(dir, 'r'), { recursive: true });
    const rec = buildRecord(join(dir, 'r'), { families: ['sbottom_direct'], signatures: parseSignatures('b:b') }, root, dir);
    expect(verifyProvenance(rec, root).ok).toBe(true);
    writeFileSync(join(dir, 'r', 'globalInfo.txt'), readFileSync(join(dir, 'r', 'globalInfo.txt'), 'utf8') + '\n# edited\n');
    expect(verifyProvenance(rec, root)).toEqual({ ok: false, problems: ['globalInfo.txt: sha256 differs from the registered one'] });
  });

  it('validates what it registers', () => {
    const archive = join(root, 'atlas_sbottom_ins1748602/pyhf-ins1748602-probability-models.tar.gz');
    const base = { id: 'X-1', experiment: 'ATLAS', sqrtsTeV: 13, lumiFb: 139, families: ['sbottom'], signatures: parseSignatures('b:H'), doi: 'x' };
    expect(() => buildRecord(archive, base, root, root)).toThrow(/--params: name the family parameters/);
    expect(() => buildRecord(archive, { ...base, valueParameters: ['m_sbottom', 'm_chi2'] }, root, root)).toThrow(/carries 3 values, --params names 2/);
    expect(() => buildRecord(archive, { ...base, families: ['stop'], valueParameters: ['a', 'b', 'c'] }, root, root)).toThrow(/unknown family 'stop'/);
    expect(() => parseSignatures('b:X')).toThrow(/'X' is not one of/);
    expect(() => buildRecord(archive, { ...base, lumiFb: undefined, valueParameters: ['m_sbottom', 'm_chi2', 'm_chi1'] }, root, root)).toThrow(/--lumi/);
    const sm = join(root, 'smodels_db/13TeV/CMS/CMS-SUS-16-036');
    expect(() =>
      buildRecord(
        sm,
        {
          families: ['sbottom_direct'],
          signatures: parseSignatures('b:b'),
          txNames: [{ family: 'sbottom_direct', txName: 'T9', masses: [['m_sbottom'], ['m_sbottom']] }],
        },
        root,
        root,
      ),
    ).toThrow(/no txName T9/);
    expect(() =>
      buildRecord(
        sm,
        {
          families: ['sbottom_direct'],
          signatures: parseSignatures('b:b'),
          txNames: [{ family: 'sbottom_direct', txName: 'T2bb', masses: [['m_sbottom'], ['m_sbottom']] }],
        },
        root,
        root,
      ),
    ).toThrow(/branch lengths \[1,1\] do not match/);
    expect(() => validateRecord({ id: 'a b' }, 'r')).toThrow(/id/);
  });

  it('refuses a truncated likelihood archive with a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigmap-trunc-'));
    const full = readFileSync(join(root, 'atlas_sbottom_ins1748602/pyhf-ins1748602-probability-models.tar.gz'));
    const cut = join(dir, 'cut.tar.gz');
    writeFileSync(cut, full.subarray(0, Math.floor(full.length * 0.6)));
    expect(() =>
      buildRecord(
        cut,
        {
          id: 'T',
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
      ),
    ).toThrow(/cut\.tar\.gz: .*(truncated|corrupt)/);
  });
});
