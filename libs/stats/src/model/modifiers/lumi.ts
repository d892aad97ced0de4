import type { ParsetRequirement } from './parset';
/**
 * lumi: scalar factor constrained by Normal(auxdata | lumi, sigma); inits, bounds, auxdata and sigmas come from the
 * measurement's `config.parameters` entry named "lumi" (pyhf leaves them None otherwise).
 */
export const lumiParset = (): ParsetRequirement => ({
  type: 'constrained_by_normal',
  n: 1,
  isScalar: true,
  inits: null,
  bounds: null,
  fixed: false,
  auxdata: null,
  sigmas: null,
});
