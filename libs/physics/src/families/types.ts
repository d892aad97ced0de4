import { InputError, type Rng } from '@sigmap/contracts';
import type { EventRecord } from '../generator/event';
import type { SignatureClass } from '../signatures';

export type Point = Record<string, number>;

export interface ParamSpec {
  name: string;
  min: number;
  max: number;
  scale: 'linear' | 'log';
  unit: string;
  default: number;
  description: string;
}

export interface FamilySignature {
  /** Coverage cell key: 'e-e' or 'complex:stop'. */
  key: string;
  cls: SignatureClass;
  /** Branching ratio (or, for pair production, the fraction of events with this signature). */
  br: number;
}

export interface ModelFamily {
  id: string;
  label: string;
  description: string;
  signatureClass: SignatureClass;
  params: ParamSpec[];
  /** Where sigma(point) comes from, and where it is valid. */
  xsecSource: string;
  xsecValidity: string;
  /** false for spin assignments the quantum-number rules forbid (generic resonances); reason says why. */
  allowed: boolean;
  reason?: string;
  /** Throws InputError for a point outside the bounds or the kinematic constraints; fills defaults. */
  validate(point: Partial<Point>): Point;
  signatures(point: Point): FamilySignature[];
  /**
   * sigma(pp -> point) in pb at the collider energy sqrtS (GeV, default 13000). A family whose sigma is a published
   * table accepts only the table's energies (xsecSqrtS) and throws InputError('sqrtS') for any other.
   */
  crossSectionPb(point: Point, sqrtS?: number): number;
  /** The collider energies (GeV) crossSectionPb accepts: 'any' where sigma is computed from the PDFs. */
  xsecSqrtS: 'any' | readonly number[];
  /**
   * One event's hard process and decays (before fragmentation), produced with probability proportional to the
   * family's differential cross section. `weight` on the record scales its yield (1 unless stated, e.g. a BR that
   * the generator does not sample).
   */
  generate(point: Point, rng: Rng, ctx: GenerationContext): EventRecord;
  /** Per-point precomputation (luminosity tables); called once per simulatePoint. */
  prepare(point: Point): GenerationContext;
}

export type GenerationContext = Record<string, unknown>;

/** Bounds and default filling shared by every family. */
export function checkParams(params: ParamSpec[], point: Partial<Point>, family: string): Point {
  const out: Point = {};
  for (const k of Object.keys(point)) {
    if (!params.some((p) => p.name === k))
      throw new InputError(`point.${k}`, `family ${family} has no parameter '${k}' (it has ${params.map((p) => p.name).join(', ')})`);
  }
  for (const p of params) {
    const v = point[p.name] ?? p.default;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`point.${p.name}`, `must be a finite number, got ${String(v)}`);
    if (v < p.min || v > p.max) throw new InputError(`point.${p.name}`, `${v} is outside [${p.min}, ${p.max}] ${p.unit}`);
    out[p.name] = v;
  }
  return out;
}

/** For the table families: the table's energy only. */
export function tableEnergy(sqrtS: number | undefined, table: number, family: string): void {
  if (sqrtS !== undefined && sqrtS !== table)
    throw new InputError('sqrtS', `${family}: the cross-section table is for sqrt(s) = ${table / 1000} TeV only, got ${sqrtS} GeV`);
}

export const param = (name: string, min: number, max: number, scale: 'linear' | 'log', unit: string, def: number, description: string): ParamSpec => ({
  name,
  min,
  max,
  scale,
  unit,
  default: def,
  description,
});
