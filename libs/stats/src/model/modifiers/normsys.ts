import type { ParsetRequirement } from './parset';
/**
 * normsys: scalar nuisance alpha with a unit Gaussian constraint (auxdata 0); init 0, bounds [-5, 5]. The sample is
 * multiplied by the interpolated factor between lo (alpha=-1), 1 (alpha=0) and hi (alpha=+1): see interpolation.ts.
 */
export const normsysParset = (): ParsetRequirement => ({
  type: 'constrained_by_normal',
  n: 1,
  isScalar: true,
  inits: [0],
  bounds: [[-5, 5]],
  fixed: false,
  auxdata: [0],
});
