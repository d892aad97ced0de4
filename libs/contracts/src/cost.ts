import { InputError } from './errors';
import type { Fidelity, ScanSpec } from './scan';

/**
 * What a scan may cost, in full-simulation event equivalents: one `full` event (generation + calorimeter simulation)
 * is 1. Weights from `sigmap bench sim` / `bench surrogate` on the same CPU: generation 2.6 ms + full detector 11.2 ms
 * per event, the fast detector about a tenth of that, the surrogate about a tenth too (0.40 s vs 4.33 s per 2000
 * events); a lookup limit (one hypotest or a database decomposition per point and search) about 20 events.
 */
const FIDELITY_EVENT_COST: Record<Exclude<Fidelity, 'lookup'>, number> = { full: 1, fast: 0.1, surrogate: 0.1 };
const LOOKUP_POINT_COST = 20;

/** Cost of one point (all searches) of a spec; escalated scans pay for the escalation of every point (worst case). */
function pointCost(spec: Pick<ScanSpec, 'fidelity' | 'searches'>): number {
  const f = spec.fidelity;
  const perSearch =
    f.default === 'lookup' ? LOOKUP_POINT_COST : f.events * (FIDELITY_EVENT_COST[f.default] + (f.escalate ? FIDELITY_EVENT_COST[f.escalate] : 0));
  return spec.searches.length * perSearch;
}

/** Cost of a scan of `points` model points (default its budget). */
export function scanCost(spec: Pick<ScanSpec, 'fidelity' | 'searches' | 'budget'>, points = spec.budget): number {
  return points * pointCost(spec);
}

export interface CostLimits {
  /** Events per simulated point (fidelity.events). */
  maxEvents: number;
  /** Cost of one scan (budget x searches x events x fidelity weight). */
  maxScanCost: number;
  /** Cost of a group's active scans together. */
  maxGroupCost: number;
  /** Points added to one scan by extends, all together. */
  maxExtendPoints: number;
}

/** A readable cost: 2e+8 -> '2.0e8'. */
export const fmtCost = (c: number) => (c >= 1e5 ? c.toExponential(1).replace('e+', 'e') : String(Math.round(c)));

/** How a spec's cost is made up, for messages. */
export function costBreakdown(spec: Pick<ScanSpec, 'fidelity' | 'searches' | 'budget'>, points = spec.budget): string {
  const f = spec.fidelity;
  const per =
    f.default === 'lookup'
      ? `${LOOKUP_POINT_COST} per lookup`
      : `${f.events} events x ${FIDELITY_EVENT_COST[f.default]} (${f.default})${f.escalate ? ` + ${f.events} x ${FIDELITY_EVENT_COST[f.escalate]} (escalation to ${f.escalate})` : ''}`;
  return `${points} points x ${spec.searches.length} search${spec.searches.length === 1 ? '' : 'es'} x ${per} = ${fmtCost(scanCost(spec, points))} event equivalents`;
}

/** The per-scan limits of a validated spec: InputError naming fidelity.events or budget. */
export function checkScanCost(spec: ScanSpec, limits: Pick<CostLimits, 'maxEvents' | 'maxScanCost'>): number {
  if (spec.fidelity.default !== 'lookup' && spec.fidelity.events > limits.maxEvents)
    throw new InputError('fidelity.events', `${spec.fidelity.events} events per point is over the limit of ${limits.maxEvents} (SIGMAP_API_MAX_EVENTS)`);
  const cost = scanCost(spec);
  if (cost > limits.maxScanCost)
    throw new InputError(
      'budget',
      `the scan would cost ${costBreakdown(spec)}, over the per-scan limit of ${fmtCost(limits.maxScanCost)} (SIGMAP_API_MAX_SCAN_COST); lower budget, events or searches`,
    );
  return cost;
}
