/**
 * Dense linear algebra on flat, row-major Float64Arrays for the GP hot path.
 *
 * Matrices are n x n (or n x m) row-major; a lower-triangular Cholesky factor L keeps its upper part at zero.
 * Algorithms: Cholesky-Banachiewicz (Golub & Van Loan, Matrix Computations 4th ed., alg. 4.2.1, row form),
 * forward/back substitution (alg. 3.1.1/3.1.2), block extension of a Cholesky factor (GVL sec. 4.2.9 / the
 * bordering method): for K' = [[K, B], [B^T, C]], L' = [[L, 0], [S^T, L22]] with S = L^{-1} B and
 * L22 = chol(C - S^T S).
 */

/** Dot product of a[ia .. ia+len) and b[ib .. ib+len), unrolled by 4. */
export function dot(a: Float64Array, ia: number, b: Float64Array, ib: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += a[ia + k] * b[ib + k];
    s1 += a[ia + k + 1] * b[ib + k + 1];
    s2 += a[ia + k + 2] * b[ib + k + 2];
    s3 += a[ia + k + 3] * b[ib + k + 3];
  }
  for (; k < len; k++) s0 += a[ia + k] * b[ib + k];
  return s0 + s1 + s2 + s3;
}

/** In-place Cholesky of a symmetric positive-definite row-major matrix (lower part read). Returns false if not PD. */
function choleskyInPlace(A: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      const s = A[ri + j] - dot(A, ri, A, rj, j);
      A[ri + j] = s / A[rj + j];
    }
    const d = A[ri + i] - dot(A, ri, A, ri, i);
    if (!(d > 0) || !Number.isFinite(d)) return false;
    A[ri + i] = Math.sqrt(d);
    for (let j = i + 1; j < n; j++) A[ri + j] = 0;
  }
  return true;
}

export interface CholeskyResult {
  /** Lower factor, row-major n x n. */
  L: Float64Array;
  /** Diagonal jitter that had to be added (0 when A was numerically PD). */
  jitter: number;
}

/**
 * Cholesky with jitter escalation: tries A, then A + eps*I with eps = 1e-10 * mean(diag A), growing 10x per
 * failure up to 1e-2 * mean(diag A) (the GPyTorch/GPflow practice). Throws if still not PD.
 */
export function cholesky(A: Float64Array, n: number): CholeskyResult {
  const L = new Float64Array(n * n);
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += A[i * n + i];
  meanDiag = n > 0 ? meanDiag / n : 1;
  let jitter = 0;
  for (let attempt = 0; attempt < 10; attempt++) {
    L.set(A);
    if (jitter > 0) for (let i = 0; i < n; i++) L[i * n + i] += jitter;
    if (choleskyInPlace(L, n)) return { L, jitter };
    jitter = jitter === 0 ? 1e-10 * Math.abs(meanDiag || 1) : jitter * 10;
  }
  throw new RangeError(`cholesky: matrix not positive definite even with jitter ${jitter / 10}`);
}

/** Solves L x = b in place (L lower, row-major n x n). */
export function solveLowerInPlace(L: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) b[i] = (b[i] - dot(L, i * n, b, 0, i)) / L[i * n + i];
  return b;
}

/** Solves L^T x = b in place (L lower, row-major n x n). */
export function solveUpperTInPlace(L: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    const xi = b[i] / L[i * n + i];
    b[i] = xi;
    for (let k = 0; k < i; k++) b[k] -= L[i * n + k] * xi;
  }
  return b;
}

/** x = (L L^T)^{-1} b, returned as a new array. */
export function choleskySolve(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  solveLowerInPlace(L, n, x);
  return solveUpperTInPlace(L, n, x);
}

/**
 * Solves L V = B for many right-hand sides at once. B is given TRANSPOSED: m rows of length n (row a holds the
 * a-th right-hand side), and is overwritten with V^T (row a = L^{-1} b_a).
 */
export function solveLowerManyRows(L: Float64Array, n: number, Bt: Float64Array, m: number): Float64Array {
  for (let a = 0; a < m; a++) {
    const o = a * n;
    for (let i = 0; i < n; i++) Bt[o + i] = (Bt[o + i] - dot(L, i * n, Bt, o, i)) / L[i * n + i];
  }
  return Bt;
}

/** log det(L L^T) = 2 sum log L_ii. */
export function logDetFromCholesky(L: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(L[i * n + i]);
  return 2 * s;
}

/**
 * (L L^T)^{-1} from the Cholesky factor, full symmetric row-major result. N = L^{-T} is built row by row
 * (row j of N = L^{-1} e_j, supported on j..n-1), then K^{-1}_{ij} = sum_{k >= max(i,j)} N_ik N_jk: both steps
 * are contiguous dot products (n^3/6 + n^3/6 flops).
 */
export function choleskyInverse(L: Float64Array, n: number): Float64Array {
  const N = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    for (let i = j; i < n; i++) {
      const s = (i === j ? 1 : 0) - dot(L, i * n + j, N, rj + j, i - j);
      N[rj + i] = s / L[i * n + i];
    }
  }
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const v = dot(N, ri + i, N, j * n + i, n - i);
      K[ri + j] = v;
      K[j * n + i] = v;
    }
  }
  return K;
}

/**
 * Extends a Cholesky factor by k rows (bordering method). L is n x n, B is the n x k cross block given
 * TRANSPOSED (k rows of length n), C is the k x k new block. Returns the (n+k) x (n+k) factor and the jitter
 * added to C - S^T S (0 if none). Cost O(n^2 k + n k^2 + k^3) instead of O((n+k)^3).
 */
export function choleskyExtend(L: Float64Array, n: number, Bt: Float64Array, C: Float64Array, k: number): CholeskyResult {
  const S = solveLowerManyRows(L, n, Float64Array.from(Bt), k); // k rows: S^T
  const schur = new Float64Array(k * k);
  for (let a = 0; a < k; a++)
    for (let b = 0; b <= a; b++) {
      const v = C[a * k + b] - dot(S, a * n, S, b * n, n);
      schur[a * k + b] = v;
      schur[b * k + a] = v;
    }
  const { L: L22, jitter } = cholesky(schur, k);
  const m = n + k;
  const out = new Float64Array(m * m);
  for (let i = 0; i < n; i++) out.set(L.subarray(i * n, i * n + i + 1), i * m);
  for (let a = 0; a < k; a++) {
    const row = (n + a) * m;
    out.set(S.subarray(a * n, a * n + n), row);
    for (let b = 0; b <= a; b++) out[row + n + b] = L22[a * k + b];
  }
  return { L: out, jitter };
}
