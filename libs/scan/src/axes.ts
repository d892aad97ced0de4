import { scannedParameters, type ModelPoint, type ScanSpec } from '@sigmap/contracts';

/**
 * Axis mapping of a scan. The unit box [0, 1]^d spans the scanned (non-fixed) parameters of the spec, linear or log
 * as each parameter's scale says; fixed parameters are carried into every model point. Values are rounded to six
 * significant digits, the precision of `pointKey`, so a point maps to one key whichever path made it.
 */
export function fromUnit(spec: ScanSpec, u: number[]): ModelPoint {
  const scanned = scannedParameters(spec);
  const out: ModelPoint = {};
  for (const [n, p] of Object.entries(spec.parameters)) {
    if (p.fixed !== undefined) {
      out[n] = p.fixed;
      continue;
    }
    const t = u[scanned.indexOf(n)];
    const v = p.scale === 'log' ? Math.exp(Math.log(p.min) + t * (Math.log(p.max) - Math.log(p.min))) : p.min + t * (p.max - p.min);
    out[n] = Number(v.toPrecision(6));
  }
  return out;
}

/** The scanned coordinates of a model point (physical units, spec order). */
export function scannedOf(spec: ScanSpec, p: ModelPoint): number[] {
  return scannedParameters(spec).map((n) => p[n]);
}

/** A model point from scanned coordinates (physical units): fixed parameters filled in, six significant digits. */
export function pointOf(spec: ScanSpec, x: number[]): ModelPoint {
  const names = scannedParameters(spec);
  const pt: ModelPoint = {};
  for (const [n, pr] of Object.entries(spec.parameters)) pt[n] = pr.fixed ?? Number(x[names.indexOf(n)].toPrecision(6));
  return pt;
}
