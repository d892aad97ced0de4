import type { ParsetRequirement } from './parset';
/** normfactor: unconstrained scalar rate factor mu; pyhf init 1, bounds [0, 10]. Multiplies every bin of the sample. */
export const normfactorParset = (): ParsetRequirement => ({ type: 'unconstrained', n: 1, isScalar: true, inits: [1], bounds: [[0, 10]], fixed: false });
