/**
 * Autoregressive implicit quantile network (IQN; Dabney et al., arXiv:1806.06923; used as a detector surrogate by
 * Kronheim, Kuchera, Prosper et al., arXiv:2111.11415): one network q(c, x_<k, k, tau) gives the tau-quantile of the
 * k-th reco variable given the truth object c and the reco variables before it, so
 *   p(x | c) = prod_k p(x_k | c, x_<k)
 * and a sample is drawn by tau_k ~ U(0, 1), x_k = q(c, x_<k, k, tau_k) in order.
 * Training minimises the pinball (quantile) loss
 *   L_tau(y, q) = tau (y - q)        if y >= q
 *               = (tau - 1)(y - q)   if y < q
 * averaged over tau ~ U(0,1), whose minimiser at each tau is the conditional quantile, plus the monotonicity regulariser
 *   lambda * mean(relu(q(tau) - q(tau + delta)))
 * that penalises quantile crossing. tau enters through the cosine embedding cos(pi i tau), i = 1..n_emb (Dabney eq. 4).
 * Inputs and targets are standardised; the feature index k is one-hot; x_j for j >= k are masked to 0.
 */
import { createRng, type Rng } from '@sigmap/contracts';
import { Mlp, type MlpState, type Scaler, fitScaler, minimiseOverMinibatches } from './mlp';
import { tf, tidyValues } from './tf';

export interface IqnOptions {
  hidden: number[];
  steps: number;
  batch: number;
  learningRate: number;
  /** Weight of the monotonicity regulariser. */
  monotonicity: number;
  seed: number;
  nEmbed: number;
}

const IQN_DEFAULTS: IqnOptions = { hidden: [64, 64], steps: 1500, batch: 256, learningRate: 2e-3, monotonicity: 1, seed: 1, nEmbed: 8 };

export interface IqnState {
  kind: 'iqn';
  dc: number;
  dx: number;
  nEmbed: number;
  cScaler: Scaler;
  xScaler: Scaler;
  net: MlpState;
  /** Final training pinball loss (mean over the last 50 steps). */
  loss: number;
}

const MONO_DELTA = 0.02;

export class Iqn {
  private constructor(
    readonly dc: number,
    readonly dx: number,
    readonly nEmbed: number,
    readonly cScaler: Scaler,
    readonly xScaler: Scaler,
    readonly net: Mlp,
    public loss = NaN,
  ) {}

  get inputSize(): number {
    return this.dc + 2 * this.dx + this.nEmbed;
  }

  /** Writes one network input row: [c, x_<k (masked), onehot(k), cos(pi i tau)]. */
  private fillRow(buf: Float32Array, off: number, c: Float32Array, co: number, x: Float32Array, xo: number, k: number, tau: number): void {
    const { dc, dx } = this;
    for (let j = 0; j < dc; j++) buf[off + j] = c[co + j];
    for (let j = 0; j < dx; j++) buf[off + dc + j] = j < k ? x[xo + j] : 0;
    for (let j = 0; j < dx; j++) buf[off + dc + dx + j] = j === k ? 1 : 0;
    for (let i = 0; i < this.nEmbed; i++) buf[off + dc + 2 * dx + i] = Math.cos(Math.PI * (i + 1) * tau);
  }

  static create(dc: number, dx: number, cond: readonly number[][], x: readonly number[][], opts: Partial<IqnOptions> = {}): Iqn {
    const o = { ...IQN_DEFAULTS, ...opts };
    const rng = createRng(o.seed);
    const net = new Mlp([dc + 2 * dx + o.nEmbed, ...o.hidden, 1], 'relu', rng);
    return new Iqn(dc, dx, o.nEmbed, fitScaler(cond), fitScaler(x), net);
  }

  /** Trains on (cond, x) rows; `progress(step, loss)` is called every 100 steps (for heartbeats). */
  async train(
    cond: readonly number[][],
    x: readonly number[][],
    opts: Partial<IqnOptions> = {},
    progress?: (step: number, loss: number) => void,
  ): Promise<number> {
    const o = { ...IQN_DEFAULTS, ...opts };
    const n = cond.length;
    if (n === 0 || x.length !== n) throw new Error('IQN training needs equal, non-empty cond and x');
    const { dc, dx } = this;
    const c = scaleTo(cond, this.cScaler);
    const xs = scaleTo(x, this.xScaler);
    const rng = createRng(o.seed ^ 0x9e37);
    const width = this.inputSize;
    this.loss = await minimiseOverMinibatches(
      n,
      o,
      rng,
      (B) => {
        const rows = B * dx;
        const inp = new Float32Array(2 * rows * width);
        const y = new Float32Array(rows);
        const taus = new Float32Array(rows);
        return {
          pick: (b, i) => {
            for (let k = 0; k < dx; k++) {
              const r = b * dx + k;
              const tau = rng.uniform();
              taus[r] = tau;
              y[r] = xs[i * dx + k];
              this.fillRow(inp, r * width, c, i * dc, xs, i * dx, k, tau);
              this.fillRow(inp, (rows + r) * width, c, i * dc, xs, i * dx, k, Math.min(1, tau + MONO_DELTA));
            }
          },
          loss: () => {
            const all = this.net.apply(tf.tensor2d(inp, [2 * rows, width]));
            const q = all.slice([0, 0], [rows, 1]).reshape([rows]);
            const q2 = all.slice([rows, 0], [rows, 1]).reshape([rows]);
            const t = tf.tensor1d(taus);
            const u = tf.sub(tf.tensor1d(y), q);
            const pinball = tf.mean(tf.maximum(tf.mul(t, u), tf.mul(tf.sub(t, 1), u)));
            const mono = tf.mean(tf.relu(tf.sub(q, q2)));
            return tf.add(pinball, tf.mul(o.monotonicity, mono)) as tf.Scalar;
          },
        };
      },
      progress,
    );
    return this.loss;
  }

  /** Quantile x_k at level tau for each row (inputs in original units, x_<k given); used by tests and sampling. */
  quantile(cond: readonly number[][], xPrev: readonly number[][], k: number, tau: number[]): number[] {
    const c = scaleTo(cond, this.cScaler);
    const xs = scaleTo(
      xPrev.map((r) => [...r, ...new Array(this.dx - r.length).fill(0)]),
      this.xScaler,
    );
    const n = cond.length;
    const inp = new Float32Array(n * this.inputSize);
    for (let i = 0; i < n; i++) this.fillRow(inp, i * this.inputSize, c, i * this.dc, xs, i * this.dx, k, tau[i]);
    const out = tidyValues(() => this.net.apply(tf.tensor2d(inp, [n, this.inputSize])));
    return Array.from(out, (v) => v * this.xScaler.std[k] + this.xScaler.mean[k]);
  }

  /** Draws one x per condition row, feature by feature (tau ~ U(0,1) from `rng`). */
  sample(cond: readonly number[][], rng: Rng): number[][] {
    const n = cond.length;
    const { dc, dx } = this;
    const width = this.inputSize;
    const c = scaleTo(cond, this.cScaler);
    const xs = new Float32Array(n * dx);
    for (let k = 0; k < dx; k++) {
      const inp = new Float32Array(n * width);
      for (let i = 0; i < n; i++) this.fillRow(inp, i * width, c, i * dc, xs, i * dx, k, rng.uniform());
      const q = tidyValues(() => this.net.apply(tf.tensor2d(inp, [n, width])));
      for (let i = 0; i < n; i++) xs[i * dx + k] = q[i];
    }
    const out: number[][] = [];
    for (let i = 0; i < n; i++) {
      const r: number[] = [];
      for (let k = 0; k < dx; k++) r.push(xs[i * dx + k] * this.xScaler.std[k] + this.xScaler.mean[k]);
      out.push(r);
    }
    return out;
  }

  state(): IqnState {
    return { kind: 'iqn', dc: this.dc, dx: this.dx, nEmbed: this.nEmbed, cScaler: this.cScaler, xScaler: this.xScaler, net: this.net.state(), loss: this.loss };
  }

  static fromState(s: IqnState): Iqn {
    return new Iqn(s.dc, s.dx, s.nEmbed, s.cScaler, s.xScaler, Mlp.fromState(s.net), s.loss);
  }

  dispose(): void {
    this.net.dispose();
  }
}

export function scaleTo(rows: readonly number[][], s: Scaler): Float32Array {
  const d = s.mean.length;
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) out[i * d + j] = ((r[j] ?? 0) - s.mean[j]) / s.std[j];
  });
  return out;
}
