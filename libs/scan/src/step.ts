import { pointKey, type EvaluatedPoint, type ModelPoint, type ScanSpec } from '@sigmap/contracts';
import type { ActiveLearner } from '@sigmap/gp';
import { pointOf, scannedOf } from './axes';
import { initialDesign, initialDesignSize } from './design';
import { buildLearner, type LoopOptions } from './learner';
import { misclassifiedEstimate } from './stopping';
import { trainingDigest, trainingSet, type TrainingRow } from './training';

export interface ProposeStepInput {
  spec: ScanSpec;
  /** Every evaluation so far (any order; the training set sorts them). */
  evaluations: Pick<EvaluatedPoint, 'key' | 'point' | 'search' | 'fidelity' | 'clsObs'>[];
  /** Points dispatched and not returned (asynchronous batches); already-evaluated ones among them are ignored. */
  pending: ModelPoint[];
  /** Pool mode: the candidate points (published grid); null: continuous in the box. */
  pool: ModelPoint[] | null;
  q: number;
  round: number;
  options?: LoopOptions;
}

export interface ProposeStepResult {
  points: ModelPoint[];
  /** The round's learner (null before two points are evaluated); the estimate and the contour come from it. */
  learner: ActiveLearner | null;
  rows: TrainingRow[];
  gpDigest: string;
  misclassified: number | null;
  /** Pool mode: candidates left after this batch; -1 in continuous mode. */
  candidatesLeft: number;
  /** True when the batch is (part of) the initial design. */
  initial: boolean;
}

/**
 * One round of the loop: the training set from the evaluations, the round's learner, then either the seeded initial
 * design (until initialPoints are evaluated or in flight) or a batch by the level-set acquisition with the pending
 * points fantasised (kriging believer), and the stopping estimate. The ScanWorkflow's proposeBatch activity and
 * `sigmap al-bench` both call this.
 */
export function proposeStep(input: ProposeStepInput): ProposeStepResult {
  const { spec, pool, q, round } = input;
  const rows = trainingSet(spec, input.evaluations);
  const learner = rows.length >= 2 ? buildLearner(spec, rows, round, input.options) : null;
  // a batch still counted as in flight may have part of its points evaluated already: those are observations,
  // not pending points (counting them twice would shrink the initial design and fantasise known values)
  const observed = new Set(rows.map((r) => r.key));
  const inFlight = input.pending.filter((p) => !observed.has(pointKey(p)));
  const taken = new Set([...observed, ...inFlight.map(pointKey)]);
  const candidates = pool ? pool.filter((p) => !taken.has(pointKey(p))) : null;
  let points: ModelPoint[];
  const initial = !learner || rows.length + inFlight.length < spec.initialPoints;
  if (initial) {
    points = initialDesign(spec, candidates, initialDesignSize(spec, q, rows.length, inFlight.length), round);
  } else {
    const pending = inFlight.map((p) => scannedOf(spec, p));
    if (candidates) {
      const r = learner.proposeBatch(q, pending, { candidates: candidates.map((p) => scannedOf(spec, p)) });
      points = r.indices.map((i) => candidates[i]);
    } else {
      points = learner.proposeBatch(q, pending).points.map((x) => pointOf(spec, x));
    }
  }
  return {
    points,
    learner,
    rows,
    gpDigest: trainingDigest(rows),
    misclassified: misclassifiedEstimate(learner, spec, pool),
    candidatesLeft: candidates ? candidates.length - points.length : -1,
    initial,
  };
}
