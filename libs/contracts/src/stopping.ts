/**
 * The scan's stopping rule, shared by the ScanWorkflow (which may import only contracts) and @sigmap/scan (which
 * `sigmap al-bench` drives): stop for accuracy when the estimated misclassified fraction has been at or below the
 * spec's target on STOPPING_PATIENCE consecutive training sets, and at least the initial design is evaluated.
 *
 * Why patience: the estimate is a noisy statistic of the current fit, and stopping at its first crossing of the
 * target selects the round where it happens to be lowest (a winner's-curse bias: on the demo and the excursion pools
 * the estimate at a first crossing was 0.5-0.7x the true misclassified fraction, and a scan could stop right after
 * its initial design). Requiring the criterion to hold over a strip of successive rounds is the standard guard of
 * early-stopping rules (Prechelt 1998, "Early stopping - but when?", the 'UP_s' strip criteria; Bloodgood &
 * Vijay-Shanker 2009, stabilising predictions over k consecutive windows). Only distinct training sets count: a
 * proposal made while batches are in flight on the same data as the previous one brings no new evidence.
 */
export const STOPPING_PATIENCE = 3;

/** How many consecutive distinct training sets the estimate has been at or below the target (small: carried by the workflow). */
export interface StoppingProgress {
  below: number;
  /** The training-set digest of the last estimate counted. */
  digest: string;
}

/** The progress after an estimate on the training set `digest` (null estimate: no GP yet or the level not bracketed). */
export function advanceStopping(prev: StoppingProgress | undefined, estimate: number | null, digest: string, target: number): StoppingProgress {
  const p = prev ?? { below: 0, digest: '' };
  if (digest === p.digest) return p;
  return { below: estimate !== null && estimate <= target ? p.below + 1 : 0, digest };
}

/** The accuracy stop: the initial design evaluated and the estimate at or below the target on STOPPING_PATIENCE consecutive training sets. */
export function stoppingMet(spec: { initialPoints: number }, progress: StoppingProgress | undefined, evaluated: number): boolean {
  return evaluated >= spec.initialPoints && (progress?.below ?? 0) >= STOPPING_PATIENCE;
}
