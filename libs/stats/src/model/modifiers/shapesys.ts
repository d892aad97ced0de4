import type { ParsetRequirement } from './parset';
/**
 * shapesys: one gamma per bin with a Poisson constraint Pois(aux | gamma * tau), tau = (nominal / sigma)^2 and
 * aux = tau (pyhf's Barlow-Beeston-lite). Bins with nominal <= 0 or sigma <= 0 get tau = 1 and a fixed gamma
 * (pyhf shapesys.required_parset). init 1, bounds [1e-10, 10].
 */
export function shapesysParset(nominal: number[], sigma: number[]): ParsetRequirement {
  const valid = nominal.map((n, i) => n > 0 && sigma[i] > 0);
  const factors = nominal.map((n, i) => (valid[i] ? (n * n) / (sigma[i] * sigma[i]) : 1));
  return {
    type: 'constrained_by_poisson',
    n: nominal.length,
    isScalar: false,
    inits: new Array<number>(nominal.length).fill(1),
    bounds: nominal.map(() => [1e-10, 10] as [number, number]),
    fixed: valid.map((v) => !v),
    auxdata: factors.slice(),
    factors,
  };
}
