import { createRng } from '@sigmap/contracts';
import { describe, expect, it } from 'vitest';
import { cholesky, choleskyExtend, choleskyInverse, choleskySolve, logDetFromCholesky, solveLowerManyRows } from './linalg';

function randomSpd(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const B = Float64Array.from({ length: n * n }, () => rng.uniform() - 0.5);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = i === j ? n * 0.1 : 0;
      for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
      A[i * n + j] = s;
    }
  return A;
}

describe('cholesky', () => {
  it('factors a 3x3 SPD matrix exactly (closed form)', () => {
    // A = L L^T with L = [[2,0,0],[1,3,0],[-1,2,4]]
    const A = Float64Array.from([4, 2, -2, 2, 10, 5, -2, 5, 21]);
    const { L, jitter } = cholesky(A, 3);
    expect(jitter).toBe(0);
    expect(Array.from(L)).toEqual([2, 0, 0, 1, 3, 0, -1, 2, 4]);
    expect(logDetFromCholesky(L, 3)).toBeCloseTo(Math.log(576), 12);
  });

  it('reconstructs random SPD matrices and solves to 1e-10', () => {
    const n = 40;
    const A = randomSpd(n, 3);
    const { L } = cholesky(A, n);
    let err = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += L[i * n + k] * L[j * n + k];
        err = Math.max(err, Math.abs(s - A[i * n + j]));
      }
    expect(err).toBeLessThan(1e-10);
    const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const x = choleskySolve(L, n, b);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += A[i * n + k] * x[k];
      expect(s).toBeCloseTo(b[i], 10);
    }
  });

  it('escalates jitter on a singular PSD matrix and fails on an indefinite one', () => {
    const A = Float64Array.from([1, 1, 1, 1]); // rank 1
    const { jitter } = cholesky(A, 2);
    expect(jitter).toBeGreaterThan(0);
    expect(jitter).toBeLessThan(1e-2);
    expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite/);
  });

  it('inverse from the factor gives the identity', () => {
    const n = 25;
    const A = randomSpd(n, 5);
    const Ai = choleskyInverse(cholesky(A, n).L, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += A[i * n + k] * Ai[k * n + j];
        expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-9);
      }
  });

  it('block extension equals the factor of the full matrix (rank-k update)', () => {
    const N = 30;
    const k = 4;
    const n = N - k;
    const A = randomSpd(N, 9);
    const A11 = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A11[i * n + j] = A[i * N + j];
    const Bt = new Float64Array(k * n);
    const C = new Float64Array(k * k);
    for (let a = 0; a < k; a++) {
      for (let i = 0; i < n; i++) Bt[a * n + i] = A[(n + a) * N + i];
      for (let b = 0; b < k; b++) C[a * k + b] = A[(n + a) * N + n + b];
    }
    const ext = choleskyExtend(cholesky(A11, n).L, n, Bt, C, k);
    const full = cholesky(A, N).L;
    for (let i = 0; i < N * N; i++) expect(ext.L[i]).toBeCloseTo(full[i], 10);
  });

  it('solves many right-hand sides like one at a time', () => {
    const n = 12;
    const { L } = cholesky(randomSpd(n, 2), n);
    const Bt = Float64Array.from({ length: 3 * n }, (_, i) => Math.cos(i));
    const V = solveLowerManyRows(L, n, Float64Array.from(Bt), 3);
    for (let a = 0; a < 3; a++)
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k <= i; k++) s += L[i * n + k] * V[a * n + k];
        expect(s).toBeCloseTo(Bt[a * n + i], 12);
      }
  });
});
