/**
 * @sigmap/stats: HistFactory likelihoods from pyhf workspaces, maximum-likelihood fits, profile-likelihood test
 * statistics (arXiv:1007.1727), asymptotic and toy calculators, CLs and upper limits. Follows pyhf 0.7.x.
 */
export { parseWorkspace } from './workspace/workspace';
export type { Workspace, Channel, Sample, Modifier, ModifierType, Observation, Measurement, ParameterConfig } from './workspace/workspace';
export { applyJsonPatch } from './patch/jsonpatch';
export { parsePatchSet } from './patch/patchset';
export type { PatchSet, PatchSetPatch } from './patch/patchset';
export { buildModel, observedData } from './model/model';
export type { HistFactoryModel, ModelConfig, BuildOptions, ParsetInfo } from './model/model';
export type { NormsysCode, HistosysCode } from './model/interpolation';
export { lgamma } from './model/lgamma';
export { minimizeBounded } from './optimize/lbfgsb';
export type { MinimizeOptions, MinimizeResult } from './optimize/lbfgsb';
export { fit, fitStats } from './inference/mle';
export type { FitOptions, FitResult } from './inference/mle';
export { qmuTilde } from './inference/teststat';
export type { TestStatName, TestStatResult } from './inference/teststat';
export { AsymptoticCalculator, asimovData } from './inference/asymptotics';
export type { AsymptoticResult } from './inference/asymptotics';
export type { ToyResult } from './inference/toys';
export { hypotest } from './inference/hypotest';
export type { HypotestOptions, HypotestResult } from './inference/hypotest';
export { upperLimit, brentRoot } from './inference/intervals';
export type { UpperLimitOptions, UpperLimitResult } from './inference/intervals';
export { normalCdf, normalSf, erfc } from './inference/normal';
