import { scannedParameters, type ScanSpec } from '@sigmap/contracts';
import { createActiveLearner, type ActiveLearner, type LearnerConfig, type ObjectiveSpec } from '@sigmap/gp';
import type { TrainingRow } from './training';

/** CLs below this excludes a point at 95% CL. */
export const CLS_LIMIT = 0.05;
/** CLs values are floored here before the GP's log transform (deep inside the excluded region CLs reaches 1e-20). */
const CLS_FLOOR = 1e-8;

/**
 * What the loop learns besides the spec. A scan learns CLs_obs per search (threshold 0.05, log transform, floor
 * 1e-8: `scanObjectives`); `sigmap al-bench` learns a pool column with its own threshold and transform.
 */
export interface LoopOptions {
  objectives?: ObjectiveSpec[];
  acquisition?: LearnerConfig['acquisition'];
  /** The stopping estimate's calibration (default: the learner's, 'level-cv'); `sigmap bench al` compares all three. */
  estimateCalibration?: LearnerConfig['estimateCalibration'];
}

/** One objective per search: CLs_obs, threshold 0.05, log transform; a point is excluded when any search excludes it. */
function scanObjectives(spec: Pick<ScanSpec, 'searches'>): ObjectiveSpec[] {
  return spec.searches.map((s) => ({ name: s, threshold: CLS_LIMIT, transform: 'log' as const, floor: CLS_FLOOR }));
}

/** The learner's seed in a round: a fresh learner per round, so continuous-mode candidate draws differ between rounds yet are reproducible. */
function learnerSeed(spec: Pick<ScanSpec, 'seed'>, round: number): number {
  return spec.seed * 100_003 + round;
}

/**
 * The @sigmap/gp active learner of one round, rebuilt from the training set (the scan's activities are stateless:
 * the numbers live in the store). Log objectives see their values floored at the objective's floor.
 */
export function buildLearner(spec: ScanSpec, rows: TrainingRow[], round: number, o: LoopOptions = {}): ActiveLearner {
  const names = scannedParameters(spec);
  const objectives = o.objectives ?? scanObjectives(spec);
  const config: LearnerConfig = {
    axes: names.map((n) => ({ name: n, lower: spec.parameters[n].min, upper: spec.parameters[n].max, scale: spec.parameters[n].scale })),
    objectives,
    seed: learnerSeed(spec, round),
    ...(o.acquisition ? { acquisition: o.acquisition } : {}),
    ...(o.estimateCalibration ? { estimateCalibration: o.estimateCalibration } : {}),
  };
  const learner = createActiveLearner(config);
  if (rows.length)
    learner.observe(
      rows.map((r) => names.map((n) => r.point[n])),
      rows.map((r) => r.cls.map((c, j) => (objectives[j].transform === 'log' ? Math.max(c, objectives[j].floor ?? 1e-12) : c))),
    );
  return learner;
}
