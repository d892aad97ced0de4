/**
 * A Bernoulli head: p(flag = 1 | inputs) = sigmoid(MLP(inputs)), trained by minimising the binary cross-entropy
 *   -[y log p + (1 - y) log(1 - p)].
 * Used for the reconstruction efficiency (object found or lost), the tag flags, and as the classifier of the
 * two-sample classifier test (validate.ts).
 */
import { createRng, type Rng } from '@sigmap/contracts';
import { Mlp, type MlpState, type Scaler, fitScaler, minimiseOverMinibatches } from './mlp';
import { scaleTo } from './iqn';
import { tf, tidyValues } from './tf';

interface BernoulliOptions {
  hidden: number[];
  steps: number;
  batch: number;
  learningRate: number;
  seed: number;
}

const BERNOULLI_DEFAULTS: BernoulliOptions = { hidden: [32, 32], steps: 600, batch: 256, learningRate: 3e-3, seed: 1 };

export interface BernoulliState {
  kind: 'bernoulli';
  d: number;
  scaler: Scaler;
  net: MlpState;
  loss: number;
}

export class Bernoulli {
  private constructor(
    readonly d: number,
    readonly scaler: Scaler,
    readonly net: Mlp,
    public loss = NaN,
  ) {}

  /**
   * With `labels`, the output bias starts at the logit of the base rate, log(p / (1 - p)), so rare flags (tau tags at
   * the percent level) start calibrated instead of at p = 0.5.
   */
  static create(inputs: readonly number[][], opts: Partial<BernoulliOptions> = {}, labels?: readonly number[]): Bernoulli {
    const o = { ...BERNOULLI_DEFAULTS, ...opts };
    const d = inputs[0]?.length ?? 0;
    const net = new Mlp([d, ...o.hidden, 1], 'relu', createRng(o.seed));
    if (labels && labels.length) {
      const p = Math.min(Math.max(labels.reduce((a, b) => a + b, 0) / labels.length, 1e-4), 1 - 1e-4);
      net.vars[net.vars.length - 1].assign(tf.tensor1d([Math.log(p / (1 - p))]));
    }
    return new Bernoulli(d, fitScaler(inputs), net);
  }

  async train(inputs: readonly number[][], y: readonly number[], opts: Partial<BernoulliOptions> = {}): Promise<number> {
    const o = { ...BERNOULLI_DEFAULTS, ...opts };
    const n = inputs.length;
    if (n === 0 || y.length !== n) throw new Error('Bernoulli training needs equal, non-empty inputs and labels');
    const d = this.d;
    const xs = scaleTo(inputs, this.scaler);
    this.loss = await minimiseOverMinibatches(n, o, createRng(o.seed ^ 0x2b2b), (B) => {
      const xb = new Float32Array(B * d);
      const yb = new Float32Array(B);
      return {
        pick: (b, i) => {
          xb.set(xs.subarray(i * d, (i + 1) * d), b * d);
          yb[b] = y[i];
        },
        loss: () => tf.losses.sigmoidCrossEntropy(tf.tensor2d(yb, [B, 1]), this.net.apply(tf.tensor2d(xb, [B, d]))) as tf.Scalar,
      };
    });
    return this.loss;
  }

  prob(inputs: readonly number[][]): number[] {
    if (inputs.length === 0) return [];
    const xs = scaleTo(inputs, this.scaler);
    return Array.from(tidyValues(() => tf.sigmoid(this.net.apply(tf.tensor2d(xs, [inputs.length, this.d])))));
  }

  sample(inputs: readonly number[][], rng: Rng): number[] {
    return this.prob(inputs).map((p) => (rng.uniform() < p ? 1 : 0));
  }

  state(): BernoulliState {
    return { kind: 'bernoulli', d: this.d, scaler: this.scaler, net: this.net.state(), loss: this.loss };
  }

  static fromState(s: BernoulliState): Bernoulli {
    return new Bernoulli(s.d, s.scaler, Mlp.fromState(s.net), s.loss);
  }

  dispose(): void {
    this.net.dispose();
  }
}
