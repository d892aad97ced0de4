import type { RecoEvent } from '../detector/types';
import type { Recast } from './types';

/** Weighted selected events per region (sum w, sum w^2) of a recast over reconstructed events. */
interface RegionCounts {
  sumW: number[];
  sumW2: number[];
}

export function emptyRegionCounts(recast: Recast): RegionCounts {
  return { sumW: recast.regions.map(() => 0), sumW2: recast.regions.map(() => 0) };
}

export function countRegions(recast: Recast, events: readonly RecoEvent[], into: RegionCounts = emptyRegionCounts(recast)): RegionCounts {
  for (const ev of events) {
    recast.passes(ev).forEach((ok, i) => {
      if (!ok) return;
      into.sumW[i] += ev.weight;
      into.sumW2[i] += ev.weight * ev.weight;
    });
  }
  return into;
}

/** Efficiency per region of N generated events and its Monte Carlo error sqrt(sum w^2) / N. */
export function regionEfficiencies(c: RegionCounts, generated: number): { eff: number[]; err: number[] } {
  return { eff: c.sumW.map((w) => w / generated), err: c.sumW2.map((w2) => Math.sqrt(w2) / generated) };
}
