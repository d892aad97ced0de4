/**
 * The surrogate ensemble as data: per object type the K members, and the per-bin ensemble statistics (mean and
 * spread, detector-level occupancy variance) that the `surrogate` fidelity (simulate.ts) and the validation
 * (validate.ts) both use. Its own module so that validate does not import simulate (which imports the registry,
 * which imports validate's report type): no import cycle.
 */
import { InputError } from '@sigmap/contracts';
import type { ObjectModels } from './detector';
import type { ObjectModel } from './model';
import type { ObjectType } from './objects';

/** Per object type, the K ensemble members (all types must have the same K). */
export type SurrogateSet = Partial<Record<ObjectType, ObjectModel[]>>;

export function memberCount(models: SurrogateSet): number {
  const ks = Object.values(models).map((m) => m!.length);
  if (ks.length === 0) throw new InputError('models', 'no surrogate models loaded (train them with `sigmap surrogate train`)');
  return Math.min(...ks);
}

export function membersAt(models: SurrogateSet, k: number): ObjectModels {
  const out: ObjectModels = {};
  for (const [o, ms] of Object.entries(models)) out[o as ObjectType] = ms![k];
  return out;
}

/** Ensemble mean and standard deviation per bin. */
export function ensembleStats(memberYields: readonly number[][]): { mean: number[]; std: number[] } {
  const M = memberYields.length;
  const nb = memberYields[0]?.length ?? 0;
  const mean = new Array<number>(nb).fill(0);
  const std = new Array<number>(nb).fill(0);
  for (let b = 0; b < nb; b++) {
    for (const y of memberYields) mean[b] += y[b] / M;
    if (M > 1) std[b] = Math.sqrt(memberYields.reduce((a, y) => a + (y[b] - mean[b]) ** 2, 0) / (M - 1));
  }
  return { mean, std };
}

/**
 * Detector-level variance of the ensemble's yield per bin, from where the K members put each event:
 * sum_i w_i^2 p_ib (1 - p_ib), p_ib = the share of members that select event i into bin b. `bins[k][i]` is member
 * k's bin of event i (-1: not selected).
 */
export function occupancyVariance(bins: readonly (readonly number[] | Int32Array)[], weights: readonly number[], nb: number): number[] {
  const K = bins.length;
  const v = new Array<number>(nb).fill(0);
  const hits = new Float64Array(nb);
  weights.forEach((w, i) => {
    hits.fill(0);
    for (let k = 0; k < K; k++) if (bins[k][i] >= 0) hits[bins[k][i]] += 1 / K;
    for (let b = 0; b < nb; b++) if (hits[b] > 0 && hits[b] < 1) v[b] += w * w * hits[b] * (1 - hits[b]);
  });
  return v;
}

/**
 * The per-bin spread of an ensemble's yields as it enters the likelihood (before calibration), from one pass of each
 * member: sqrt(std^2 + detVar), the members' standard deviation (model disagreement and sampling noise) with the
 * detector-level variance of where they put each event (occupancyVariance: with 3 members the standard deviation
 * alone is a 2-degree-of-freedom estimate, often far too small), floored where the ensemble mean is positive at the
 * yield of one event in that bin (mean over the members with events there of yield / count).
 */
export function productionSpread(
  memberYields: readonly number[][],
  memberCounts: readonly number[][],
  detVar?: readonly number[],
): { mean: number[]; spread: number[] } {
  const { mean, std } = ensembleStats(memberYields);
  const spread = std.map((sd, b) => {
    const s = Math.sqrt(sd * sd + (detVar?.[b] ?? 0));
    if (!(mean[b] > 0)) return s;
    const per = memberYields.map((y, k) => (memberCounts[k][b] > 0 ? y[b] / memberCounts[k][b] : NaN)).filter((x) => Number.isFinite(x));
    const oneEvent = per.length ? per.reduce((a, x) => a + x, 0) / per.length : 0;
    return Math.max(s, oneEvent);
  });
  return { mean, spread };
}
