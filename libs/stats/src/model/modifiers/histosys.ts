import type { ParsetRequirement } from './parset';
/**
 * histosys: scalar nuisance alpha with a unit Gaussian constraint (auxdata 0); init 0, bounds [-5, 5]. Adds the
 * interpolated per-bin delta between lo_data, the nominal and hi_data to the sample (before the multiplicative factors).
 */
export const histosysParset = (): ParsetRequirement => ({
  type: 'constrained_by_normal',
  n: 1,
  isScalar: true,
  inits: [0],
  bounds: [[-5, 5]],
  fixed: false,
  auxdata: [0],
});
