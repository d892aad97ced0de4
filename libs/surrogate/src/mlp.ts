/**
 * A plain multilayer perceptron on tf.Variables (so that custom losses such as the pinball loss and the flow's
 * log-determinant can be minimised directly) with Glorot-uniform initialisation from a seeded generator, and
 * a JSON-serialisable weight format (Float32 arrays as base64) for the model registry.
 */
import { createRng, type Rng } from '@sigmap/contracts';
import { tf } from './tf';

export interface MlpState {
  sizes: number[];
  /** base64 Float32 arrays: W0, b0, W1, b1, ... */
  weights: string[];
}

type Activation = 'relu' | 'tanh' | 'elu';

export class Mlp {
  readonly vars: tf.Variable[] = [];

  constructor(
    readonly sizes: number[],
    readonly activation: Activation = 'relu',
    init: Rng | Float32Array[] = createRng(1),
    /** Scale of the last layer's initial weights (small for flows: start near the identity). */
    lastScale = 1,
  ) {
    for (let l = 0; l + 1 < sizes.length; l++) {
      const [a, b] = [sizes[l], sizes[l + 1]];
      let w: Float32Array;
      let bias: Float32Array;
      if (Array.isArray(init)) {
        w = init[2 * l];
        bias = init[2 * l + 1];
        if (w.length !== a * b || bias.length !== b) throw new Error(`weights of layer ${l} have the wrong size`);
      } else {
        const lim = Math.sqrt(6 / (a + b)) * (l + 2 === sizes.length ? lastScale : 1);
        w = new Float32Array(a * b);
        for (let i = 0; i < w.length; i++) w[i] = (2 * init.uniform() - 1) * lim;
        bias = new Float32Array(b);
      }
      this.vars.push(tf.variable(tf.tensor2d(w, [a, b])), tf.variable(tf.tensor1d(bias)));
    }
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    const n = this.vars.length / 2;
    for (let l = 0; l < n; l++) {
      h = tf.add(tf.matMul(h, this.vars[2 * l] as tf.Tensor2D), this.vars[2 * l + 1]) as tf.Tensor2D;
      if (l + 1 < n) h = (this.activation === 'relu' ? tf.relu(h) : this.activation === 'elu' ? tf.elu(h) : tf.tanh(h)) as tf.Tensor2D;
    }
    return h;
  }

  state(): MlpState {
    return { sizes: this.sizes, weights: this.vars.map((v) => Buffer.from((v.dataSync() as Float32Array).buffer.slice(0)).toString('base64')) };
  }

  static fromState(s: MlpState, activation: Activation = 'relu'): Mlp {
    const arrays = s.weights.map((b64) => {
      const buf = Buffer.from(b64, 'base64');
      return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4).slice();
    });
    return new Mlp(s.sizes, activation, arrays);
  }

  dispose(): void {
    for (const v of this.vars) v.dispose();
  }
}

/** Column-wise standardisation (z = (x - mean) / std), fitted on training data and stored with the model. */
export interface Scaler {
  mean: number[];
  std: number[];
}

export function fitScaler(rows: readonly number[][]): Scaler {
  const d = rows[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const sq = new Array<number>(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j];
  for (let j = 0; j < d; j++) mean[j] /= Math.max(rows.length, 1);
  for (const r of rows) for (let j = 0; j < d; j++) sq[j] += (r[j] - mean[j]) ** 2;
  const std = sq.map((s) => Math.max(Math.sqrt(s / Math.max(rows.length - 1, 1)), 1e-6));
  return { mean, std };
}

/** Indices 0..n-1 in a seeded random order (Fisher-Yates). */
function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** One optimiser step's minibatch: rows are picked into slots 0..B-1 in order, then its loss is minimised. */
interface Minibatch {
  pick(slot: number, row: number): void;
  loss(): tf.Scalar;
}

/**
 * Adam over seeded minibatches of `rows` training rows, shared by every network here: each step makes a batch of
 * B = min(batch, rows) slots (`batchOf(B)`), fills them from a random order of the rows (a new permutation drawn
 * from `rng` whenever one is used up, mid-batch included, so callers may draw from `rng` in `pick` too), and
 * minimises its loss. Returns the mean loss of the last 50 steps.
 */
export async function minimiseOverMinibatches(
  rows: number,
  o: { batch: number; steps: number; learningRate: number },
  rng: Rng,
  batchOf: (B: number) => Minibatch,
  progress?: (step: number, loss: number) => void,
): Promise<number> {
  const opt = tf.train.adam(o.learningRate);
  const B = Math.min(o.batch, rows);
  let order = permutation(rows, rng);
  let cursor = 0;
  const recent: number[] = [];
  try {
    for (let step = 0; step < o.steps; step++) {
      const batch = batchOf(B);
      for (let b = 0; b < B; b++) {
        if (cursor >= rows) {
          order = permutation(rows, rng);
          cursor = 0;
        }
        batch.pick(b, order[cursor++]);
      }
      const lossT = opt.minimize(() => batch.loss(), true)!;
      const lv = (await lossT.data())[0];
      lossT.dispose();
      recent.push(lv);
      if (recent.length > 50) recent.shift();
      if (progress && step % 100 === 99) progress(step + 1, lv);
    }
  } finally {
    opt.dispose();
  }
  return recent.reduce((a, b) => a + b, 0) / recent.length;
}
