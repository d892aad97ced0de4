import { InputError } from '@sigmap/contracts';

/** One input axis: its bounds in physical units and whether the GP sees it linearly or in log. */
export interface Axis {
  name: string;
  lower: number;
  upper: number;
  scale?: 'linear' | 'log';
}

/**
 * Maps physical points to the unit cube: u = (x - lo)/(hi - lo) on linear axes, u = (ln x - ln lo)/(ln hi - ln lo)
 * on log axes. Points are flat row-major arrays (n x d).
 */
export class InputScaler {
  readonly dim: number;
  private readonly lo: Float64Array;
  private readonly span: Float64Array;
  private readonly log: boolean[];

  constructor(readonly axes: Axis[]) {
    this.dim = axes.length;
    this.lo = new Float64Array(this.dim);
    this.span = new Float64Array(this.dim);
    this.log = axes.map((a) => a.scale === 'log');
    axes.forEach((a, i) => {
      if (!(a.upper > a.lower)) throw new InputError(`axis ${a.name}`, `upper bound ${a.upper} must exceed lower bound ${a.lower}`);
      if (this.log[i] && !(a.lower > 0)) throw new InputError(`axis ${a.name}`, `a log axis needs a positive lower bound, got ${a.lower}`);
      this.lo[i] = this.log[i] ? Math.log(a.lower) : a.lower;
      this.span[i] = (this.log[i] ? Math.log(a.upper) : a.upper) - this.lo[i];
    });
  }

  toUnit(x: ArrayLike<number>): Float64Array {
    const out = new Float64Array(x.length);
    const d = this.dim;
    for (let i = 0; i < x.length; i++) {
      const j = i % d;
      const v = this.log[j] ? Math.log(x[i]) : x[i];
      out[i] = (v - this.lo[j]) / this.span[j];
    }
    return out;
  }

  fromUnit(u: ArrayLike<number>): Float64Array {
    const out = new Float64Array(u.length);
    const d = this.dim;
    for (let i = 0; i < u.length; i++) {
      const j = i % d;
      const v = this.lo[j] + u[i] * this.span[j];
      out[i] = this.log[j] ? Math.exp(v) : v;
    }
    return out;
  }
}

export type OutputKind = 'identity' | 'log';

/**
 * Output transform: optional log (for CLs or mu_up, which live on (0, 1] / (0, inf) and vary over decades),
 * floored at `floor` to keep log finite, then standardisation z = (t - mean)/std fitted on the observations.
 * Noise variances map by the delta method: var_t = var_y / y^2 for log, var_z = var_t / std^2.
 */
export class OutputTransform {
  mean = 0;
  std = 1;
  constructor(
    readonly kind: OutputKind = 'identity',
    readonly floor = 1e-12,
    readonly standardise = true,
  ) {}

  private pre(y: number): number {
    if (this.kind === 'log') return Math.log(Math.max(y, this.floor));
    return y;
  }

  /** Fits the standardisation on raw values y. */
  fit(y: ArrayLike<number>): this {
    if (!this.standardise || y.length === 0) return this;
    let s = 0;
    for (let i = 0; i < y.length; i++) s += this.pre(y[i]);
    const m = s / y.length;
    let v = 0;
    for (let i = 0; i < y.length; i++) v += (this.pre(y[i]) - m) ** 2;
    const sd = Math.sqrt(v / y.length);
    this.mean = m;
    this.std = sd > 1e-12 ? sd : 1;
    return this;
  }

  forward(y: number): number {
    return (this.pre(y) - this.mean) / this.std;
  }

  forwardAll(y: ArrayLike<number>): Float64Array {
    return Float64Array.from(y, (v) => this.forward(v));
  }

  /** Noise variance of y mapped to the model's scale. */
  forwardNoise(y: number, varY: number): number {
    const t = this.kind === 'log' ? varY / Math.max(y * y, this.floor * this.floor) : varY;
    return t / (this.std * this.std);
  }

  /** The model value back in physical units (inverse transform of a point value, not of a mean). */
  inverse(z: number): number {
    const t = z * this.std + this.mean;
    return this.kind === 'log' ? Math.exp(t) : t;
  }

  toJSON(): { kind: OutputKind; floor: number; standardise: boolean; mean: number; std: number } {
    return { kind: this.kind, floor: this.floor, standardise: this.standardise, mean: this.mean, std: this.std };
  }

  static fromJSON(s: { kind: OutputKind; floor: number; standardise: boolean; mean: number; std: number }): OutputTransform {
    const t = new OutputTransform(s.kind, s.floor, s.standardise);
    t.mean = s.mean;
    t.std = s.std;
    return t;
  }
}
