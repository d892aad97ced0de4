/**
 * @sigmap/surrogate: tfjs conditional generative surrogates of the detector response (autoregressive IQN, conditional
 * flow), their training on `full` simulation, validation, ensembles, the `surrogate` fidelity and the multi-fidelity
 * policy.
 */
export { selectBackend, type BackendName } from './backend/select';
export { TfShowerEngine } from './backend/calorimeter';
export { ensureBackend } from './tf';
export type { IqnOptions, IqnState } from './iqn';
export type { FlowOptions, FlowState } from './flow';
export { OBJECT_TYPES, isObjectType } from './objects';
export type { ObjectType, ObjectSpec, TruthObject } from './objects';
export { fullSample, objectTable, tableDigest, truthEvent } from './data';
export type { FullSample, SampledEvent, ObjectTable } from './data';
export type { GeneratorKind, TrainBudget } from './model';
export { surrogateDetector } from './detector';
export { simulateWithSurrogate, loadDefaultSet, productionSpread } from './simulate';
export type { DefaultSet, SurrogateSet, SurrogateSimulateRequest, SurrogateSimulateResult } from './simulate';
export { CALIBRATION_LEVEL, CLOSURE_TARGET, FLOOR_SPLITS, passesValidation, chooseByValidation } from './validate';
export type { ValidationReport, W1Row, ClosureBin, SpreadCalibration } from './validate';
export { listModels, findModel, updateMeta as updateModelMeta } from './registry';
export type { ModelMeta, ModelArtefact } from './registry';
export { trainObjectSurrogate, revalidate, searchesFor, trainingSampleSpec } from './train';
export { trainSurrogate } from './activities';
export type { SurrogateTrainInput, SurrogateTrainOutput } from './activities';
export { decideFidelity, DEFAULT_POLICY } from './fidelity';
export type { FidelityPolicy, FidelityDecision } from './fidelity';
export { clsFromYields } from './limits';
export { multiFidelityPoint } from './multifidelity';
export type { MultiFidelityRequest, MultiFidelityResult } from './multifidelity';
export type { SignalInput, ClsResult } from './limits';
export type { TrainRequest, TrainOutcome } from './train';
