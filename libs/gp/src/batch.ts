import { InputError } from '@sigmap/contracts';
import { binaryEntropy, lookaheadReduction, misclassOne, normalCdf, type AcquisitionName } from './acquisition';
import type { ExactGp } from './exactGp';
import { cholesky, dot, solveLowerInPlace } from './linalg';
import { kernelRow } from './kernels';

/** One level set to learn: a model (in its own output scale) and the threshold on that scale. */
export interface LevelSetObjective {
  model: ExactGp;
  threshold: number;
  weight?: number;
  /** Noise variance assumed for fantasised observations (model scale); default: the model's nugget. */
  fantasyNoise?: number;
}

export type BatchStrategy = 'believer' | 'penalisation';

export interface ProposeOptions {
  /** Candidate points in the models' input space (m x d row-major). */
  candidates: Float64Array;
  q: number;
  /** Points dispatched but not returned yet (k x d): conditioned on as fantasies / penalised. */
  pending?: Float64Array;
  /** Candidate indices that may not be proposed (already observed or pending). */
  exclude?: Set<number>;
  acquisition?: AcquisitionName | 'lookahead';
  strategy?: BatchStrategy;
  /** Look-ahead: how many candidates (best by misclassification probability) get the integrated criterion. */
  shortlist?: number;
}

export interface Proposal {
  /** Indices into the candidate list, in the order chosen. */
  indices: number[];
  /** Acquisition value of each pick at the time it was chosen. */
  scores: number[];
  /** How many candidates needed an exact posterior variance (the rest were pruned by their upper bound). */
  exactCount: number;
}

const BETA = 1.96;

function acqValue(name: AcquisitionName, mean: number, variance: number, t: number): number {
  switch (name) {
    case 'straddle':
      return BETA * Math.sqrt(Math.max(variance, 0)) - Math.abs(mean - t);
    case 'misclassification':
      return misclassOne(mean, variance, t);
    case 'entropy': {
      const s = Math.sqrt(Math.max(variance, 0));
      return binaryEntropy(s === 0 ? (mean > t ? 1 : 0) : normalCdf((mean - t) / s));
    }
  }
}

/**
 * The posterior of one model over a candidate set, computed lazily: means for every candidate, an upper bound
 * on the variance for every candidate (the posterior variance given only the `nearest` most correlated
 * observations, which can only exceed the variance given all of them), and exact variances (rows of
 * L^{-1} k(X, x)) on demand. Fantasised observations (kriging believer: y = posterior mean, so means do not
 * move) lower variances by rank-1 updates: after fantasies f_1..f_J,
 *   cov_J(a, b) = cov_0(a, b) - sum_j u_j(a) u_j(b),  u_j(a) = cov_{j-1}(a, f_j) / sqrt(var_{j-1}(f_j) + tau^2).
 */
export class LazyCandidatePosterior {
  readonly m: number;
  readonly mean: Float64Array;
  readonly varUpper: Float64Array;
  private readonly d: number;
  private readonly n: number;
  private readonly L: Float64Array;
  /** exact rows v_a = L^{-1} k(X, x_a) for evaluated candidates */
  private readonly v = new Map<number, Float64Array>();
  private readonly var0 = new Map<number, number>();
  /** u_j(a) for each fantasy j, per exact candidate */
  private readonly u = new Map<number, number[]>();
  private readonly fantasies: { x: Float64Array; v: Float64Array; u: number[]; denom: number }[] = [];

  constructor(
    readonly model: ExactGp,
    readonly X: Float64Array,
    nearest = 8,
  ) {
    const d = (this.d = model.dim);
    const m = (this.m = X.length / d);
    const n = (this.n = model.n);
    this.mean = new Float64Array(m).fill(model.constMean);
    this.varUpper = new Float64Array(m).fill(model.kernel.diagValue());
    this.L = n > 0 ? model.choleskyFactor() : new Float64Array(0);
    if (n === 0) return;
    const s = Math.min(nearest, n);
    const kern = model.kernel;
    const noise = Math.exp(model.logNoise);
    const alpha = model.weights();
    const idx = new Int32Array(s);
    const val = new Float64Array(s);
    const K = new Float64Array(s * s);
    const kv = new Float64Array(s);
    const row = new Float64Array(n);
    for (let a = 0; a < m; a++) {
      let filled = 0;
      kernelRow(kern, X, a * d, model.X, n, row);
      const mu = dot(row, 0, alpha, 0, n);
      for (let i = 0; i < n; i++) {
        const k = row[i];
        if (filled < s) {
          let p = filled++;
          while (p > 0 && val[p - 1] < k) {
            val[p] = val[p - 1];
            idx[p] = idx[p - 1];
            p--;
          }
          val[p] = k;
          idx[p] = i;
        } else if (k > val[s - 1]) {
          let p = s - 1;
          while (p > 0 && val[p - 1] < k) {
            val[p] = val[p - 1];
            idx[p] = idx[p - 1];
            p--;
          }
          val[p] = k;
          idx[p] = i;
        }
      }
      this.mean[a] += mu;
      for (let i = 0; i < s; i++) {
        for (let j = 0; j < i; j++) K[i * s + j] = K[j * s + i] = kern.value(model.X, idx[i] * d, model.X, idx[j] * d);
        K[i * s + i] = kern.diagValue() + model.noise[idx[i]] + noise;
        kv[i] = val[i];
      }
      try {
        const { L } = cholesky(K, s);
        solveLowerInPlace(L, s, kv);
        this.varUpper[a] = Math.max(kern.diagValue() - dot(kv, 0, kv, 0, s), 0) * (1 + 1e-9) + 1e-12;
      } catch {
        this.varUpper[a] = kern.diagValue();
      }
    }
  }

  isExact(a: number): boolean {
    return this.v.has(a);
  }

  get exactCount(): number {
    return this.v.size;
  }

  private rowFor(x: Float64Array, off: number): Float64Array {
    const { n, d } = this;
    const r = kernelRow(this.model.kernel, x, off, this.model.X, n, new Float64Array(n));
    void d;
    return n > 0 ? solveLowerInPlace(this.L, n, r) : r;
  }

  /** Makes candidate a exact (computes its whitened row and its fantasy updates). */
  makeExact(a: number): void {
    if (this.v.has(a)) return;
    const va = this.rowFor(this.X, a * this.d);
    this.v.set(a, va);
    this.var0.set(a, Math.max(this.model.kernel.diagValue() - dot(va, 0, va, 0, this.n), 0));
    const ua: number[] = [];
    for (let j = 0; j < this.fantasies.length; j++) {
      const f = this.fantasies[j];
      let c = this.model.kernel.value(this.X, a * this.d, f.x, 0) - dot(va, 0, f.v, 0, this.n);
      for (let i = 0; i < j; i++) c -= ua[i] * f.u[i];
      ua.push(c / f.denom);
    }
    this.u.set(a, ua);
  }

  /** Exact current variance of candidate a (after fantasies). */
  variance(a: number): number {
    this.makeExact(a);
    let v = this.var0.get(a)!;
    for (const x of this.u.get(a)!) v -= x * x;
    return Math.max(v, 1e-300);
  }

  /** Current posterior covariance between candidates a and b (both made exact). */
  covariance(a: number, b: number): number {
    this.makeExact(a);
    this.makeExact(b);
    let c = this.model.kernel.value(this.X, a * this.d, this.X, b * this.d) - dot(this.v.get(a)!, 0, this.v.get(b)!, 0, this.n);
    const ua = this.u.get(a)!;
    const ub = this.u.get(b)!;
    for (let j = 0; j < ua.length; j++) c -= ua[j] * ub[j];
    return c;
  }

  /** Conditions on a fantasised observation at point x (1 x d), noise variance tau2. */
  addFantasy(x: Float64Array, tau2: number): void {
    const xv = Float64Array.from(x);
    const vf = this.rowFor(xv, 0);
    const uf: number[] = [];
    let varf = Math.max(this.model.kernel.diagValue() - dot(vf, 0, vf, 0, this.n), 0);
    for (let j = 0; j < this.fantasies.length; j++) {
      const f = this.fantasies[j];
      let c = this.model.kernel.value(xv, 0, f.x, 0) - dot(vf, 0, f.v, 0, this.n);
      for (let i = 0; i < j; i++) c -= uf[i] * f.u[i];
      const uj = c / f.denom;
      uf.push(uj);
      varf -= uj * uj;
    }
    const denom = Math.sqrt(Math.max(varf, 0) + Math.max(tau2, 1e-12));
    const fant = { x: xv, v: vf, u: uf, denom };
    const j = this.fantasies.length;
    this.fantasies.push(fant);
    for (const [a, va] of this.v) {
      const ua = this.u.get(a)!;
      let c = this.model.kernel.value(this.X, a * this.d, xv, 0) - dot(va, 0, vf, 0, this.n);
      for (let i = 0; i < j; i++) c -= ua[i] * uf[i];
      ua.push(c / denom);
    }
  }
}

function fantasyNoiseOf(o: LevelSetObjective): number {
  return o.fantasyNoise ?? Math.exp(o.model.logNoise);
}

/**
 * Proposes q points from a candidate list for one or more level sets at once (acquisitions summed with weights),
 * conditioning on pending points first. Strategies:
 *  - 'believer' (kriging believer, Ginsbourger et al. 2010): each pick (and each pending point) is added as a
 *    fantasised observation equal to the posterior mean; variances shrink around it, means stay.
 *  - 'penalisation' (local penalisation in the spirit of Gonzalez et al. 2016): the acquisition (made positive)
 *    is multiplied by prod_j (1 - rho(x, x_j)), rho the kernel correlation with each pick / pending point.
 * Exact: candidates are pruned only by a valid upper bound of their acquisition, so the picks equal those of
 * a full evaluation.
 */
export function proposeBatch(objectives: LevelSetObjective[], opts: ProposeOptions): Proposal {
  if (objectives.length === 0) throw new InputError('objectives', 'need at least one level set');
  const d = objectives[0].model.dim;
  const m = opts.candidates.length / d;
  if (!Number.isInteger(m)) throw new InputError('candidates', `length ${opts.candidates.length} is not a multiple of ${d}`);
  const strategy = opts.strategy ?? 'believer';
  const acqName = opts.acquisition ?? 'straddle';
  const baseAcq: AcquisitionName = acqName === 'lookahead' ? 'misclassification' : acqName;
  const exclude = new Set(opts.exclude ?? []);
  const lazy = objectives.map((o) => new LazyCandidatePosterior(o.model, opts.candidates));
  const pend = opts.pending ?? new Float64Array(0);
  const nPend = pend.length / d;
  const penaltyPoints: Float64Array[] = [];
  for (let p = 0; p < nPend; p++) {
    const x = pend.subarray(p * d, p * d + d);
    if (strategy === 'believer') lazy.forEach((l, i) => l.addFantasy(x, fantasyNoiseOf(objectives[i])));
    else penaltyPoints.push(Float64Array.from(x));
  }
  const positive = (v: number) => (baseAcq === 'straddle' ? Math.log1p(Math.exp(v)) : v);
  const penalty = (a: number) => {
    let f = 1;
    for (const x of penaltyPoints) {
      let rho = 1;
      for (const o of objectives) rho = Math.min(rho, o.model.kernel.value(opts.candidates, a * d, x, 0) / o.model.kernel.diagValue());
      f *= Math.max(1 - rho, 0);
    }
    return f;
  };
  const score = (a: number, exact: boolean) => {
    let s = 0;
    objectives.forEach((o, i) => {
      const v = exact ? lazy[i].variance(a) : lazy[i].varUpper[a];
      s += (o.weight ?? 1) * acqValue(baseAcq, lazy[i].mean[a], v, o.threshold);
    });
    return strategy === 'penalisation' ? positive(s) * (exact ? penalty(a) : 1) : s;
  };
  const allowed: number[] = [];
  for (let a = 0; a < m; a++) if (!exclude.has(a)) allowed.push(a);
  const ub = new Float64Array(m);
  for (const a of allowed) ub[a] = score(a, false);
  allowed.sort((a, b) => ub[b] - ub[a]);
  let cursor = 0; // allowed[cursor..] are not exact yet
  const exactSet: number[] = [];
  const chunk = 32;
  const indices: number[] = [];
  const scores: number[] = [];
  const chosen = new Set<number>();
  const q = Math.min(opts.q, allowed.length);
  const shortlistSize = opts.shortlist ?? 24;
  for (let pick = 0; pick < q; pick++) {
    // Best exact score; expand while an unevaluated candidate's upper bound could beat it.
    const bestExact = () => {
      let best = -Infinity;
      let arg = -1;
      for (const a of exactSet) {
        if (chosen.has(a)) continue;
        const s = score(a, true);
        if (s > best) {
          best = s;
          arg = a;
        }
      }
      return { best, arg };
    };
    let { best, arg } = bestExact();
    const need = acqName === 'lookahead' ? shortlistSize : 1;
    while (cursor < allowed.length && (ub[allowed[cursor]] > best || exactSet.length - chosen.size < need)) {
      const end = Math.min(allowed.length, cursor + chunk);
      for (; cursor < end; cursor++) {
        const a = allowed[cursor];
        lazy.forEach((l) => l.makeExact(a));
        exactSet.push(a);
      }
      ({ best, arg } = bestExact());
    }
    if (arg < 0) break;
    if (acqName === 'lookahead') {
      // Shortlist by misclassification probability, then rank by the integrated look-ahead criterion with the
      // reference set = all exactly evaluated candidates (the uncertain band; pruned candidates have
      // misclassification probability below the shortlist's and contribute little).
      const ranked = exactSet.filter((a) => !chosen.has(a)).map((a) => ({ a, s: score(a, true) }));
      ranked.sort((x, y) => y.s - x.s);
      const short = ranked.slice(0, shortlistSize).map((r) => r.a);
      const refs = exactSet;
      let bestLa = -Infinity;
      for (const a of short) {
        let total = 0;
        objectives.forEach((o, i) => {
          const l = lazy[i];
          const mean = refs.map((r) => l.mean[r]);
          const variance = refs.map((r) => l.variance(r));
          const cov = refs.map((r) => l.covariance(r, a));
          total += (o.weight ?? 1) * lookaheadReduction({ mean, variance }, cov, l.variance(a), fantasyNoiseOf(o), o.threshold);
        });
        const val = (total * refs.length) / Math.max(m, 1);
        if (val > bestLa) {
          bestLa = val;
          arg = a;
        }
      }
      best = bestLa;
    }
    indices.push(arg);
    scores.push(best);
    chosen.add(arg);
    const x = opts.candidates.subarray(arg * d, arg * d + d);
    if (strategy === 'believer') lazy.forEach((l, i) => l.addFantasy(x, fantasyNoiseOf(objectives[i])));
    else penaltyPoints.push(Float64Array.from(x));
  }
  return { indices, scores, exactCount: exactSet.length };
}
