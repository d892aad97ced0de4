/**
 * Synthetic particle clouds of a chosen multiplicity, for testing and benchmarking jet clustering at sizes that
 * generated events do not reach: a few collinear sprays (pT up to ~330 GeV, width ~0.25 in eta and phi) over a soft
 * background spread over |eta| < 4; 30 % of the particles massive (0.14-2.1 GeV).
 */
import { type Rng, normal } from '@sigmap/contracts';
import type { P4 } from '../generator/vec';
import { fromPtEtaPhiM } from '../generator/vec';

export function particleCloud(n: number, rng: Rng): P4[] {
  const sprays = Array.from({ length: 1 + Math.floor(n / 25) }, () => ({
    eta: 6 * rng.uniform() - 3,
    phi: 2 * Math.PI * rng.uniform() - Math.PI,
    pt: 30 + 300 * rng.uniform(),
  }));
  return Array.from({ length: n }, (_, i) => {
    const s = sprays[i % sprays.length];
    const inSpray = rng.uniform() < 0.6;
    const eta = inSpray ? s.eta + 0.25 * normal(rng) : 8 * rng.uniform() - 4;
    const phi = inSpray ? s.phi + 0.25 * normal(rng) : 2 * Math.PI * rng.uniform() - Math.PI;
    const pt = inSpray ? s.pt * rng.uniform() ** 2 + 0.5 : 0.5 + 10 * rng.uniform() ** 3;
    return fromPtEtaPhiM(pt, eta, phi, rng.uniform() < 0.3 ? 0.14 + 2 * rng.uniform() : 0);
  });
}
