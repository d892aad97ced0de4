import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ContourLine, ScanProgress } from '@sigmap/contracts';

/** Pause a scan after the round in flight; evaluations in flight finish. */
export const pauseSignal = defineSignal('pause');
/** Resume a paused scan. */
export const resumeSignal = defineSignal('resume');
/** Stop a scan after the round in flight; the report is still written (status 'cancelled'). */
export const cancelSignal = defineSignal('cancel');
/** Add N model points to the budget; returns the new budget. Rejected (validator) unless N is an integer >= 1. */
export const extendBudgetUpdate = defineUpdate<number, [number]>('extendBudget');
/** Round, evaluations, budget, estimated misclassified fraction, status. */
export const progressQuery = defineQuery<ScanProgress>('progress');
/** The exclusion contour of the GP fitted at the start of the latest round (physical coordinates). */
export const contourQuery = defineQuery<ContourLine[]>('contour');
