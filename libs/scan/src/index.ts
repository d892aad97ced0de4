// The active-learning loop of a scan as pure functions (DESIGN.md "Next shape"): driven by the ScanWorkflow's
// activities (libs/orchestration) and by `sigmap al-bench` alike.
export { fromUnit, pointOf, scannedOf } from './axes';
export { FIDELITY_RANK, trainingDigest, trainingSet, type TrainingRow } from './training';
export { CLS_FLOOR, CLS_LIMIT, buildLearner, learnerSeed, scanObjectives, type LoopOptions } from './learner';
export { initialDesign, initialDesignSize } from './design';
export { proposeStep, type ProposeStepInput, type ProposeStepResult } from './step';
export { contourOf, marchingSquares } from './contour';
export { misclassificationProbabilities, misclassifiedCountDraws, misclassifiedEstimate, scanConverged } from './stopping';
export { advanceStopping, STOPPING_PATIENCE, stoppingMet, type StoppingProgress } from '@sigmap/contracts';
