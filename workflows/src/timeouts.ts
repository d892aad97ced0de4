/**
 * Start-to-close timeout of the GP activities (fit + batch proposal, final report). Their numerics are synchronous, so
 * they cannot heartbeat while they run; a worker that dies inside one is noticed when this timeout expires. It is
 * sized from the slowest GP call of the scan so far: GP_TIMEOUT.factor x that, within [minMs, maxMs] (a call grows
 * with n^3, and n grows by one batch between calls). Pure: imported by the workflow bundle.
 */
export const GP_TIMEOUT = { factor: 20, minMs: 60_000, maxMs: 30 * 60_000 };

export function gpTimeoutMs(slowestMs: number | undefined): number {
  return Math.min(GP_TIMEOUT.maxMs, Math.max(GP_TIMEOUT.minMs, GP_TIMEOUT.factor * (slowestMs ?? 0)));
}
