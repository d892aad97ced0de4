import { createRng, scannedParameters, type ModelPoint, type ScanSpec } from '@sigmap/contracts';
import { fromUnit } from './axes';

/** How many initial-design points a round asks for: up to q, until initialPoints are evaluated or in flight (at least 1). */
export function initialDesignSize(spec: Pick<ScanSpec, 'initialPoints'>, q: number, evaluated: number, inFlight: number): number {
  return Math.min(q, Math.max(1, spec.initialPoints - evaluated - inFlight));
}

/**
 * Space-filling start, seeded by (spec.seed, round): a uniformly random draw without replacement from the remaining
 * candidates (pool mode; Fisher-Yates on the candidate indices), or uniform in the unit box (continuous mode).
 */
export function initialDesign(spec: ScanSpec, candidates: ModelPoint[] | null, want: number, round: number): ModelPoint[] {
  const rng = createRng(spec.seed).fork(7919 + round);
  if (candidates) {
    const idx = candidates.map((_, i) => i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    return idx.slice(0, want).map((i) => candidates[i]);
  }
  const dim = scannedParameters(spec).length;
  return Array.from({ length: want }, () =>
    fromUnit(
      spec,
      Array.from({ length: dim }, () => rng.uniform()),
    ),
  );
}
