import { describe, expect, it } from 'vitest';
import { InputError } from '@sigmap/contracts';
import { allCells, cellOfSignature, PAIR_KEYS, parseCell } from './signatures';
import { buildCoverage, excludedPointsPerSearch } from './coverage';
import { recommend } from './recommend';
import { renderCoverageSvg, EMPTY_FILL, UNQUANTIFIED_FILL, rampColor } from './svg';
import { classifyNodes, excludedVolume, massReach, spaceOf } from './volume';
import type { FamilyInfo, ScanEvidence, SearchRecord } from './types';

const lin = (name: string, min: number, max: number) => ({ name, min, max, scale: 'linear' as const });

function scan1d(id: string, family: string, pts: [number, boolean][], search = 'S1', range = { min: 0, max: 100 }): ScanEvidence {
  return {
    scanId: id,
    family,
    parameters: { m: { ...range, scale: 'linear' } },
    searches: [{ id: search, version: 'v1' }],
    evaluations: pts.map(([m, excluded]) => ({ point: { m }, search, excluded })),
  };
}

const versions = new Map([['S1', { id: 'S1', version: 'v1' }]]);

describe('signature vocabulary', () => {
  it('has 55 unordered pairs with canonical keys, and the complex rows', () => {
    expect(PAIR_KEYS).toHaveLength(55);
    expect(new Set(PAIR_KEYS).size).toBe(55);
    expect(parseCell('mu-e').key).toBe('e-mu');
    expect(parseCell(['b', 'b']).key).toBe('b-b');
    expect(parseCell('H Z').key).toBe('Z-H');
    expect(parseCell('photon,jet').key).toBe('gamma-j');
    expect(parseCell('complex:sbottom')).toMatchObject({ kind: 'complex', key: 'complex:sbottom' });
    expect(allCells()).toHaveLength(55 + 11); // 55 pairs + the complex rows of libs/physics COMPLEX_CLASSES
    expect(allCells(['sbottom', 'mystery'])).toHaveLength(67);
    expect(cellOfSignature({ pair: ['H', 'b'], class: 'complex' }, ['sbottom_direct']).key).toBe('complex:sbottom');
    expect(cellOfSignature({ pair: ['H', 'b'], class: 'complex' }, ['mystery']).key).toBe('complex:b-H');
    expect(cellOfSignature({ pair: ['mu', 'e'], class: 'resonance-mixed' }).key).toBe('e-mu');
    expect(() => parseCell('b-x')).toThrow(InputError);
  });
});

describe('excluded volume (uniform in the declared scales)', () => {
  it('1D linear: nearest-neighbour boundary halfway between 30 (excluded) and 70 (allowed) gives 0.5', () => {
    const space = spaceOf([lin('m', 0, 100)], [scan1d('a', 'F', [[10, true], [30, true], [70, false], [90, false]])]);
    const v = excludedVolume(classifyNodes(space, new Set(['S1']), versions)!);
    expect(v.fraction).toBe(0.5);
    expect(v.scannedFraction).toBe(1);
    expect(v.points).toBe(4);
    expect(v.provenance.scanIds).toEqual(['a']);
    expect(v.provenance.searches).toEqual([{ id: 'S1', version: 'v1' }]);
    expect(v.provenance.method).toMatch(/nn-grid/);
  });

  it('1D log scale: points at 10 (excluded) and 1000 (allowed) split the prior at u = 0.5, i.e. m = 100', () => {
    const box = [{ name: 'm', min: 10, max: 1000, scale: 'log' as const }];
    const s: ScanEvidence = { ...scan1d('a', 'F', [[10, true], [1000, false]]), parameters: { m: { min: 10, max: 1000, scale: 'log' } } };
    const space = spaceOf(box, [s]);
    expect(excludedVolume(classifyNodes(space, new Set(['S1']), versions)!).fraction).toBe(0.5);
    const r = massReach(undefined, space, new Set(['S1']), versions)!;
    // highest excluded node: u = 127.5/256 -> m = 10 * 100^(127.5/256)
    expect(r.mass).toBeCloseTo(10 * Math.pow(100, 127.5 / 256), 9);
    expect(Math.abs(r.mass! - 100)).toBeLessThanOrEqual(r.resolution! * 1.01);
  });

  it('a scan over half the box: nodes outside count as not excluded, scanned fraction 0.5', () => {
    const space = spaceOf([lin('m', 0, 100)], [scan1d('a', 'F', [[10, true], [40, true]], 'S1', { min: 0, max: 50 })]);
    const v = excludedVolume(classifyNodes(space, new Set(['S1']), versions)!);
    expect(v.fraction).toBe(0.5);
    expect(v.scannedFraction).toBe(0.5);
  });

  it('2D: boundary x = 0.5 between (0.2, 0.5) excluded and (0.8, 0.5) allowed gives 0.5; fixed parameters are reported', () => {
    const s: ScanEvidence = {
      scanId: 'b',
      family: 'G',
      parameters: { x: { min: 0, max: 1, scale: 'linear' }, y: { min: 0, max: 1, scale: 'linear' }, g: { min: 0.1, max: 0.1, scale: 'linear', fixed: 0.1 } },
      searches: [{ id: 'S1', version: 'v1' }],
      evaluations: [
        { point: { x: 0.2, y: 0.5, g: 0.1 }, search: 'S1', excluded: true },
        { point: { x: 0.8, y: 0.5, g: 0.1 }, search: 'S1', excluded: false },
      ],
    };
    const space = spaceOf([lin('x', 0, 1), lin('y', 0, 1), lin('g', 0, 1)], [s]);
    const v = excludedVolume(classifyNodes(space, new Set(['S1']), versions)!);
    expect(v.over).toEqual(['x', 'y']);
    expect(v.fixed).toEqual({ g: 0.1 });
    expect(v.fraction).toBe(0.5);
  });

  it('restricts the prior to the allowed region (x > y): allowed fraction 2016/4096 on the 64^2 grid', () => {
    const s: ScanEvidence = {
      scanId: 'c',
      family: 'A',
      parameters: { x: { min: 0, max: 1, scale: 'linear' }, y: { min: 0, max: 1, scale: 'linear' } },
      searches: [{ id: 'S1', version: 'v1' }],
      evaluations: [{ point: { x: 0.75, y: 0.25 }, search: 'S1', excluded: true }],
    };
    const space = spaceOf([lin('x', 0, 1), lin('y', 0, 1)], [s], (p) => p.x > p.y);
    const v = excludedVolume(classifyNodes(space, new Set(['S1']), versions)!);
    // nodes (i + 0.5)/64 with i > j: 64 * 63 / 2 = 2016 of 4096; every allowed node is excluded (one excluded point)
    expect(v.allowedFraction).toBe(2016 / 4096);
    expect(v.fraction).toBe(1);
    expect(v.provenance.method).toMatch(/allowed region/);
    const fam: FamilyInfo = { id: 'A', parameters: [lin('x', 0, 1000), lin('y', 0, 1000)], signatures: [{ cell: 'W-W', br: 1 }], massParameter: 'x', allowed: (p) => p.x > p.y };
    const map = buildCoverage({ searches: [], families: [fam], scans: [] });
    const recs = recommend({ map, searches: [], families: [fam], scans: [], massEdges: [0, 500, 1000] });
    // unscanned: all allowed volume is unexcluded; x in [0, 500) holds 32*31/2 = 496 of the 2016 allowed nodes
    expect(recs.map((r) => [r.mass.min, r.score])).toEqual([
      [500, 1520 / 2016],
      [0, 496 / 2016],
    ]);
  });

  it('uses the GP grid when the scan carries one and the selection is all its searches', () => {
    const s = scan1d('a', 'F', [[10, true], [30, true], [70, false], [90, false]]);
    s.gpGrid = Array.from({ length: 100 }, (_, i) => ({ point: { m: i + 0.5 }, pExcluded: i < 30 ? 0.9 : 0.1 }));
    const c = classifyNodes(spaceOf([lin('m', 0, 100)], [s]), new Set(['S1']), versions)!;
    const v = excludedVolume(c);
    expect(v.provenance.method).toMatch(/gp-grid/);
    // GP nodes at 0.5..99.5; NN boundary between 29.5 (excluded) and 30.5 (allowed) is m = 30: grid nodes
    // (i + 0.5)/4096 < 0.3 are i = 0..1228, so the midpoint rule gives 1229/4096 (0.3 to 1/4096)
    expect(v.fraction).toBe(1229 / 4096);
  });

  it('mass reach at a reference coupling on a triangle exclusion m < 100 g', () => {
    const evaluations = [];
    for (let i = 0; i <= 20; i++)
      for (let k = 0; k <= 20; k++) {
        const m = i * 5;
        const g = k / 20;
        evaluations.push({ point: { m, g }, search: 'S1', excluded: m < 100 * g });
      }
    const s: ScanEvidence = { scanId: 't', family: 'T', parameters: { m: { min: 0, max: 100, scale: 'linear' }, g: { min: 0, max: 1, scale: 'linear' } }, searches: [{ id: 'S1', version: 'v1' }], evaluations };
    const fam: FamilyInfo = { id: 'T', parameters: [lin('m', 0, 100), lin('g', 0, 1)], signatures: [], massParameter: 'm', reference: { g: 0.3 } };
    const space = spaceOf(fam.parameters, [s]);
    const r = massReach(fam, space, new Set(['S1']), versions)!;
    // on the lattice, m = 25 is the highest excluded point at g = 0.3; nearest-neighbour puts the edge at 27.5
    expect(r.mass!).toBeGreaterThan(25);
    expect(r.mass!).toBeLessThan(30);
    expect(r.reference).toEqual({ g: 0.3 });
    // triangle area 0.5 under the uniform prior; the 21x21 lattice resolves it to within a lattice step
    expect(Math.abs(excludedVolume(classifyNodes(space, new Set(['S1']), versions)!).fraction - 0.5)).toBeLessThan(0.05);
  });
});

describe('coverage map', () => {
  const searches: SearchRecord[] = [
    { id: 'S1', experiment: 'ATLAS', sqrtS: 13, lumiFb: 139, signatures: ['b-b', 'complex:sbottom'], families: ['F'], material: 'full-likelihood', version: 'v1', sha: 'abc' },
    { id: 'S2', experiment: 'CMS', sqrtS: 13, lumiFb: 138, signatures: [['e', 'e']], families: [], material: 'upper-limit-map', version: 'v2' },
  ];
  const families: FamilyInfo[] = [
    { id: 'F', parameters: [lin('m', 0, 100)], signatures: [{ cell: 'b-b', br: 0.8 }, { cell: 'complex:sbottom', br: 1 }] },
    { id: 'Z', parameters: [lin('m', 100, 900)], signatures: [{ cell: 'e-mu', br: 0.5 }, { cell: 'e-e', br: 1 }] },
  ];
  const scans = [
    scan1d('s1', 'F', [[10, true], [30, true], [70, false], [90, false]]),
    scan1d('s2', 'F', [[10, true], [20, false]]),
  ];

  it("keeps sigmap's own searches in a separate layer that never makes a cell covered", () => {
    const own: SearchRecord = { id: 'own-x', experiment: 'ATLAS', sqrtS: 13, lumiFb: 139, signatures: ['e-mu', 'b-b'], families: ['Z'], material: 'full-likelihood', version: 'demo', layer: 'own' };
    const map = buildCoverage({ searches: [...searches, own], families, scans, catalogue: 'test catalogue' });
    expect(map.summary).toMatchObject({ covered: 3, searches: 2, ownSearches: 1, catalogue: 'test catalogue' });
    const emu = map.cells.find((c) => c.key === 'e-mu')!;
    expect(emu.empty).toBe(true);
    expect(emu.searches).toEqual([]);
    expect(emu.ownSearches.map((s) => s.id)).toEqual(['own-x']);
    expect(map.cells.find((c) => c.key === 'b-b')!.searches.map((s) => s.id)).toEqual(['S1']);
    const rec = recommend({ map, searches: [...searches, own], families, scans }).find((r) => r.cell === 'e-mu')!;
    expect(rec.existingSearches).toEqual([]);
    expect(rec.explanation).toMatch(/\(test catalogue\).*own-x do not count as LHC coverage/);
  });

  it('counts excluded points per search, one per distinct point and scan', () => {
    const c = excludedPointsPerSearch([...scans, { ...scans[1], scanId: 's3', evaluations: [...scans[1].evaluations, scans[1].evaluations[0]] }]);
    expect(c.get('S1')).toMatchObject({ evaluated: 8, excluded: 4 });
  });

  it('places searches in cells, finds the empty ones, and estimates per-family exclusion with provenance', () => {
    const map = buildCoverage({ searches, families, scans });
    expect(map.summary).toMatchObject({ cells: 66, covered: 3, empty: 63, searches: 2, ownSearches: 0, scans: 2, evaluations: 6 });
    expect(map.summary.emptyCells).toContain('e-mu');
    const bb = map.cells.find((c) => c.key === 'b-b')!;
    expect(bb.searches.map((s) => s.id)).toEqual(['S1']);
    expect(bb.searches[0]).toMatchObject({ evaluatedPoints: 6, excludedPoints: 3, scanIds: ['s1', 's2'], sha: 'abc' });
    expect(bb.families).toHaveLength(1);
    expect(bb.families[0]).toMatchObject({ family: 'F', br: 0.8, searches: ['S1'] });
    // points 10 (x), 20 (allowed), 30 (x), 70, 90: NN boundaries at 15, 25 and 50 -> excluded [0,15) + [25,50) = 0.4
    expect(bb.families[0].excluded!.fraction).toBeCloseTo(0.4, 3);
    expect(bb.families[0].excluded!.provenance.scanIds).toEqual(['s1', 's2']);
    expect(bb.maxExcludedFraction).toBeCloseTo(0.4, 3);
    expect(bb.families[0].massReach!.mass!).toBeCloseTo(49.8046875, 9);
    const ee = map.cells.find((c) => c.key === 'e-e')!;
    expect(ee.empty).toBe(false);
    expect(ee.maxExcludedFraction).toBeNull();
    expect(ee.families.map((f) => f.family)).toEqual(['Z']);
    expect(map.families.find((f) => f.family === 'Z')!.excluded).toBeNull();
  });

  it('ranks next-best searches by unexcluded volume x BR x novelty, with explanations', () => {
    const map = buildCoverage({ searches, families, scans });
    const recs = recommend({ map, searches, families, scans, massEdges: [0, 250, 500, 1000] });
    // Hand computation. F (m in [0, 100], all below 250 GeV): unexcluded 0.6 (see above), probed cells b-b (BR 0.8)
    // and complex:sbottom (BR 1), each with one search (novelty 1/2). Z (m in [100, 900], never scanned): its volume
    // splits 150/800, 250/800, 400/800 over the three mass ranges; e-e (BR 1, probed by S2: novelty 1/2) and
    // e-mu (BR 0.5, no search: novelty 1).
    const expected: [string, number, number][] = [
      ['complex:sbottom', 0, 0.6 * 1 * 0.5],
      ['e-e', 500, 0.5 * 1 * 0.5],
      ['e-mu', 500, 0.5 * 0.5 * 1],
      ['b-b', 0, 0.6 * 0.8 * 0.5],
      ['e-e', 250, 0.3125 * 0.5],
      ['e-mu', 250, 0.3125 * 0.5],
      ['e-e', 0, 0.1875 * 0.5],
      ['e-mu', 0, 0.1875 * 0.5],
    ];
    expect(recs.map((r) => [r.cell, r.mass.min])).toEqual(expected.map(([c, m]) => [c, m]));
    // F's unexcluded volume is 0.6 up to the grid's midpoint rule (1/4096)
    recs.forEach((r, i) => expect(Math.abs(r.score - expected[i][2])).toBeLessThan(1 / 4096));
    expect(recs.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const emu = recs[2];
    expect(emu.explanation).toMatch(/No published analysis in the catalogue probes this signature/);
    expect(emu.contributions[0]).toMatchObject({ family: 'Z', scanned: false, br: 0.5 });
    expect(recs[1].explanation).toMatch(/Already probed by S2/);
    expect(recs[0].provenance.scanIds).toEqual(['s1', 's2']);
    expect(recs[0].provenance.searches).toEqual([{ id: 'S1', version: 'v1', sha: 'abc' }]);
    expect(recommend({ map, searches, families, scans, massEdges: [0, 250, 500, 1000], limit: 2 })).toHaveLength(2);
  });

  it('draws an SVG with one rect per cell, filled by coverage', () => {
    const map = buildCoverage({ searches, families, scans });
    const svg = renderCoverageSvg(map);
    expect(svg.match(/data-cell="/g)).toHaveLength(66);
    expect(svg.match(/data-covered="1"/g)).toHaveLength(3);
    expect(svg.split(`fill="${EMPTY_FILL}" stroke=`).length - 1).toBe(63);
    expect(svg).toContain(`fill="${UNQUANTIFIED_FILL}" stroke=`);
    expect(svg).toContain(`fill="${rampColor(0.4)}" stroke=`);
    expect(rampColor(0)).toBe('#fef0d9');
    expect(rampColor(1)).toBe('#b30000');
  });
});
