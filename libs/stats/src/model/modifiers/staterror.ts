import type { ParsetRequirement } from './parset';
/**
 * staterror: one gamma per masked bin shared by all samples that carry the modifier, with a Gaussian constraint
 * Normal(1 | gamma, sigma_b), sigma_b = sqrt(sum_s delta_sb^2) / sum_s nominal_sb (pyhf staterror_builder.finalize:
 * the quadrature sum of the samples' absolute uncertainties over the summed nominal of the samples that carry it).
 * Bins with sigma 0 are fixed (sigma set to 1). init 1, bounds [1e-10, 10].
 */
export function staterrorParset(sigmas: number[]): ParsetRequirement {
  const fixed = sigmas.map((s) => s === 0);
  return {
    type: 'constrained_by_normal',
    n: sigmas.length,
    isScalar: false,
    inits: new Array<number>(sigmas.length).fill(1),
    bounds: sigmas.map(() => [1e-10, 10] as [number, number]),
    fixed,
    auxdata: new Array<number>(sigmas.length).fill(1),
    sigmas: sigmas.map((s) => (s === 0 ? 1 : s)),
  };
}
