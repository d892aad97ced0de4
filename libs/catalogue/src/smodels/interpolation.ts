import { InputError } from '@sigmap/contracts';
import { symmetricEigen } from './linalg';

/**
 * Interpolation of an SModelS upper-limit or efficiency grid, as SModelS's `TxNameData` does it
 * (smodels/experiment/txnameDataObj.py; docs/manual/source/DatabaseStructure.rst "Data Processing"):
 *
 * 1. PCA: translate the flat mass points by their mean `delta_x`, rotate by `V` from the SVD of the centred
 *    points (at most 2000 of them, every n-th), and keep the first `dimensionality` coordinates, where
 *    `dimensionality` is the largest number of coordinates with |x| > 1e-4 among the rotated grid points.
 * 2. Delaunay triangulation of the reduced points; a query inside a simplex is interpolated linearly with its
 *    barycentric weights, clamped from below at the smallest vertex value, and rounded to 6 significant digits.
 *    A query outside every simplex gives `null` ("outside the grid"), never an extrapolated number.
 * 3. A query with more non-zero rotated coordinates than `dimensionality` (off the plane of the grid, e.g.
 *    unequal branches) is projected to the plane; the projected value is returned only when the
 *    extrapolation-error estimate (`_estimateExtrapolationError`, see below) is below 5%, else `null`.
 *
 * The Delaunay simplex holding a query is found without building the whole triangulation: it is the optimal
 * basis of the linear programme  min sum_j l_j |p_j|^2  s.t.  sum_j l_j p_j = q, sum_j l_j = 1, l >= 0
 * (the lower convex hull of the points lifted onto the paraboloid; Edelsbrunner & Seidel 1986), solved by a
 * small two-phase simplex method with Bland's rule. Where the Delaunay triangulation is not unique
 * (co-spherical points, e.g. a rectangular grid) any of the valid simplices may be returned; qhull breaks such
 * ties its own way, so values inside such cells can differ from SModelS by the spread of the tied vertices.
 * 1-D grids use sorted intervals, as SModelS's `Delaunay1D`.
 */
export class GridInterpolator {
  readonly fullDimensionality: number;
  readonly dimensionality: number;
  private readonly deltaX: number[];
  /** Columns are the principal axes. */
  private readonly V: number[][];
  private readonly values: number[];
  private readonly lp?: DelaunayLocator;
  private readonly sorted1d?: { x: number; y: number }[];

  constructor(
    points: number[][],
    values: number[],
    readonly acceptErrorsUpto: number | null = 0.05,
    label = 'grid',
  ) {
    if (points.length === 0) throw new InputError(label, 'the grid has no points');
    if (points.length !== values.length) throw new InputError(label, `${points.length} points but ${values.length} values`);
    const D = points[0].length;
    for (const [k, p] of points.entries()) if (p.length !== D) throw new InputError(`${label}[${k}]`, `point has ${p.length} coordinates, the first has ${D}`);
    this.fullDimensionality = D;
    this.values = values.slice();
    const N = points.length;
    // Row-major typed buffers instead of one array per point: a database holds ~10^6 grid points, and per-point
    // arrays made the garbage collector the largest cost of preparing it. The arithmetic (and its order) is unchanged.
    this.deltaX = new Array<number>(D);
    for (let j = 0; j < D; j++) {
      let sum = 0;
      for (let i = 0; i < N; i++) sum += points[i][j];
      this.deltaX[j] = sum / N;
    }
    const M = new Float64Array(N * D);
    for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) M[i * D + j] = points[i][j] - this.deltaX[j];
    const step = Math.ceil(N / 2000);
    const C = Array.from({ length: D }, () => new Array<number>(D).fill(0));
    for (let a = 0; a < D; a++)
      for (let b = 0; b < D; b++) {
        let sum = 0;
        for (let i = 0; i < N; i += step) sum += M[i * D + a] * M[i * D + b];
        C[a][b] = sum;
      }
    const { vectors } = symmetricEigen(C);
    // Fix the sign of each axis (SVD leaves it free): largest component positive.
    for (let c = 0; c < D; c++) {
      let big = 0;
      for (let r = 0; r < D; r++) if (Math.abs(vectors[r][c]) > Math.abs(big)) big = vectors[r][c];
      if (big < 0) for (let r = 0; r < D; r++) vectors[r][c] = -vectors[r][c];
    }
    this.V = vectors;
    const R = new Float64Array(N * D);
    let dim = 0;
    for (let i = 0; i < N; i++) {
      let nz = 0;
      for (let c = 0; c < D; c++) {
        let sum = 0;
        for (let r = 0; r < D; r++) sum += M[i * D + r] * this.V[r][c];
        R[i * D + c] = sum;
        if (Math.abs(sum) > 1e-4) nz++;
      }
      if (nz > dim) dim = nz;
    }
    if (dim === 0) throw new InputError(label, 'all grid points coincide; nothing to interpolate');
    this.dimensionality = dim;
    if (dim === 1) {
      const seen = new Map<number, number>();
      for (let i = 0; i < N; i++) {
        const x = R[i * D];
        if (seen.has(x) && this.values[seen.get(x)!] !== this.values[i])
          throw new InputError(label, `two grid points at the same position carry different values`);
        seen.set(x, i);
      }
      this.sorted1d = [...seen.entries()].map(([x, i]) => ({ x, y: this.values[i] })).sort((a, b) => a.x - b.x);
      if (this.sorted1d.length < 2) throw new InputError(label, 'a 1-D grid needs at least two distinct points');
    } else {
      const reduced = new Float64Array(N * dim);
      for (let i = 0; i < N; i++) for (let c = 0; c < dim; c++) reduced[i * dim + c] = R[i * D + c];
      this.lp = new DelaunayLocator(reduced, dim);
    }
  }

  private rotate(centred: number[]): number[] {
    const D = this.fullDimensionality;
    const out = new Array<number>(D).fill(0);
    for (let c = 0; c < D; c++) {
      let s = 0;
      for (let r = 0; r < D; r++) s += centred[r] * this.V[r][c];
      out[c] = s;
    }
    return out;
  }

  /** The PCA coordinates of a flat mass point (length fullDimensionality). */
  transform(point: number[]): number[] {
    return this.rotate(point.map((x, j) => x - this.deltaX[j]));
  }

  /** Linear interpolation in the reduced space (SModelS `interpolate`): NaN outside the triangulation. */
  interpolateReduced(P: number[]): number {
    const tol = 1e-6;
    let value: number;
    let minVertex: number;
    if (this.sorted1d) {
      const pts = this.sorted1d;
      const x = P[0];
      let k: number;
      if (x < pts[0].x) {
        if (Math.abs(x - pts[0].x) >= tol) return NaN;
        k = 0;
      } else if (x > pts[pts.length - 1].x) {
        if (Math.abs(x - pts[pts.length - 1].x) >= tol) return NaN;
        k = pts.length - 2;
      } else {
        k = 0;
        while (k < pts.length - 2 && x > pts[k + 1].x) k++;
      }
      const a = pts[k];
      const b = pts[k + 1];
      const w = (x - a.x) / (b.x - a.x);
      value = w * b.y + (1 - w) * a.y;
      minVertex = Math.min(a.y, b.y);
    } else {
      const hit = this.lp!.locate(P);
      if (!hit) return NaN;
      value = 0;
      minVertex = Infinity;
      hit.vertices.forEach((v, i) => {
        value += hit.weights[i] * this.values[v];
        minVertex = Math.min(minVertex, this.values[v]);
      });
    }
    if (value < minVertex) value = minVertex;
    return roundToN(value, 6);
  }

  /** SModelS `getValueFor`: the interpolated value, or null outside the grid. */
  valueAt(point: number[]): number | null {
    if (point.length !== this.fullDimensionality)
      throw new InputError('point', `has ${point.length} mass coordinates, the grid has ${this.fullDimensionality}`);
    if (point.some((x) => !Number.isFinite(x))) throw new InputError('point', 'masses must be finite numbers');
    // A spectrum asks the same grid for the same masses many times (one query per element and signal region): the
    // answer is a pure function of the point, so it is remembered (bounded, cleared when full).
    const key = point.join(',');
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const v = this.computeValueAt(point);
    if (this.memo.size >= 4096) this.memo.clear();
    this.memo.set(key, v);
    return v;
  }

  private readonly memo = new Map<string, number | null>();

  private computeValueAt(point: number[]): number | null {
    const P = this.transform(point);
    const projected = this.interpolateReduced(P.slice(0, this.dimensionality));
    const dp = countNonZeros(P);
    if (dp > this.dimensionality) {
      if (this.acceptErrorsUpto === null) return null;
      const de = this.estimateExtrapolationError(P, projected);
      if (de < this.acceptErrorsUpto) return returnProjected(projected);
      return null;
    }
    return returnProjected(projected);
  }

  /**
   * SModelS `_estimateExtrapolationError`: alpha = distance of the query from the grid's plane; one-sided
   * finite-difference gradient with step alpha along each in-plane axis; walk alpha along +-gradient and return
   * the larger relative change of the interpolated value (NaN when a step leaves the grid).
   * SModelS's loop adds every gradient component to one coordinate (its loop variable `i` is stale), which
   * makes its result depend on LAPACK's arbitrary SVD sign convention; we walk along the gradient as the
   * docstring describes. Both agree on the reference cases for any sign convention (see the tests).
   */
  estimateExtrapolationError(P: number[], projected: number): number {
    const d = this.dimensionality;
    const extra = P.slice(d);
    const alpha = Math.sqrt(extra.reduce((s, x) => s + x * x, 0));
    if (alpha === 0) return 0;
    const gradient: number[] = [];
    for (let i = 0; i < d; i++) {
      const P2 = P.slice();
      P2[i] += alpha;
      const pv = this.interpolateReduced(P2.slice(0, d));
      const g = (pv - projected) / alpha;
      if (Number.isNaN(g)) return NaN;
      gradient.push(g);
    }
    const C = Math.sqrt(gradient.reduce((s, g) => s + g * g, 0));
    if (C === 0) return 0;
    for (let i = 0; i < d; i++) gradient[i] = (gradient[i] / C) * alpha;
    const P3 = P.slice();
    const P4 = P.slice();
    gradient.forEach((g, i) => {
      P3[i] += g;
      P4[i] -= g;
    });
    const agp = this.interpolateReduced(P3.slice(0, d));
    const agm = this.interpolateReduced(P4.slice(0, d));
    let dep = 0;
    let dem = 0;
    if (projected === 0) {
      if (agp !== 0) dep = 1;
      if (agm !== 0) dem = 1;
    } else {
      dep = Math.abs(agp - projected) / projected;
      dem = Math.abs(agm - projected) / projected;
    }
    let de = dep;
    if (dem > de) de = dem;
    return de;
  }
}

function returnProjected(v: number): number | null {
  if (Number.isNaN(v)) return null;
  if (Math.abs(v) < 100 * Number.EPSILON) return 0;
  return v;
}

function countNonZeros(v: number[]): number {
  let n = 0;
  for (const x of v) if (Math.abs(x) > 1e-4) n++;
  return n;
}

/** SModelS `round_to_n`: round to n significant digits (python `round(x, k)`, exact decimal of the double). */
export function roundToN(x: number, n: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const digits = Math.trunc(-Math.sign(x) * Math.floor(Math.log10(Math.abs(x)))) + (n - 1);
  if (digits >= 0 && digits <= 100) return Number(x.toFixed(digits));
  const f = 10 ** -digits;
  return Math.round(x / f) * f;
}

/**
 * Finds the Delaunay simplex of a point set that holds a query point, as the optimal basis of the lifting LP
 * (see GridInterpolator). Coordinates are centred and scaled to O(1) first (a similarity keeps the triangulation).
 */
export class DelaunayLocator {
  private readonly d: number;
  private readonly n: number;
  private readonly cost: Float64Array;
  private readonly centre: number[];
  private readonly scale: number;
  /** pts row-major, their bounding box, and a distance buffer reused by every query. */
  private readonly flat: Float64Array;
  private readonly lo: number[];
  private readonly hi: number[];
  private readonly dist: Float64Array;

  /** `points`: N points of dimension d, row-major (or one array per point). */
  constructor(points: Float64Array | number[][], d?: number) {
    const flatIn = points instanceof Float64Array ? points : Float64Array.from(points.flat());
    this.d = d ?? (points as number[][])[0].length;
    const dd = this.d;
    const N = flatIn.length / dd;
    this.n = N;
    this.centre = new Array<number>(dd);
    for (let j = 0; j < dd; j++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < N; i++) {
        lo = Math.min(lo, flatIn[i * dd + j]);
        hi = Math.max(hi, flatIn[i * dd + j]);
      }
      this.centre[j] = (lo + hi) / 2;
    }
    let s = 0;
    for (let i = 0; i < N; i++) for (let j = 0; j < dd; j++) s = Math.max(s, Math.abs(flatIn[i * dd + j] - this.centre[j]));
    this.scale = s || 1;
    this.flat = new Float64Array(N * dd);
    this.cost = new Float64Array(N);
    this.lo = new Array<number>(dd).fill(Infinity);
    this.hi = new Array<number>(dd).fill(-Infinity);
    for (let i = 0; i < N; i++) {
      let c = 0;
      for (let j = 0; j < dd; j++) {
        const x = (flatIn[i * dd + j] - this.centre[j]) / this.scale;
        this.flat[i * dd + j] = x;
        c = c + x * x;
        if (x < this.lo[j]) this.lo[j] = x;
        if (x > this.hi[j]) this.hi[j] = x;
      }
      this.cost[i] = c;
    }
    this.dist = new Float64Array(N);
  }

  /** Point i (scaled coordinates). */
  private pt(i: number): Float64Array {
    return this.flat.subarray(i * this.d, (i + 1) * this.d);
  }

  /**
   * Vertex indices and barycentric weights of the Delaunay simplex holding q, or undefined when q is outside the hull.
   * The LP runs on the k nearest points first; its simplex is accepted only when no point of the whole set lies
   * inside its circumsphere (then it is a Delaunay simplex of the full set), else k grows. `ties` counts the other
   * points on the circumsphere (a non-unique triangulation).
   */
  locate(q: number[]): { vertices: number[]; weights: number[]; ties: number } | undefined {
    const d = this.d;
    const N = this.n;
    const qs = q.map((x, j) => (x - this.centre[j]) / this.scale);
    for (let j = 0; j < d; j++) if (qs[j] < this.lo[j] - 1e-9 || qs[j] > this.hi[j] + 1e-9) return undefined;
    // squared distances into a reused buffer (this is the hot loop of a reinterpretation: no allocation per point)
    const flat = this.flat;
    const dist = this.dist;
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const x = flat[i * d + j] - qs[j];
        s += x * x;
      }
      dist[i] = s;
    }
    for (let k = Math.min(N, 8 * (d + 1)); ; k = Math.min(N, k * 4)) {
      const subset = this.nearest(k);
      const hit = this.solve(subset, qs);
      if (hit) {
        const check = this.emptyCircumsphere(hit.vertices);
        if (check.empty || k === N) return { ...hit, ties: check.ties };
      } else if (k === N) return undefined;
    }
  }

  /**
   * The k nearest points by (distance, index) in that order: the first k of a stable sort by distance, found with a
   * bounded max-heap in O(N log k).
   */
  private nearest(k: number): number[] {
    const N = this.n;
    const dist = this.dist;
    const after = (a: number, b: number) => dist[a] > dist[b] || (dist[a] === dist[b] && a > b);
    const heap: number[] = [];
    const siftUp = (i: number) => {
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!after(heap[i], heap[p])) break;
        [heap[i], heap[p]] = [heap[p], heap[i]];
        i = p;
      }
    };
    const siftDown = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && after(heap[l], heap[m])) m = l;
        if (r < heap.length && after(heap[r], heap[m])) m = r;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    };
    for (let i = 0; i < N; i++) {
      if (heap.length < k) {
        heap.push(i);
        siftUp(heap.length - 1);
      } else if (after(heap[0], i)) {
        heap[0] = i;
        siftDown(0);
      }
    }
    return heap.sort((a, b) => dist[a] - dist[b] || a - b);
  }

  private emptyCircumsphere(vertices: number[]): { empty: boolean; ties: number } {
    const d = this.d;
    const p0 = Array.from(this.pt(vertices[0]));
    const A = vertices.slice(1).map((v) => Array.from(this.pt(v), (x, j) => 2 * (x - p0[j])));
    const b = vertices.slice(1).map((v) => this.cost[v] - this.cost[vertices[0]]);
    const c = solveSquare(A, b);
    if (!c) return { empty: true, ties: 0 };
    const r2 = p0.reduce((s, x, j) => s + (x - c[j]) ** 2, 0);
    let ties = 0;
    const flat = this.flat;
    for (let i = 0; i < this.n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const x = flat[i * d + j] - c[j];
        s += x * x;
      }
      if (s > r2 * (1 + 1e-9)) continue;
      if (vertices.includes(i)) continue;
      if (s < r2 * (1 - 1e-9)) return { empty: false, ties };
      ties++;
    }
    return { empty: true, ties };
  }

  /** Two-phase simplex (Dantzig pricing, Bland's rule after degenerate pivots) on the columns `subset`. */
  private solve(subset: number[], qs: number[]): { vertices: number[]; weights: number[] } | undefined {
    const d = this.d;
    const m = d + 1;
    const n = subset.length;
    const b = [...qs, 1];
    const sign = b.map((x) => (x < 0 ? -1 : 1));
    // columns 0..n-1: points (rows scaled by sign), n..n+m-1: artificials
    const A: number[][] = subset.map((v) => [...this.pt(v), 1].map((x, i) => x * sign[i]));
    for (let i = 0; i < m; i++) A.push(Array.from({ length: m }, (_, k): number => (k === i ? 1 : 0)));
    const basis = Array.from({ length: m }, (_, i) => n + i);
    const Binv: number[][] = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, k): number => (i === k ? 1 : 0)));
    const xB = b.map((x, i) => x * sign[i]);
    const pivot = (leave: number, enter: number, u: number[]) => {
      const piv = u[leave];
      for (let k = 0; k < m; k++) Binv[leave][k] /= piv;
      xB[leave] /= piv;
      for (let i = 0; i < m; i++) {
        if (i === leave || u[i] === 0) continue;
        const f = u[i];
        for (let k = 0; k < m; k++) Binv[i][k] -= f * Binv[leave][k];
        xB[i] -= f * xB[leave];
      }
      basis[leave] = enter;
    };
    const colU = (j: number) => Binv.map((row) => row.reduce((s, x, k) => s + x * A[j][k], 0));
    const run = (cost: (j: number) => number, ncols: number): boolean => {
      let degenerate = 0;
      for (let iter = 0; iter < 20 * (n + m) + 100; iter++) {
        const y = new Array<number>(m).fill(0);
        basis.forEach((j, i) => {
          const c = cost(j);
          if (c !== 0) for (let k = 0; k < m; k++) y[k] += c * Binv[i][k];
        });
        const inBasis = new Set(basis);
        let enter = -1;
        let bestRed = -1e-11;
        for (let j = 0; j < ncols; j++) {
          if (inBasis.has(j)) continue;
          let red = cost(j);
          for (let k = 0; k < m; k++) red -= y[k] * A[j][k];
          if (red < bestRed) {
            enter = j;
            if (degenerate > 10) break; // Bland: first improving column
            bestRed = red;
          }
        }
        if (enter === -1) return true;
        const u = colU(enter);
        let leave = -1;
        let best = Infinity;
        for (let i = 0; i < m; i++) {
          if (u[i] > 1e-12) {
            const r = xB[i] / u[i];
            if (r < best - 1e-15 || (Math.abs(r - best) <= 1e-15 && leave >= 0 && basis[i] < basis[leave])) {
              best = r;
              leave = i;
            }
          }
        }
        if (leave === -1) return false;
        degenerate = best <= 1e-15 ? degenerate + 1 : 0;
        pivot(leave, enter, u);
      }
      return false;
    };
    run((j) => (j >= n ? 1 : 0), n + m);
    let infeas = 0;
    basis.forEach((j, i) => {
      if (j >= n) infeas += xB[i];
    });
    if (infeas > 1e-9) return undefined;
    for (let i = 0; i < m; i++) {
      if (basis[i] < n) continue;
      const inBasis = new Set(basis);
      let done = false;
      for (let j = 0; j < n && !done; j++) {
        if (inBasis.has(j)) continue;
        const u = colU(j);
        if (Math.abs(u[i]) > 1e-9) {
          pivot(i, j, u);
          done = true;
        }
      }
      if (!done) return undefined;
    }
    if (!run((j) => (j < n ? this.cost[subset[j]] : Infinity), n)) return undefined;
    const vertices = basis.map((j) => subset[j]);
    const Bm = Array.from({ length: m }, (_, r) => vertices.map((v) => (r < d ? this.flat[v * d + r] : 1)));
    const w = solveSquare(Bm, b);
    if (!w) return undefined;
    return { vertices, weights: w.map((x) => (Math.abs(x) < 1e-13 ? 0 : x)) };
  }
}

function solveSquare(A: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const M = A.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    if (Math.abs(M[p][c]) < 1e-300) return undefined;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}
