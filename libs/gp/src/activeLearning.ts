import { createRng, InputError, normal, type Rng } from '@sigmap/contracts';
import type { AcquisitionName } from './acquisition';
import { LazyCandidatePosterior, proposeBatch, type BatchStrategy, type LevelSetObjective } from './batch';
import { ExactGp, type ExactGpState } from './exactGp';
import { fitHyperparameters } from './hyperparameters';
import { StationaryKernel, type StationaryType } from './kernels';
import { levelCalibration, levelVarianceScale } from './calibration';
import { expectedMisclassifiedFraction, sampleMisclassifiedCounts, type MisclassificationEstimate } from './stopping';
import { InputScaler, OutputTransform, type Axis, type OutputKind } from './transforms';

/** One quantity whose level set is learned, e.g. CLs_obs of one search with threshold 0.05 (log transform). */
export interface ObjectiveSpec {
  name: string;
  /** Threshold in physical units; a point is "excluded" when its value is below it. */
  threshold: number;
  transform?: OutputKind;
  /** Values are floored here before a log transform (default 1e-12); e.g. 1e-3 for CLs (excursion's checkmate case). */
  floor?: number;
  weight?: number;
}

/** Forbidden region as a linear inequality in physical units: a point is allowed iff sum_i c_i x_i <= bound. */
export interface LinearConstraint {
  coefficients: number[];
  bound: number;
}

/** How the stopping estimate's predictive is calibrated (LearnerConfig.estimateCalibration). */
export const ESTIMATE_CALIBRATIONS = ['level-cv', 'level-loo', 'none'] as const;
export type EstimateCalibration = (typeof ESTIMATE_CALIBRATIONS)[number];

export interface LearnerConfig {
  axes: Axis[];
  objectives: ObjectiveSpec[];
  kernel?: StationaryType;
  acquisition?: AcquisitionName | 'lookahead';
  strategy?: BatchStrategy;
  seed?: number;
  constraints?: LinearConstraint[];
  /** Random restarts on top of the warm start when hyperparameters are refitted with restarts. */
  restarts?: number;
  /**
   * Multi-start refits happen when the number of observations has grown by this factor since the last
   * multi-start refit (default 1.5: a geometric schedule); other refits warm-start from the current values.
   */
  restartGrowth?: number;
  /** Hyperparameters are refitted every this many rounds; in between, new data extend the Cholesky factor. */
  refitEvery?: number;
  /** L-BFGS iterations in a warm-started refit. */
  warmIterations?: number;
  /** Hyperparameters are fitted on at most this many observations (strided subset); default 250. */
  hyperMaxPoints?: number;
  /** Candidates drawn per round in continuous mode. */
  continuousCandidates?: number;
  /**
   * How the stopping estimate's predictive is calibrated near the level (calibration.ts):
   * - 'level-cv' (default): levelCalibration, the fitted nugget or an interpolating one, whichever predicts the
   *   training points nearest the threshold better by leave-one-out, with that model's variance factor;
   * - 'level-loo': the fitted model, its variance rescaled by levelVarianceScale (the default until 2026-12-07);
   * - 'none': the posterior as fitted.
   * `sigmap bench al` compares all three on the same trajectories.
   */
  estimateCalibration?: EstimateCalibration;
}

export interface LearnerState {
  config: LearnerConfig;
  X: number[][];
  Y: number[][];
  noise: number[][];
  round: number;
  roundsSinceRefit: number;
  lastRestartN: number;
  models: (null | { gp: ExactGpState; transform: ReturnType<OutputTransform['toJSON']> })[];
  fittedCount: number;
}

interface ObjectiveModel {
  gp: ExactGp;
  transform: OutputTransform;
}

/**
 * The loop driver for level-set active learning (al-bench, and the scan workflow's activities):
 * observe -> proposeBatch(q, pending) -> ... with classify() and estimateMisclassifiedFraction().
 * Points are in physical units; the GP sees them in the unit cube (InputScaler) and sees each objective through
 * its output transform. Serialisable with toState()/fromState().
 */
export class ActiveLearner {
  readonly scaler: InputScaler;
  private X: number[][] = [];
  private Y: number[][] = [];
  private noise: number[][] = [];
  private round = 0;
  private roundsSinceRefit = 0;
  private models: (ObjectiveModel | null)[];
  /** How many observations the current models hold. */
  private fittedCount = 0;
  private lastRestartN = 0;
  /** Wall-clock-free counters for reporting. */
  lastProposal: { exactCount: number; candidates: number } = { exactCount: 0, candidates: 0 };

  constructor(readonly config: LearnerConfig) {
    if (config.axes.length === 0) throw new InputError('axes', 'need at least one axis');
    if (config.objectives.length === 0) throw new InputError('objectives', 'need at least one objective');
    if (config.estimateCalibration !== undefined && !ESTIMATE_CALIBRATIONS.includes(config.estimateCalibration))
      throw new InputError('estimateCalibration', `expected one of ${ESTIMATE_CALIBRATIONS.join(', ')}, got ${JSON.stringify(config.estimateCalibration)}`);
    this.scaler = new InputScaler(config.axes);
    this.models = config.objectives.map(() => null);
  }

  get dim(): number {
    return this.config.axes.length;
  }

  get observations(): number {
    return this.X.length;
  }

  /** True when the point satisfies every linear constraint. */
  allowed(x: ArrayLike<number>): boolean {
    for (const c of this.config.constraints ?? []) {
      let s = 0;
      for (let i = 0; i < this.dim; i++) s += c.coefficients[i] * x[i];
      if (s > c.bound) return false;
    }
    return true;
  }

  /** Adds evaluated points: values[i][o] for objective o; noise[i][o] = variance in physical units (optional). */
  observe(points: number[][], values: number[][], noise?: number[][]): void {
    if (points.length !== values.length) throw new InputError('values', `expected ${points.length} rows, got ${values.length}`);
    points.forEach((p, i) => {
      if (p.length !== this.dim) throw new InputError('points', `point ${i} has ${p.length} coordinates, expected ${this.dim}`);
      if (values[i].length !== this.config.objectives.length)
        throw new InputError('values', `row ${i} has ${values[i].length} values, expected ${this.config.objectives.length}`);
      if (!values[i].every(Number.isFinite)) throw new InputError('values', `row ${i} has a non-finite value`);
      this.X.push([...p]);
      this.Y.push([...values[i]]);
      this.noise.push(noise ? [...noise[i]] : values[i].map(() => 0));
    });
  }

  private rng(label: number): Rng {
    return createRng(this.config.seed ?? 1).fork(label);
  }

  /** Brings the models up to date with the observations (refit or incremental extension). */
  private refresh(): ObjectiveModel[] {
    const n = this.X.length;
    if (n === 0) throw new InputError('observations', 'the learner has no observations yet');
    if (n === this.fittedCount && this.models.every((m) => m)) return this.models as ObjectiveModel[];
    const refitEvery = this.config.refitEvery ?? 1;
    const refit = this.models.some((m) => !m) || this.roundsSinceRefit + 1 >= refitEvery || this.fittedCount < 20;
    const U = this.scaler.toUnit(this.X.flat());
    this.config.objectives.forEach((o, j) => {
      const ys = this.Y.map((r) => r[j]);
      if (refit) {
        const prev = this.models[j];
        const transform = new OutputTransform(o.transform ?? 'identity', o.floor ?? 1e-12).fit(ys);
        const gp = prev?.gp ?? new ExactGp(new StationaryKernel(this.config.kernel ?? 'matern52', this.dim, 0.3, 1), { logNoise: Math.log(1e-6) });
        gp.setData(
          U,
          ys.map((y) => transform.forward(y)),
          ys.map((y, i) => transform.forwardNoise(y, this.noise[i][j])),
        );
        const withRestarts = !prev || n >= (this.config.restartGrowth ?? 1.5) * this.lastRestartN;
        if (withRestarts && j === this.config.objectives.length - 1) this.lastRestartN = n;
        fitHyperparameters(gp, {
          restarts: withRestarts ? (this.config.restarts ?? 3) : 0,
          maxIterations: withRestarts ? 40 : (this.config.warmIterations ?? 10),
          rng: this.rng(1000 + this.round * 16 + j),
          maxPoints: this.config.hyperMaxPoints ?? 250,
        });
        this.models[j] = { gp, transform };
      } else {
        const { gp, transform } = this.models[j]!;
        const from = this.fittedCount;
        gp.addObservations(
          U.subarray(from * this.dim),
          ys.slice(from).map((y) => transform.forward(y)),
          ys.slice(from).map((y, i) => transform.forwardNoise(y, this.noise[from + i][j])),
        );
      }
    });
    this.roundsSinceRefit = refit ? 0 : this.roundsSinceRefit + 1;
    this.fittedCount = n;
    return this.models as ObjectiveModel[];
  }

  private objectives(): LevelSetObjective[] {
    const models = this.refresh();
    return this.config.objectives.map((o, j) => ({
      model: models[j].gp,
      threshold: models[j].transform.forward(o.threshold),
      weight: o.weight,
    }));
  }

  private key(u: ArrayLike<number>): string {
    return Array.from(u, (v) => v.toPrecision(10)).join(',');
  }

  /**
   * Proposes q new points given pending ones. Pool mode: `candidates` (physical units) — returns indices into
   * it; candidates equal to an observed or pending point are skipped. Continuous mode (no candidates): draws
   * candidates uniformly in the box (respecting the constraints) and refines around the most promising ones.
   */
  proposeBatch(q: number, pending: number[][] = [], opts: { candidates?: number[][] } = {}): { points: number[][]; indices: number[]; scores: number[] } {
    const obj = this.objectives();
    const d = this.dim;
    let candPhys: number[][];
    if (opts.candidates) {
      candPhys = opts.candidates;
    } else {
      candPhys = this.continuousCandidates(obj);
    }
    const cand = this.scaler.toUnit(candPhys.flat());
    const taken = new Set<string>();
    for (const p of [...this.X, ...pending]) taken.add(this.key(this.scaler.toUnit(p)));
    const exclude = new Set<number>();
    for (let a = 0; a < candPhys.length; a++) {
      if (taken.has(this.key(cand.subarray(a * d, a * d + d))) || !this.allowed(candPhys[a])) exclude.add(a);
    }
    const prop = proposeBatch(obj, {
      candidates: cand,
      q,
      pending: this.scaler.toUnit(pending.flat()),
      exclude,
      acquisition: this.config.acquisition ?? 'straddle',
      strategy: this.config.strategy ?? 'believer',
    });
    this.round++;
    this.lastProposal = { exactCount: prop.exactCount, candidates: candPhys.length };
    return { points: prop.indices.map((i) => [...candPhys[i]]), indices: prop.indices, scores: prop.scores };
  }

  private continuousCandidates(obj: LevelSetObjective[]): number[][] {
    const rng = this.rng(this.round);
    const d = this.dim;
    const N = this.config.continuousCandidates ?? 4000;
    const out: number[][] = [];
    let tries = 0;
    while (out.length < N && tries < N * 50) {
      tries++;
      const u = Array.from({ length: d }, () => rng.uniform());
      const x = Array.from(this.scaler.fromUnit(u));
      if (this.allowed(x)) out.push(x);
    }
    // refine: perturb the 40 candidates with the best bound of the summed misclassification probability
    const U = this.scaler.toUnit(out.flat());
    const score = new Float64Array(out.length);
    obj.forEach((o) => {
      const l = new LazyCandidatePosterior(o.model, U);
      for (let a = 0; a < out.length; a++) score[a] += -Math.abs(l.mean[a] - o.threshold) / Math.sqrt(l.varUpper[a]);
    });
    const order = Array.from(out.keys())
      .sort((a, b) => score[b] - score[a])
      .slice(0, 40);
    for (const a of order) {
      for (let k = 0; k < 10; k++) {
        const u = Array.from({ length: d }, (_, i) => Math.min(1, Math.max(0, U[a * d + i] + normal(rng, 0, 0.03))));
        const x = Array.from(this.scaler.fromUnit(u));
        if (this.allowed(x)) out.push(x);
      }
    }
    return out;
  }

  /** Posterior per objective at the points, in each objective's model scale, plus the model-scale threshold. */
  predict(points: number[][]): { mean: Float64Array; variance: Float64Array; threshold: number }[] {
    const obj = this.objectives();
    const U = this.scaler.toUnit(points.flat());
    return obj.map((o) => {
      const l = new LazyCandidatePosterior(o.model, U, 1);
      const variance = Float64Array.from(l.mean, (_, a) => l.variance(a));
      return { mean: l.mean, variance, threshold: o.threshold };
    });
  }

  /** Predicted label per point and objective: true = excluded (posterior mean below the threshold). */
  classify(points: number[][]): boolean[][] {
    const obj = this.objectives();
    const U = this.scaler.toUnit(points.flat());
    const means = obj.map((o) => o.model.predictMean(U));
    return points.map((_, a) => obj.map((o, j) => means[j][a] < o.threshold));
  }

  /**
   * Expected misclassified fraction over reference points (default: a seeded uniform sample of the box), as the scan's
   * stopping rule reads it: the probability that the posterior-mean label is wrong for the value each point would
   * record (f plus the nugget, under the predictive calibrated near the level: see `estimateCalibration`), and, for reference
   * points already observed (pool mode), the exact error of the posterior-mean label against the observed value (see
   * MisclassificationOptions). `perPoint` also returns each reference point's probability.
   */
  estimateMisclassifiedFraction(reference?: number[][], options: { perPoint?: boolean } = {}): MisclassificationEstimate {
    const { obj, unit, known, varianceScale, predictive } = this.stoppingInputs(reference);
    return expectedMisclassifiedFraction(obj, unit, 1e-6, { known, observationNoise: true, varianceScale, predictive, perPoint: options.perPoint });
  }

  /**
   * Draws of the misclassified count over the same reference points from the joint posterior the estimate reads
   * (stopping.ts sampleMisclassifiedCounts): the law of the true count if the estimate were perfectly calibrated.
   */
  sampleMisclassifiedCounts(reference: number[][] | undefined, draws: number, seed: number): Int32Array {
    const { obj, unit, known, varianceScale, predictive } = this.stoppingInputs(reference);
    return sampleMisclassifiedCounts(obj, unit, draws, createRng(seed), { known, observationNoise: true, varianceScale, predictive });
  }

  /** The stopping estimate's inputs: objectives, reference points (unit box), observed labels, the calibrated predictive. */
  private stoppingInputs(reference?: number[][]): {
    obj: LevelSetObjective[];
    unit: Float64Array;
    known: Map<number, boolean[]>;
    varianceScale: number[] | undefined;
    predictive: ExactGp[] | undefined;
  } {
    const obj = this.objectives();
    let ref = reference;
    if (!ref) {
      const rng = this.rng(999_983);
      ref = [];
      for (let k = 0; k < 20000 && ref.length < 4000; k++) {
        const x = Array.from(this.scaler.fromUnit(Array.from({ length: this.dim }, () => rng.uniform())));
        if (this.allowed(x)) ref.push(x);
      }
    }
    // reference points equal to an observed point (pool mode), found by a numeric hash of the physical coordinates
    // and confirmed coordinate by coordinate (string keys for thousands of reference points per round cost more)
    const hash = (x: ArrayLike<number>) => {
      let h = 0;
      for (let j = 0; j < x.length; j++) h = h * 1.000003 + x[j] * (j + 1.6180339887);
      return h;
    };
    const observed = new Map<number, number[]>();
    this.X.forEach((x, i) => {
      const h = hash(x);
      const l = observed.get(h);
      if (l) l.push(i);
      else observed.set(h, [i]);
    });
    const known = new Map<number, boolean[]>();
    ref.forEach((x, r) => {
      const i = observed.get(hash(x))?.find((k) => this.X[k].every((v, j) => v === x[j]));
      if (i !== undefined)
        known.set(
          r,
          this.config.objectives.map((o, j) => this.Y[i][j] < o.threshold),
        );
    });
    const calibration = this.config.estimateCalibration ?? 'level-cv';
    let varianceScale: number[] | undefined;
    let predictive: ExactGp[] | undefined;
    if (calibration === 'level-loo') varianceScale = obj.map((o) => levelVarianceScale(o.model, o.threshold));
    else if (calibration === 'level-cv') {
      const chosen = obj.map((o) => levelCalibration(o.model, o.threshold));
      varianceScale = chosen.map((c) => c.varianceScale);
      predictive = chosen.map((c) => c.model);
    }
    return { obj, unit: this.scaler.toUnit(ref.flat()), known, varianceScale, predictive };
  }

  /**
   * True when the observations bracket the level set: some observed point is excluded (below the threshold of some
   * objective) and some is allowed by every objective. Before that the data say nothing about where the boundary
   * lies, and a misclassified fraction estimated from them is not an estimate of anything (e.g. an initial design
   * that missed a small excluded corner gives a posterior that is confidently 'allowed' everywhere).
   */
  bracketed(): boolean {
    let excluded = false;
    let allowed = false;
    for (const y of this.Y) {
      if (this.config.objectives.some((o, j) => y[j] < o.threshold)) excluded = true;
      else allowed = true;
    }
    return excluded && allowed;
  }

  /** Fitted hyperparameters per objective (for reports). */
  hyperparameters(): { name: string; lengthscales: number[]; variance: number; noise: number; mean: number }[] {
    const models = this.refresh();
    return models.map((m, j) => {
      const k = m.gp.kernel as StationaryKernel;
      return {
        name: this.config.objectives[j].name,
        lengthscales: k.lengthscales(),
        variance: k.diagValue(),
        noise: Math.exp(m.gp.logNoise),
        mean: m.gp.constMean,
      };
    });
  }

  toState(): LearnerState {
    return {
      config: JSON.parse(JSON.stringify(this.config)) as LearnerConfig,
      X: this.X.map((r) => [...r]),
      Y: this.Y.map((r) => [...r]),
      noise: this.noise.map((r) => [...r]),
      round: this.round,
      roundsSinceRefit: this.roundsSinceRefit,
      lastRestartN: this.lastRestartN,
      models: this.models.map((m) => (m ? { gp: m.gp.toState(), transform: m.transform.toJSON() } : null)),
      fittedCount: this.fittedCount,
    };
  }

  static fromState(s: LearnerState): ActiveLearner {
    const l = new ActiveLearner(s.config);
    l.X = s.X.map((r) => [...r]);
    l.Y = s.Y.map((r) => [...r]);
    l.noise = s.noise.map((r) => [...r]);
    l.round = s.round;
    l.roundsSinceRefit = s.roundsSinceRefit;
    l.lastRestartN = s.lastRestartN;
    l.models = s.models.map((m) => (m ? { gp: ExactGp.fromState(m.gp), transform: OutputTransform.fromJSON(m.transform) } : null));
    l.fittedCount = s.fittedCount;
    return l;
  }
}

export function createActiveLearner(config: LearnerConfig): ActiveLearner {
  return new ActiveLearner(config);
}
