/**
 * The multi-fidelity policy (pure): a point simulated by the surrogate keeps its surrogate limit unless that limit
 * depends on the surrogate's epistemic uncertainty. CLs is recomputed with the signal yields shifted by
 * -k sigma_ens and +k sigma_ens in every bin (sigma_ens: the calibrated spread of simulate.ts; the extremes of a
 * coherent mis-modelling); the point goes to `full` simulation when
 *   - the excluded / allowed label (CLs < alpha) differs between the shifted and nominal yields, or
 *   - |CLs_nominal - alpha| < band (the point sits on the boundary, where any residual bias matters).
 * Points far from the boundary keep the cheap surrogate answer.
 */
export interface FidelityPolicy {
  /** CLs threshold for exclusion. */
  alpha: number;
  /** Shift of the yields in units of sigma_ens. */
  k: number;
  /** |CLs - alpha| below which the point always goes to full. */
  band: number;
}

export const DEFAULT_POLICY: FidelityPolicy = { alpha: 0.05, k: 1, band: 0.01 };

export interface FidelityDecision {
  fidelity: 'surrogate' | 'full';
  cls: number;
  clsDown: number;
  clsUp: number;
  excluded: boolean;
  reason: string;
}

export function decideFidelity(
  yields: readonly number[],
  epistemic: readonly number[],
  cls: (yields: number[]) => number,
  policy: FidelityPolicy = DEFAULT_POLICY,
): FidelityDecision {
  const nominal = cls([...yields]);
  const down = cls(yields.map((y, i) => Math.max(0, y - policy.k * epistemic[i])));
  const up = cls(yields.map((y, i) => y + policy.k * epistemic[i]));
  const excluded = nominal < policy.alpha;
  const flips = down < policy.alpha !== excluded || up < policy.alpha !== excluded;
  const near = Math.abs(nominal - policy.alpha) < policy.band;
  const reason = flips
    ? `label flips within +-${policy.k} sigma_ens (CLs ${down.toPrecision(3)} .. ${up.toPrecision(3)})`
    : near
      ? `|CLs - ${policy.alpha}| < ${policy.band}`
      : 'label stable under the epistemic shift';
  return { fidelity: flips || near ? 'full' : 'surrogate', cls: nominal, clsDown: down, clsUp: up, excluded, reason };
}
