/**
 * Covariance functions on points stored in flat row-major Float64Arrays (point a at offset a*d).
 * All hyperparameters are held in log space (log variance, log length scales) so an unconstrained optimiser
 * can move them; gradients are with respect to those log parameters.
 *
 * Stationary ARD kernels, r^2 = sum_d (x_d - y_d)^2 / l_d^2 (Rasmussen & Williams 2006, eqs. 4.9, 4.17):
 *   RBF:        k = s2 exp(-r^2/2)
 *   Matern 3/2: k = s2 (1 + sqrt3 r) exp(-sqrt3 r)
 *   Matern 5/2: k = s2 (1 + sqrt5 r + 5 r^2/3) exp(-sqrt5 r)
 * With g = dk/d(r^2): dk/dlog l_d = -2 g (x_d - y_d)^2 / l_d^2, dk/dlog s2 = k.
 *   RBF g = -k/2; Matern 3/2 g = -(3/2) s2 exp(-sqrt3 r); Matern 5/2 g = -(5/6) s2 (1 + sqrt5 r) exp(-sqrt5 r).
 * Sums and products combine components (product rule for the gradient).
 */

export type StationaryType = 'rbf' | 'matern32' | 'matern52';

export type KernelSpec =
  | { type: StationaryType; logVariance: number; logLengthscales: number[] }
  | { type: 'constant'; logVariance: number }
  | { type: 'sum' | 'product'; parts: KernelSpec[] };

export type ParamKind = 'variance' | 'lengthscale';

export interface Kernel {
  readonly dim: number;
  readonly nParams: number;
  /** Writes the log-space parameters into out[off ..]. */
  getParams(out: Float64Array, off: number): void;
  /** Reads the log-space parameters from p[off ..]. */
  setParams(p: ArrayLike<number>, off: number): void;
  /** What each parameter is (for priors and bounds), in order. */
  paramKinds(): ParamKind[];
  /** k(x_a, y_b); ia, ib are element offsets (a*d, b*d). */
  value(x: Float64Array, ia: number, y: Float64Array, ib: number): number;
  /** Writes dk/dtheta (log parameters) into g[go ..] and returns k. */
  valueGrad(x: Float64Array, ia: number, y: Float64Array, ib: number, g: Float64Array, go: number): number;
  /** k(x, x) (all kernels here are stationary). */
  diagValue(): number;
  spec(): KernelSpec;
  /** Optional fast path: out[i] = k(x_a, X_i) for i < n. */
  crossRow?(x: Float64Array, ia: number, X: Float64Array, n: number, out: Float64Array): void;
}

/** out[i] = k(x_a, X_i) for i < n, using the kernel's fast path when it has one. */
export function kernelRow(kernel: Kernel, x: Float64Array, ia: number, X: Float64Array, n: number, out: Float64Array): Float64Array {
  if (kernel.crossRow) kernel.crossRow(x, ia, X, n, out);
  else for (let i = 0; i < n; i++) out[i] = kernel.value(x, ia, X, i * kernel.dim);
  return out;
}

const SQRT3 = Math.sqrt(3);
const SQRT5 = Math.sqrt(5);

export class StationaryKernel implements Kernel {
  readonly nParams: number;
  logVariance: number;
  readonly logLengthscales: Float64Array;
  private variance = 1;
  private readonly invL2: Float64Array;

  constructor(
    readonly type: StationaryType,
    readonly dim: number,
    lengthscales: number | ArrayLike<number> = 0.3,
    variance = 1,
  ) {
    this.nParams = dim + 1;
    this.logVariance = Math.log(variance);
    this.logLengthscales = new Float64Array(dim);
    for (let i = 0; i < dim; i++) this.logLengthscales[i] = Math.log(typeof lengthscales === 'number' ? lengthscales : lengthscales[i]);
    this.invL2 = new Float64Array(dim);
    this.refresh();
  }

  private refresh(): void {
    this.variance = Math.exp(this.logVariance);
    for (let i = 0; i < this.dim; i++) this.invL2[i] = Math.exp(-2 * this.logLengthscales[i]);
  }

  getParams(out: Float64Array, off: number): void {
    out[off] = this.logVariance;
    for (let i = 0; i < this.dim; i++) out[off + 1 + i] = this.logLengthscales[i];
  }

  setParams(p: ArrayLike<number>, off: number): void {
    this.logVariance = p[off];
    for (let i = 0; i < this.dim; i++) this.logLengthscales[i] = p[off + 1 + i];
    this.refresh();
  }

  paramKinds(): ParamKind[] {
    return ['variance', ...new Array<ParamKind>(this.dim).fill('lengthscale')];
  }

  lengthscales(): number[] {
    return Array.from(this.logLengthscales, Math.exp);
  }

  private r2(x: Float64Array, ia: number, y: Float64Array, ib: number): number {
    let s = 0;
    const w = this.invL2;
    for (let k = 0; k < this.dim; k++) {
      const t = x[ia + k] - y[ib + k];
      s += t * t * w[k];
    }
    return s;
  }

  /** k as a function of r^2 (exposed for the fast cross-covariance loops). */
  fromR2(r2: number): number {
    const s2 = this.variance;
    switch (this.type) {
      case 'rbf':
        return s2 * Math.exp(-0.5 * r2);
      case 'matern32': {
        const r = Math.sqrt(r2);
        return s2 * (1 + SQRT3 * r) * Math.exp(-SQRT3 * r);
      }
      case 'matern52': {
        const r = Math.sqrt(r2);
        return s2 * (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
      }
    }
  }

  value(x: Float64Array, ia: number, y: Float64Array, ib: number): number {
    return this.fromR2(this.r2(x, ia, y, ib));
  }

  valueGrad(x: Float64Array, ia: number, y: Float64Array, ib: number, g: Float64Array, go: number): number {
    const r2 = this.r2(x, ia, y, ib);
    const s2 = this.variance;
    let k: number;
    let dk: number; // dk/d(r^2)
    switch (this.type) {
      case 'rbf':
        k = s2 * Math.exp(-0.5 * r2);
        dk = -0.5 * k;
        break;
      case 'matern32': {
        const r = Math.sqrt(r2);
        const e = Math.exp(-SQRT3 * r);
        k = s2 * (1 + SQRT3 * r) * e;
        dk = -1.5 * s2 * e;
        break;
      }
      case 'matern52': {
        const r = Math.sqrt(r2);
        const e = Math.exp(-SQRT5 * r);
        k = s2 * (1 + SQRT5 * r + (5 / 3) * r2) * e;
        dk = -(5 / 6) * s2 * (1 + SQRT5 * r) * e;
        break;
      }
    }
    g[go] = k;
    for (let d = 0; d < this.dim; d++) {
      const t = x[ia + d] - y[ib + d];
      g[go + 1 + d] = -2 * dk * t * t * this.invL2[d];
    }
    return k;
  }

  diagValue(): number {
    return this.variance;
  }

  crossRow(x: Float64Array, ia: number, X: Float64Array, n: number, out: Float64Array): void {
    const d = this.dim;
    const w = this.invL2;
    const s2 = this.variance;
    for (let i = 0; i < n; i++) {
      let r2 = 0;
      const o = i * d;
      for (let k = 0; k < d; k++) {
        const t = x[ia + k] - X[o + k];
        r2 += t * t * w[k];
      }
      if (this.type === 'matern52') {
        const r = Math.sqrt(r2);
        out[i] = s2 * (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
      } else if (this.type === 'rbf') out[i] = s2 * Math.exp(-0.5 * r2);
      else {
        const r = Math.sqrt(r2);
        out[i] = s2 * (1 + SQRT3 * r) * Math.exp(-SQRT3 * r);
      }
    }
  }

  spec(): KernelSpec {
    return { type: this.type, logVariance: this.logVariance, logLengthscales: Array.from(this.logLengthscales) };
  }
}

/** k = s2 everywhere (a constant offset in a sum, an output scale in a product). */
export class ConstantKernel implements Kernel {
  readonly nParams = 1;
  constructor(
    readonly dim: number,
    public logVariance = 0,
  ) {}
  getParams(out: Float64Array, off: number): void {
    out[off] = this.logVariance;
  }
  setParams(p: ArrayLike<number>, off: number): void {
    this.logVariance = p[off];
  }
  paramKinds(): ParamKind[] {
    return ['variance'];
  }
  value(): number {
    return Math.exp(this.logVariance);
  }
  valueGrad(_x: Float64Array, _ia: number, _y: Float64Array, _ib: number, g: Float64Array, go: number): number {
    const k = Math.exp(this.logVariance);
    g[go] = k;
    return k;
  }
  diagValue(): number {
    return Math.exp(this.logVariance);
  }
  spec(): KernelSpec {
    return { type: 'constant', logVariance: this.logVariance };
  }
}

abstract class Composite implements Kernel {
  readonly nParams: number;
  readonly dim: number;
  protected readonly scratch: Float64Array;
  constructor(readonly parts: Kernel[]) {
    if (parts.length === 0) throw new RangeError('a composite kernel needs at least one part');
    this.dim = parts[0].dim;
    this.nParams = parts.reduce((s, p) => s + p.nParams, 0);
    this.scratch = new Float64Array(this.nParams);
  }
  getParams(out: Float64Array, off: number): void {
    for (const p of this.parts) {
      p.getParams(out, off);
      off += p.nParams;
    }
  }
  setParams(q: ArrayLike<number>, off: number): void {
    for (const p of this.parts) {
      p.setParams(q, off);
      off += p.nParams;
    }
  }
  paramKinds(): ParamKind[] {
    return this.parts.flatMap((p) => p.paramKinds());
  }
  abstract value(x: Float64Array, ia: number, y: Float64Array, ib: number): number;
  abstract valueGrad(x: Float64Array, ia: number, y: Float64Array, ib: number, g: Float64Array, go: number): number;
  abstract diagValue(): number;
  abstract spec(): KernelSpec;
}

export class SumKernel extends Composite {
  value(x: Float64Array, ia: number, y: Float64Array, ib: number): number {
    let s = 0;
    for (const p of this.parts) s += p.value(x, ia, y, ib);
    return s;
  }
  valueGrad(x: Float64Array, ia: number, y: Float64Array, ib: number, g: Float64Array, go: number): number {
    let s = 0;
    let off = go;
    for (const p of this.parts) {
      s += p.valueGrad(x, ia, y, ib, g, off);
      off += p.nParams;
    }
    return s;
  }
  diagValue(): number {
    return this.parts.reduce((s, p) => s + p.diagValue(), 0);
  }
  spec(): KernelSpec {
    return { type: 'sum', parts: this.parts.map((p) => p.spec()) };
  }
}

export class ProductKernel extends Composite {
  private readonly vals: Float64Array;
  constructor(parts: Kernel[]) {
    super(parts);
    this.vals = new Float64Array(parts.length);
  }
  value(x: Float64Array, ia: number, y: Float64Array, ib: number): number {
    let s = 1;
    for (const p of this.parts) s *= p.value(x, ia, y, ib);
    return s;
  }
  valueGrad(x: Float64Array, ia: number, y: Float64Array, ib: number, g: Float64Array, go: number): number {
    let off = go;
    for (let i = 0; i < this.parts.length; i++) {
      this.vals[i] = this.parts[i].valueGrad(x, ia, y, ib, g, off);
      off += this.parts[i].nParams;
    }
    off = go;
    let total = 1;
    for (let i = 0; i < this.parts.length; i++) total *= this.vals[i];
    for (let i = 0; i < this.parts.length; i++) {
      let others = 1;
      for (let j = 0; j < this.parts.length; j++) if (j !== i) others *= this.vals[j];
      for (let q = 0; q < this.parts[i].nParams; q++) g[off + q] *= others;
      off += this.parts[i].nParams;
    }
    return total;
  }
  diagValue(): number {
    return this.parts.reduce((s, p) => s * p.diagValue(), 1);
  }
  spec(): KernelSpec {
    return { type: 'product', parts: this.parts.map((p) => p.spec()) };
  }
}

/** Rebuilds a kernel from its spec (the serialisable form). */
export function kernelFromSpec(spec: KernelSpec, dim: number): Kernel {
  switch (spec.type) {
    case 'rbf':
    case 'matern32':
    case 'matern52': {
      const k = new StationaryKernel(spec.type, dim, 1, 1);
      k.setParams([spec.logVariance, ...spec.logLengthscales], 0);
      return k;
    }
    case 'constant':
      return new ConstantKernel(dim, spec.logVariance);
    case 'sum':
      return new SumKernel(spec.parts.map((p) => kernelFromSpec(p, dim)));
    case 'product':
      return new ProductKernel(spec.parts.map((p) => kernelFromSpec(p, dim)));
  }
}

/** Convenience: a stationary ARD kernel. */
export function createKernel(type: StationaryType, dim: number, lengthscales: number | number[] = 0.3, variance = 1): StationaryKernel {
  return new StationaryKernel(type, dim, lengthscales, variance);
}
