/**
 * SUSY pair-production cross sections at 13 TeV from the LHC SUSY cross-section WG tables (NNLO_approx+NNLL for
 * gluino and stop/sbottom pairs, NLO+NLL for wino-like chargino-neutralino). The tables are data: `XsecTable` is the
 * parsed JSON; the three tables shipped with sigmap are imported as JSON modules in tables.ts.
 * Interpolation: linear in mass, logarithmic in cross section (the tables are dense: 5-25 GeV steps).
 */
import { InputError } from '@sigmap/contracts';

export interface XsecTableJson {
  process_id: string;
  order?: string;
  source?: string;
  /** Per mass: the cross section and a symmetric uncertainty (unc_pb) or an asymmetric one (unc_up_pb, unc_down_pb < 0). */
  data: Record<string, { xsec_pb: number; unc_pb?: number; unc_up_pb?: number; unc_down_pb?: number }>;
}

export interface XsecTable {
  processId: string;
  order: string;
  source: string;
  masses: Float64Array;
  xsecPb: Float64Array;
  uncPb: Float64Array;
}

export function parseXsecTable(json: XsecTableJson): XsecTable {
  const rows = Object.entries(json.data)
    // An asymmetric uncertainty becomes its larger side.
    .map(([m, v]) => [Number(m), v.xsec_pb, v.unc_pb ?? Math.max(v.unc_up_pb ?? NaN, -(v.unc_down_pb ?? NaN))] as const)
    .filter(([m, x]) => Number.isFinite(m) && x > 0)
    .sort((a, b) => a[0] - b[0]);
  if (rows.length < 2) throw new InputError('xsec table', `${json.process_id}: needs at least two mass points`);
  return {
    processId: json.process_id,
    order: json.order ?? '?',
    source: json.source ?? '?',
    masses: Float64Array.from(rows.map((r) => r[0])),
    xsecPb: Float64Array.from(rows.map((r) => r[1])),
    uncPb: Float64Array.from(rows.map((r) => r[2])),
  };
}

/** Cross section (pb) and its absolute uncertainty at `mass`, log-linear interpolation; InputError outside the table. */
export function tableCrossSection(t: XsecTable, mass: number, field = 'mass'): { xsecPb: number; uncPb: number } {
  const n = t.masses.length;
  if (!(mass >= t.masses[0] && mass <= t.masses[n - 1]))
    throw new InputError(field, `${mass} GeV is outside the ${t.processId} table (${t.masses[0]}-${t.masses[n - 1]} GeV)`);
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (t.masses[mid] <= mass) lo = mid;
    else hi = mid;
  }
  const f = (mass - t.masses[lo]) / (t.masses[hi] - t.masses[lo]);
  const x = Math.exp(Math.log(t.xsecPb[lo]) * (1 - f) + Math.log(t.xsecPb[hi]) * f);
  const relUnc = (t.uncPb[lo] / t.xsecPb[lo]) * (1 - f) + (t.uncPb[hi] / t.xsecPb[hi]) * f;
  return { xsecPb: x, uncPb: x * relUnc };
}
