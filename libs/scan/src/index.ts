// The active-learning loop of a scan as pure functions (DESIGN.md "Next shape"): driven by the ScanWorkflow's
// activities (libs/orchestration) and by `sigmap al-bench` alike.
export { trainingDigest, trainingSet, type TrainingRow } from './training';
export { CLS_LIMIT, buildLearner, type LoopOptions } from './learner';
export { proposeStep, type ProposeStepInput, type ProposeStepResult } from './step';
export { contourOf } from './contour';
export { misclassificationProbabilities, misclassifiedCountDraws, misclassifiedEstimate, scanConverged } from './stopping';
export { advanceStopping, STOPPING_PATIENCE, type StoppingProgress } from '@sigmap/contracts';
