/**
 * @sigmap/surrogate: tfjs conditional generative surrogates of the detector response (autoregressive IQN, conditional
 * flow), their training on `full` simulation, validation, ensembles, the `surrogate` fidelity and the multi-fidelity
 * policy.
 */
export { selectBackend, type BackendName } from './backend/select';
export { TfShowerEngine } from './backend/calorimeter';
export { ensureBackend } from './tf';
export { wasserstein1, rocAuc } from './metrics';
export { Iqn, IQN_DEFAULTS } from './iqn';
export type { IqnOptions, IqnState } from './iqn';
export { Flow, FLOW_DEFAULTS } from './flow';
export type { FlowOptions, FlowState } from './flow';
export { Bernoulli } from './bernoulli';
export { OBJECT_TYPES, OBJECT_SPECS, isObjectType, truthObjects, matchObjects } from './objects';
export type { ObjectType, ObjectSpec, TruthObject } from './objects';
export { fullSample, objectTable, tableDigest, truthEvent } from './data';
export type { FullSample, SampledEvent, ObjectTable } from './data';
export { ObjectModel, trainEnsemble, DEFAULT_BUDGET } from './model';
export type { GeneratorKind, TrainBudget } from './model';
export { surrogateDetector, SURROGATE_UNSUPPORTED_SEARCHES } from './detector';
export { simulateWithSurrogate, loadDefaultSet, ensembleStats, productionSpread, occupancyVariance } from './simulate';
export type { DefaultSet, SurrogateSet, SurrogateSimulateRequest, SurrogateSimulateResult } from './simulate';
export {
  validateSurrogate,
  closureTest,
  classifierAuc,
  calibrateSpread,
  closureScore,
  CALIBRATION_LEVEL,
  CLOSURE_TARGET,
  FLOOR_SPLITS,
  permutationFloors,
  passesValidation,
  chooseByValidation,
  W1_RATIO_MAX,
  AUC_MAX,
} from './validate';
export type { ValidationReport, W1Row, ClosureBin, SpreadCalibration } from './validate';
export {
  listModels,
  findModel,
  defaultModelFor,
  loadMembers,
  saveModel,
  modelsDir,
  sigmapHome,
  SHIPPED_MODELS_DIR,
  updateMeta as updateModelMeta,
} from './registry';
export type { ModelMeta, ModelArtefact } from './registry';
export { trainObjectSurrogate, revalidate, cachedFullSample, searchesFor, trainingSampleSpec, validationSamples, closureSamples } from './train';
export { trainSurrogate, createSurrogateActivities } from './activities';
export type { SurrogateTrainInput, SurrogateTrainOutput, SurrogateActivities, SurrogateActivityDeps } from './activities';
export { decideFidelity, DEFAULT_POLICY } from './fidelity';
export type { FidelityPolicy, FidelityDecision } from './fidelity';
export { clsFromYields, signalWorkspace } from './limits';
export { multiFidelityPoint } from './multifidelity';
export type { MultiFidelityRequest, MultiFidelityResult } from './multifidelity';
export type { SignalInput, ClsResult } from './limits';
export type { TrainRequest, TrainOutcome } from './train';
