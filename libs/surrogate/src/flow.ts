/**
 * Conditional normalising flow: a stack of affine coupling layers (RealNVP, Dinh, Sohl-Dickstein & Bengio,
 * arXiv:1605.08803) whose scale and shift networks also see the truth object c. With a binary mask m,
 *   y = m * x + (1 - m) * (x * exp(s(m * x, c)) + t(m * x, c)),   log|det dy/dx| = sum_j (1 - m_j) s_j,
 * s bounded as 2 tanh(.) for stability. Training maximises log p(x | c) = log N(z; 0, 1) + sum of log-dets (exact
 * likelihood, change of variables); sampling draws z ~ N(0, 1) and inverts the layers in reverse order.
 * Inputs are standardised; masks alternate so every coordinate is transformed by several layers.
 */
import { createRng, normal, type Rng } from '@sigmap/contracts';
import { Mlp, type MlpState, type Scaler, fitScaler, minimiseOverMinibatches } from './mlp';
import { scaleTo } from './iqn';
import { tf, tidyValues } from './tf';

export interface FlowOptions {
  layers: number;
  hidden: number[];
  steps: number;
  batch: number;
  learningRate: number;
  seed: number;
}

const FLOW_DEFAULTS: FlowOptions = { layers: 6, hidden: [64, 64], steps: 1500, batch: 256, learningRate: 2e-3, seed: 1 };

export interface FlowState {
  kind: 'flow';
  dc: number;
  dx: number;
  masks: number[][];
  cScaler: Scaler;
  xScaler: Scaler;
  nets: MlpState[];
  /** Final mean negative log-likelihood per object (standardised units). */
  loss: number;
}

function makeMasks(dx: number, layers: number): number[][] {
  const masks: number[][] = [];
  for (let l = 0; l < layers; l++) {
    if (dx === 1) {
      masks.push([0]);
      continue;
    }
    // Alternate parity masks, then rotated half masks, so each coordinate is conditioned on every other one.
    const m: number[] = Array.from({ length: dx }, (_, j) => (l % 2 === 0 ? (j + (l >> 1)) % 2 : 1 - ((j + (l >> 1)) % 2)));
    const ones = m.reduce((a, b) => a + b, 0);
    if (ones === dx) m[l % dx] = 0;
    else if (ones === 0) m[l % dx] = 1;
    masks.push(m);
  }
  return masks;
}

const LOG_2PI = Math.log(2 * Math.PI);

export class Flow {
  private constructor(
    readonly dc: number,
    readonly dx: number,
    readonly masks: number[][],
    readonly cScaler: Scaler,
    readonly xScaler: Scaler,
    readonly nets: Mlp[],
    public loss = NaN,
  ) {}

  static create(dc: number, dx: number, cond: readonly number[][], x: readonly number[][], opts: Partial<FlowOptions> = {}): Flow {
    const o = { ...FLOW_DEFAULTS, ...opts };
    const rng = createRng(o.seed);
    const masks = makeMasks(dx, o.layers);
    const nets = masks.map(() => new Mlp([dx + dc, ...o.hidden, 2 * dx], 'relu', rng, 0.01));
    return new Flow(dc, dx, masks, fitScaler(cond), fitScaler(x), nets);
  }

  private st(l: number, xm: tf.Tensor2D, c: tf.Tensor2D): { s: tf.Tensor2D; t: tf.Tensor2D } {
    const h = this.nets[l].apply(tf.concat([xm, c], 1) as tf.Tensor2D);
    const inv = tf.tensor1d(this.masks[l].map((m) => 1 - m));
    const s = tf.mul(tf.mul(tf.tanh(h.slice([0, 0], [-1, this.dx])), 2), inv) as tf.Tensor2D;
    const t = tf.mul(h.slice([0, this.dx], [-1, this.dx]), inv) as tf.Tensor2D;
    return { s, t };
  }

  /** z and log|det dz/dx| for standardised x. */
  private forward(x: tf.Tensor2D, c: tf.Tensor2D): { z: tf.Tensor2D; logdet: tf.Tensor1D } {
    let z = x;
    let logdet = tf.zeros([x.shape[0]]) as tf.Tensor1D;
    for (let l = 0; l < this.masks.length; l++) {
      const m = tf.tensor1d(this.masks[l]);
      const xm = tf.mul(z, m) as tf.Tensor2D;
      const { s, t } = this.st(l, xm, c);
      z = tf.add(xm, tf.mul(tf.sub(1, m), tf.add(tf.mul(z, tf.exp(s)), t))) as tf.Tensor2D;
      logdet = tf.add(logdet, tf.sum(s, 1)) as tf.Tensor1D;
    }
    return { z, logdet };
  }

  /** Mean negative log-likelihood of standardised rows (per object). */
  private nll(x: tf.Tensor2D, c: tf.Tensor2D): tf.Scalar {
    const { z, logdet } = this.forward(x, c);
    const logp = tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), 1)), 0.5 * this.dx * LOG_2PI);
    return tf.neg(tf.mean(tf.add(logp, logdet))) as tf.Scalar;
  }

  async train(
    cond: readonly number[][],
    x: readonly number[][],
    opts: Partial<FlowOptions> = {},
    progress?: (step: number, loss: number) => void,
  ): Promise<number> {
    const o = { ...FLOW_DEFAULTS, ...opts };
    const n = cond.length;
    if (n === 0 || x.length !== n) throw new Error('flow training needs equal, non-empty cond and x');
    const { dc, dx } = this;
    const c = scaleTo(cond, this.cScaler);
    const xs = scaleTo(x, this.xScaler);
    this.loss = await minimiseOverMinibatches(
      n,
      o,
      createRng(o.seed ^ 0x51f1),
      (B) => {
        const cb = new Float32Array(B * dc);
        const xb = new Float32Array(B * dx);
        return {
          pick: (b, i) => {
            cb.set(c.subarray(i * dc, (i + 1) * dc), b * dc);
            xb.set(xs.subarray(i * dx, (i + 1) * dx), b * dx);
          },
          loss: () => this.nll(tf.tensor2d(xb, [B, dx]), tf.tensor2d(cb, [B, dc])),
        };
      },
      progress,
    );
    return this.loss;
  }

  /** Mean negative log-likelihood per object of (cond, x) rows in original units (includes the scaler Jacobian). */
  meanNll(cond: readonly number[][], x: readonly number[][]): number {
    const v = tf.tidy(
      () =>
        this.nll(tf.tensor2d(scaleTo(x, this.xScaler), [x.length, this.dx]), tf.tensor2d(scaleTo(cond, this.cScaler), [cond.length, this.dc])).dataSync()[0],
    );
    return v + this.xScaler.std.reduce((a, s) => a + Math.log(s), 0);
  }

  sample(cond: readonly number[][], rng: Rng): number[][] {
    const n = cond.length;
    const z0 = new Float32Array(n * this.dx);
    for (let i = 0; i < z0.length; i++) z0[i] = normal(rng);
    const xs = tidyValues(() => {
      const c = tf.tensor2d(scaleTo(cond, this.cScaler), [n, this.dc]);
      let y = tf.tensor2d(z0, [n, this.dx]);
      for (let l = this.masks.length - 1; l >= 0; l--) {
        const m = tf.tensor1d(this.masks[l]);
        const ym = tf.mul(y, m) as tf.Tensor2D;
        const { s, t } = this.st(l, ym, c);
        y = tf.add(ym, tf.mul(tf.sub(1, m), tf.mul(tf.sub(y, t), tf.exp(tf.neg(s))))) as tf.Tensor2D;
      }
      return y;
    });
    const out: number[][] = [];
    for (let i = 0; i < n; i++) {
      const r: number[] = [];
      for (let k = 0; k < this.dx; k++) r.push(xs[i * this.dx + k] * this.xScaler.std[k] + this.xScaler.mean[k]);
      out.push(r);
    }
    return out;
  }

  state(): FlowState {
    return {
      kind: 'flow',
      dc: this.dc,
      dx: this.dx,
      masks: this.masks,
      cScaler: this.cScaler,
      xScaler: this.xScaler,
      nets: this.nets.map((n) => n.state()),
      loss: this.loss,
    };
  }

  static fromState(s: FlowState): Flow {
    return new Flow(
      s.dc,
      s.dx,
      s.masks,
      s.cScaler,
      s.xScaler,
      s.nets.map((n) => Mlp.fromState(n)),
      s.loss,
    );
  }

  dispose(): void {
    for (const n of this.nets) n.dispose();
  }
}
