import type { ParsetRequirement } from './parset';
/** shapefactor: one unconstrained factor per bin of the channel; pyhf init 1, bounds [0, 10]. */
export const shapefactorParset = (nbins: number): ParsetRequirement => ({
  type: 'unconstrained',
  n: nbins,
  isScalar: false,
  inits: new Array<number>(nbins).fill(1),
  bounds: Array.from({ length: nbins }, () => [0, 10] as [number, number]),
  fixed: false,
});
