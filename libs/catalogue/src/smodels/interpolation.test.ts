import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '@sigmap/contracts';
import { describe, expect, it } from 'vitest';
import { dataRoot } from '../paths';
import { loadSmodelsResult } from './database';
import { DelaunayLocator, GridInterpolator, roundToN } from './interpolation';

// Reference numbers: shared/data/smodels_reference (SModelS unittests @ 4620aaac).
interface RefCase {
  id: string;
  grid_fb?: [number[] | number, number][];
  grid_pb?: [number | number[], number][];
  grid_unitless?: [number[], number][];
  grid?: string;
  query_flat?: number[];
  query?: number[][];
  expected_pb?: number | null;
  expected?: number | null;
  outside_query_flat?: number[];
  outside_expected?: null;
  tolerance: string;
}
const ref = JSON.parse(readFileSync(join(dataRoot(), 'smodels_reference', 'smodels_reference_numbers.json'), 'utf8')) as {
  self_contained_interpolation: RefCase[];
};
const cases = ref.self_contained_interpolation;

/** unittest assertAlmostEqual(a, b, places=p): round(a - b, p) == 0. */
function almostEqual(a: number, b: number, places: number): boolean {
  return Math.abs(a - b) < 0.5 * 10 ** -places;
}
const placesOf = (tol: string) => Number(/places=(\d+)/.exec(tol)?.[1] ?? 7);

/** Grid as SModelS builds it in the tests: both branches equal, fb converted to pb. */
function gridOf(c: RefCase): GridInterpolator {
  const src =
    c.grid_fb ?? c.grid_pb ?? c.grid_unitless ?? (c.grid?.startsWith('same as') ? cases.find((x) => c.grid!.endsWith(x.id))!.grid_unitless : undefined);
  if (!src) throw new Error(`no grid for ${c.id}`);
  const scale = c.grid_fb ? 1e-3 : 1;
  const points = src.map(([m]) => (Array.isArray(m) ? [...m, ...m] : [m, m]));
  return new GridInterpolator(
    points,
    src.map(([, y]) => y * scale),
  );
}

describe('SModelS self-contained interpolation references', () => {
  it('has all five reference cases', () => {
    expect(cases.map((c) => c.id).sort()).toEqual([
      'direct_data_2D',
      'extrapolation_4pts',
      'interp_1D',
      'outside_convex_hull_large_offset',
      'outside_convex_hull_small_offset',
    ]);
  });
  for (const c of cases) {
    it(`${c.id} (${c.tolerance})`, () => {
      const g = gridOf(c);
      const q = c.query_flat ?? c.query!.flat();
      const want = c.expected_pb !== undefined ? c.expected_pb : c.expected!;
      const got = g.valueAt(q);
      if (want === null) expect(got).toBeNull();
      else {
        expect(got).not.toBeNull();
        expect(almostEqual(got!, want, placesOf(c.tolerance)), `${got} vs ${want}`).toBe(true);
      }
      if (c.outside_query_flat) expect(g.valueAt(c.outside_query_flat)).toBeNull();
      if (c.id === 'extrapolation_4pts') {
        // "also 0.0125 when one mass is shifted by 1 keV"
        expect(almostEqual(g.valueAt([275, 175, 275, 175 + 1e-6])!, 0.0125, 7)).toBe(true);
        expect(g.dimensionality).toBe(1);
      }
    });
  }

  it('the large-offset case is refused by the extrapolation-error estimate, not by the hull', () => {
    const g = gridOf(cases.find((c) => c.id === 'outside_convex_hull_large_offset')!);
    const P = g.transform([300, 125, 300, 100]);
    const projected = g.interpolateReduced(P.slice(0, g.dimensionality));
    expect(projected).toBeCloseTo(0.1075, 10); // the projected point is inside the grid...
    expect(g.estimateExtrapolationError(P, projected)).toBeGreaterThan(0.05); // ...but too far off the plane
  });
});

describe('grid interpolation on database grids', () => {
  const res = loadSmodelsResult(join(dataRoot(), 'smodels_db/13TeV/ATLAS/ATLAS-SUSY-2018-31-eff'));
  const tx = res.datasets.find((d) => d.dataId === 'SRA_H')!.txNames[0];
  const g = new GridInterpolator(tx.observed.points, tx.observed.values);

  it('finds the 3-D structure of the T6bbHH map (m_chi1 = 60 and m_chi2 - m_chi1 = 130 planes)', () => {
    expect(g.fullDimensionality).toBe(6);
    expect(g.dimensionality).toBe(3);
  });

  it('returns the grid value at every grid point (rounded to 6 significant digits, as SModelS)', () => {
    tx.observed.points.forEach((p, i) => {
      expect(g.valueAt(p)).toBe(roundToN(tx.observed.values[i], 6));
    });
  });

  it('interpolates linearly along a grid line between neighbours and returns null off the grid', () => {
    // (1300, 205, 60) and (1300, 550, 60) are SRA_H grid points; the midpoint lies inside the hull
    const v = g.valueAt([1300, 400, 60, 1300, 400, 60]);
    expect(v).not.toBeNull();
    expect(g.valueAt([5000, 400, 60, 5000, 400, 60])).toBeNull();
    expect(g.valueAt([1300, 400, -500, 1300, 400, -500])).toBeNull();
  });

  it('rejects a query with the wrong number of masses', () => {
    expect(() => g.valueAt([1300, 400, 60])).toThrow(/3 mass coordinates, the grid has 6/);
  });
});

describe('DelaunayLocator (lifting LP)', () => {
  function circumsphereHasNoPoint(pts: number[][], simplex: number[]): boolean {
    // centre c solves 2 (p_i - p_0) . c = |p_i|^2 - |p_0|^2
    const d = pts[0].length;
    const p0 = pts[simplex[0]];
    const A = simplex.slice(1).map((k) => pts[k].map((x, j) => 2 * (x - p0[j])));
    const b = simplex.slice(1).map((k) => pts[k].reduce((s, x) => s + x * x, 0) - p0.reduce((s, x) => s + x * x, 0));
    // Gaussian elimination
    const M = A.map((r, i) => [...r, b[i]]);
    for (let c = 0; c < d; c++) {
      let piv = c;
      for (let r = c + 1; r < d; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
      [M[c], M[piv]] = [M[piv], M[c]];
      for (let r = c + 1; r < d; r++) {
        const f = M[r][c] / M[c][c];
        for (let k = c; k <= d; k++) M[r][k] -= f * M[c][k];
      }
    }
    const cen = new Array<number>(d).fill(0);
    for (let r = d - 1; r >= 0; r--) {
      let s = M[r][d];
      for (let k = r + 1; k < d; k++) s -= M[r][k] * cen[k];
      cen[r] = s / M[r][r];
    }
    const r2 = p0.reduce((s, x, j) => s + (x - cen[j]) ** 2, 0);
    return pts.every((p, k) => simplex.includes(k) || p.reduce((s, x, j) => s + (x - cen[j]) ** 2, 0) >= r2 * (1 - 1e-9));
  }

  for (const d of [2, 3]) {
    it(`locates the Delaunay simplex holding random queries (${d}-D, random points)`, () => {
      const rng = createRng(17 + d);
      const pts = Array.from({ length: 60 }, () => Array.from({ length: d }, () => rng.uniform() * 100));
      const loc = new DelaunayLocator(pts);
      let inside = 0;
      for (let t = 0; t < 200; t++) {
        const q = Array.from({ length: d }, () => rng.uniform() * 100);
        const hit = loc.locate(q);
        if (!hit) continue;
        inside++;
        expect(hit.vertices).toHaveLength(d + 1);
        expect(hit.weights.every((w) => w >= -1e-9)).toBe(true);
        expect(hit.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
        for (let j = 0; j < d; j++) expect(hit.vertices.reduce((s, v, i) => s + hit.weights[i] * pts[v][j], 0)).toBeCloseTo(q[j], 9);
        expect(circumsphereHasNoPoint(pts, hit.vertices)).toBe(true);
      }
      expect(inside).toBeGreaterThan(100);
      expect(loc.locate(Array.from({ length: d }, () => 250))).toBeUndefined();
    });
  }
});
