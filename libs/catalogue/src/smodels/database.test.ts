import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRoot } from '../paths';
import { loadSmodelsResult, parseGrid, parseInfoFile, parseTxNameFile } from './database';
import { parseValue } from './values';

const db = join(dataRoot(), 'smodels_db');
function resultFolders(dir: string): string[] {
  if (readdirSync(dir).includes('globalInfo.txt')) return [dir];
  return readdirSync(dir)
    .filter((d) => statSync(join(dir, d)).isDirectory())
    .flatMap((d) => resultFolders(join(dir, d)));
}

describe('SModelS database reader', () => {
  it('loads every result of the shared database with consistent grids', () => {
    const folders = resultFolders(db);
    expect(folders.length).toBe(13);
    for (const f of folders) {
      const r = loadSmodelsResult(f);
      expect(r.sqrtsTeV === 8 || r.sqrtsTeV === 13).toBe(true);
      expect(r.lumiFb).toBeGreaterThan(0);
      for (const ds of r.datasets)
        for (const tx of ds.txNames) {
          expect(tx.observed.points.length).toBe(tx.observed.values.length);
          expect(tx.observed.points.every((p) => p.length === tx.observed.shape.reduce((a, b) => a + b, 0))).toBe(true);
        }
    }
  });

  it('reads units, per-SR numbers and the pyhf json mapping of ATLAS-SUSY-2018-31-eff', () => {
    const r = loadSmodelsResult(join(db, '13TeV/ATLAS/ATLAS-SUSY-2018-31-eff'));
    expect(r.id).toBe('ATLAS-SUSY-2018-31');
    expect(r.lumiFb).toBe(139);
    const sra = r.datasets.find((d) => d.dataId === 'SRA_H')!;
    expect(sra).toMatchObject({ dataType: 'efficiencyMap', observedN: 2, expectedBG: 3, bgError: 1.5 });
    expect(sra.upperLimitPb).toBeCloseTo(0.0368e-3, 15); // 0.0368*fb
    expect(r.jsonFiles!['BkgOnlyA.json'].map((x) => x.smodels)).toEqual(['SRA_L', 'SRA_M', 'SRA_H']);
    const tx = sra.txNames[0];
    expect(tx.txName).toBe('T6bbHH');
    expect(tx.observed.shape).toEqual([3, 3]);
    expect(tx.observed.points[0]).toEqual([1300, 205, 60, 1300, 205, 60]);
    expect(tx.observed.values[0]).toBe(0.014566);
  });

  it('converts fb and pb upper limits to pb and TeV masses to GeV', () => {
    const g = parseGrid('[[[[1.0*TeV, 50.0*GeV], [1.0*TeV, 50.0*GeV]], 65.0*fb], [[[1100*GeV, 50*GeV], [1100*GeV, 50*GeV]], 0.5*pb]]', 'upperLimit', 'ul');
    expect(g.points[0]).toEqual([1000, 50, 1000, 50]);
    expect(g.values).toEqual([0.065, 0.5]);
  });
});

describe('bad database input is a clear error', () => {
  it('ragged arrays', () => {
    expect(() =>
      parseGrid('[[[[100*GeV, 50*GeV], [100*GeV, 50*GeV]], 1*pb], [[[200*GeV], [200*GeV, 50*GeV]], 2*pb]]', 'upperLimit', 'T2.txt:upperLimits'),
    ).toThrow(/T2\.txt:upperLimits\[1\]: ragged grid: point has branch lengths \[1,2\] but the first point has \[2,2\]/);
  });
  it('unknown units and missing units', () => {
    expect(() => parseValue('[[[[100*GeV]], 1*nb]]', 'f')).toThrow(/unknown unit 'nb'/);
    expect(() => parseGrid('[[[[100*GeV, 50*GeV], [100*GeV, 50*GeV]], 1.0]]', 'upperLimit', 'f')).toThrow(/has no unit/);
    expect(() => parseGrid('[[[[100, 50*GeV], [100*GeV, 50*GeV]], 1.0*pb]]', 'upperLimit', 'f')).toThrow(/mass 100 has no unit/);
    expect(() => parseGrid('[[[[100*GeV, 50*GeV], [100*GeV, 50*GeV]], 0.2*fb]]', 'efficiencyMap', 'f')).toThrow(/unitless/);
  });
  it('truncated and malformed values', () => {
    expect(() => parseValue('[[[[100*GeV, 50*GeV], [100*GeV, 50*GeV]], 1*pb], [[[200*GeV', 'f')).toThrow(/unexpected end|unterminated/);
    expect(() => parseValue('[[1, 2] 3]', 'f')).toThrow(/expected ',' or '\]'/);
    expect(() => parseGrid('[[[[100*GeV, 50*GeV], [100*GeV, 50*GeV]], -1*pb]]', 'upperLimit', 'f')).toThrow(/>= 0/);
  });
  it('a txname file without data, and a result folder with inconsistent parts', () => {
    expect(() => parseTxNameFile('txName: T2\nconstraint: x\n', 'T2.txt')).toThrow(/neither upperLimits nor efficiencyMap/);
    const dir = mkdtempSync(join(tmpdir(), 'sigmap-smodels-'));
    writeFileSync(join(dir, 'globalInfo.txt'), 'id: TEST-1\nsqrts: 13*TeV\nlumi: 10/ab\n');
    expect(() => loadSmodelsResult(dir)).toThrow(/lumi: expected '<number>\/fb'/);
    writeFileSync(join(dir, 'globalInfo.txt'), 'id: TEST-1\nsqrts: 13*TeV\nlumi: 10/fb\n');
    mkdirSync(join(dir, 'SR1'));
    writeFileSync(join(dir, 'SR1', 'dataInfo.txt'), 'dataType: efficiencyMap\ndataId: SR1\nobservedN: 3\n');
    expect(() => loadSmodelsResult(dir)).toThrow(/needs observedN, expectedBG and bgError/);
  });
  it('continuation lines and comments of info files', () => {
    const f = parseInfoFile('# comment\nid: X\njsonFiles: {\n  "a": [1,\n   2]}\n', 't');
    expect(f.get('jsonFiles')).toContain('2]}');
    expect(() => parseInfoFile('  orphan line\n', 't')).toThrow(/t:1/);
  });
});
