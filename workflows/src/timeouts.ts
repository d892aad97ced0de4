/**
 * Start-to-close timeout of the GP activities (fit + batch proposal, final report). Their numerics run in a compute
 * thread while the activity heartbeats (a worker that dies inside one is noticed by the heartbeat timeout); this
 * bounds a call that hangs. It is sized from the slowest GP call of the scan so far: GP_TIMEOUT.factor x that, within [minMs, maxMs] (a call grows
 * with n^3, and n grows by one batch between calls). Pure: imported by the workflow bundle.
 */
export const GP_TIMEOUT = { factor: 20, minMs: 60_000, maxMs: 30 * 60_000 };

export function gpTimeoutMs(slowestMs: number | undefined): number {
  return Math.min(GP_TIMEOUT.maxMs, Math.max(GP_TIMEOUT.minMs, GP_TIMEOUT.factor * (slowestMs ?? 0)));
}

/**
 * Heartbeat timeout of the GP activities: they heartbeat every second while their numerics run in a compute thread,
 * so a worker that dies inside one is noticed after this (the start-to-close timeout above only bounds a hung call).
 */
export const GP_HEARTBEAT_TIMEOUT_MS = 30_000;
