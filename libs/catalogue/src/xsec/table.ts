import { readFileSync } from 'node:fs';
import { InputError } from '@sigmap/contracts';

/**
 * A cross-section table of the LHC SUSY cross-section working group (JSON as in fuenfundachtzig/xsec:
 * `{"data": {"<mass GeV>": {"xsec_pb": x, "unc_pb": u}}, "process_id", "order", "Ecom [GeV]", ...}`).
 *
 * Between table points, ln(sigma) is interpolated linearly in the mass: cross sections fall roughly
 * exponentially with mass, so this is what the working group's own lookup scripts and SModelS's tabulated
 * cross sections do on the 5-10 GeV spaced grids (the error from the curvature of ln sigma over one 5 GeV step is
 * < 1e-4 relative). The relative uncertainty unc/xsec is interpolated linearly. Outside the table there is no value:
 * `at` returns `{ inRange: false }` and `sigma` throws an InputError; nothing is extrapolated.
 */
export interface XsecPoint {
  mass: number;
  xsecPb: number;
  uncPb: number;
}

export type XsecLookup =
  { inRange: true; mass: number; xsecPb: number; uncPb: number; relUnc: number } | { inRange: false; mass: number; min: number; max: number };

export class XsecTable {
  readonly points: XsecPoint[];
  constructor(
    points: XsecPoint[],
    readonly meta: { processId: string; order?: string; sqrtsGeV?: number; source?: string; process?: string } = { processId: 'table' },
  ) {
    if (points.length < 2) throw new InputError(meta.processId, 'a cross-section table needs at least two mass points');
    const sorted = [...points].sort((a, b) => a.mass - b.mass);
    sorted.forEach((p, i) => {
      if (!(Number.isFinite(p.mass) && p.xsecPb > 0 && p.uncPb >= 0))
        throw new InputError(`${meta.processId}[${p.mass}]`, 'needs a finite mass, xsec_pb > 0 and unc_pb >= 0');
      if (i > 0 && sorted[i - 1].mass === p.mass) throw new InputError(`${meta.processId}[${p.mass}]`, 'duplicate mass');
    });
    this.points = sorted;
  }

  static fromJson(json: unknown, source = 'xsec table'): XsecTable {
    const j = json as {
      data?: Record<string, { xsec_pb?: number; unc_pb?: number }>;
      process_id?: string;
      order?: string;
      'Ecom [GeV]'?: string;
      source?: string;
      process_latex?: string;
    };
    if (!j || typeof j !== 'object' || !j.data || typeof j.data !== 'object')
      throw new InputError(source, "expected an object with 'data': {mass: {xsec_pb, unc_pb}}");
    const points = Object.entries(j.data).map(([m, v]) => {
      const mass = Number(m);
      if (!Number.isFinite(mass) || typeof v?.xsec_pb !== 'number' || typeof v?.unc_pb !== 'number')
        throw new InputError(`${source}:data.${m}`, 'expected a numeric mass key with numeric xsec_pb and unc_pb');
      return { mass, xsecPb: v.xsec_pb, uncPb: v.unc_pb };
    });
    return new XsecTable(points, {
      processId: j.process_id ?? source,
      order: j.order,
      sqrtsGeV: j['Ecom [GeV]'] ? Number(j['Ecom [GeV]']) : undefined,
      source: j.source,
      process: j.process_latex,
    });
  }

  static fromFile(path: string): XsecTable {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new InputError(path, `cannot read a cross-section table (${(e as Error).message})`);
    }
    return XsecTable.fromJson(json, path);
  }

  get min(): number {
    return this.points[0].mass;
  }
  get max(): number {
    return this.points[this.points.length - 1].mass;
  }

  at(mass: number): XsecLookup {
    if (!Number.isFinite(mass)) throw new InputError('mass', `expected a finite mass, got ${mass}`);
    const pts = this.points;
    if (mass < this.min || mass > this.max) return { inRange: false, mass, min: this.min, max: this.max };
    let lo = 0;
    let hi = pts.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (pts[mid].mass <= mass) lo = mid;
      else hi = mid;
    }
    const a = pts[lo];
    const b = pts[hi];
    if (mass === a.mass || mass === b.mass) {
      const p = mass === a.mass ? a : b;
      return { inRange: true, mass, xsecPb: p.xsecPb, uncPb: p.uncPb, relUnc: p.uncPb / p.xsecPb };
    }
    const t = (mass - a.mass) / (b.mass - a.mass);
    const xsecPb = Math.exp((1 - t) * Math.log(a.xsecPb) + t * Math.log(b.xsecPb));
    const relUnc = (1 - t) * (a.uncPb / a.xsecPb) + t * (b.uncPb / b.xsecPb);
    return { inRange: true, mass, xsecPb, uncPb: relUnc * xsecPb, relUnc };
  }

  /** sigma(mass) in pb; an InputError outside the table. */
  sigma(mass: number): number {
    const r = this.at(mass);
    if (!r.inRange) throw new InputError('mass', `${mass} GeV is outside the ${this.meta.processId} table (${r.min}-${r.max} GeV); no extrapolation`);
    return r.xsecPb;
  }
}
