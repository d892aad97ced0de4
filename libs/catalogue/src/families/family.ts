import { InputError } from '@sigmap/contracts';
import { XsecTable, type XsecLookup } from '../xsec/table';
import { dataRoot, materialPath } from '../paths';

/** The Standard Model objects of a signature (DESIGN.md glossary). */
export const SM_OBJECTS = ['e', 'mu', 'tau', 'gamma', 'j', 'b', 't', 'W', 'Z', 'H'] as const;
export type SmObject = (typeof SM_OBJECTS)[number];
export type SignatureClass = 'resonance-same' | 'resonance-mixed' | 'complex';

export interface Signature {
  pair: [SmObject, SmObject];
  class: SignatureClass;
}

/** Checks a signature pair against the 10 objects; returns it in canonical (object-list) order. */
export function signaturePair(a: string, b: string, field = 'signature'): [SmObject, SmObject] {
  const ia = SM_OBJECTS.indexOf(a as SmObject);
  const ib = SM_OBJECTS.indexOf(b as SmObject);
  if (ia < 0 || ib < 0) throw new InputError(field, `'${ia < 0 ? a : b}' is not one of ${SM_OBJECTS.join(', ')}`);
  return ia <= ib ? [a as SmObject, b as SmObject] : [b as SmObject, a as SmObject];
}

export interface FamilyParameter {
  name: string;
  min: number;
  max: number;
  scale: 'linear' | 'log';
  unit: string;
}

export type Point = Record<string, number>;

export interface Family {
  name: string;
  description: string;
  parameters: FamilyParameter[];
  signatures: Signature[];
  /** Throws an InputError for a point outside the family (missing/extra parameters, bounds, mass ordering). */
  validate(point: Point): void;
  /** sigma x BR of the topology the family's searches constrain, in pb, at sqrt(s) (TeV). */
  xsec(point: Point, sqrtsTeV: number): XsecLookup & { source: string };
}

function checkParameters(family: Pick<Family, 'name' | 'parameters'>, point: Point): void {
  const names = family.parameters.map((p) => p.name);
  for (const k of Object.keys(point))
    if (!names.includes(k)) throw new InputError('--point', `'${k}' is not a parameter of family ${family.name} (${names.join(', ')})`);
  for (const p of family.parameters) {
    const x = point[p.name];
    if (x === undefined) throw new InputError('--point', `family ${family.name} needs ${p.name}`);
    if (!Number.isFinite(x) || x < p.min || x > p.max) throw new InputError(`--point ${p.name}`, `${x} is outside [${p.min}, ${p.max}] ${p.unit}`);
  }
}

const tables = new Map<string, XsecTable>();
function table(rel: string): XsecTable {
  const path = materialPath(rel, dataRoot());
  let t = tables.get(path);
  if (!t) tables.set(path, (t = XsecTable.fromFile(path)));
  return t;
}

const STOP_SBOTTOM_13 = 'xsec_lhc_susy_wg/pp13_stopsbottom_NNLO+NNLL.json';

function sbottomPairXsec(mSbottom: number, sqrtsTeV: number): XsecLookup & { source: string } {
  if (Math.abs(sqrtsTeV - 13) > 1e-9)
    return { inRange: false, mass: mSbottom, min: NaN, max: NaN, source: `no sbottom-pair table at ${sqrtsTeV} TeV (only 13 TeV)` };
  return { ...table(STOP_SBOTTOM_13).at(mSbottom), source: `${STOP_SBOTTOM_13} (NNLO+NNLL, ln sigma linear in mass)` };
}

/**
 * ATLAS SUSY-2018-31 simplified model: pp -> sbottom sbottom*, sbottom -> b chi2 (100%), chi2 -> h chi1 (100%).
 * sigma x BR = sigma(pp -> sbottom pair) from the SUSY WG 13 TeV NNLO+NNLL table (squarks/gluinos decoupled).
 * A minimal definition living in the catalogue until libs/physics ships families.
 */
export const sbottomFamily: Family = {
  name: 'sbottom',
  description: 'sbottom pair, sbottom -> b chi2, chi2 -> h chi1 (ATLAS SUSY-2018-31 / SModelS T6bbHH)',
  parameters: [
    { name: 'm_sbottom', min: 100, max: 3000, scale: 'linear', unit: 'GeV' },
    { name: 'm_chi2', min: 0, max: 3000, scale: 'linear', unit: 'GeV' },
    { name: 'm_chi1', min: 0, max: 3000, scale: 'linear', unit: 'GeV' },
  ],
  signatures: [{ pair: ['b', 'H'], class: 'complex' }],
  validate(point) {
    checkParameters(this, point);
    if (!(point.m_sbottom > point.m_chi2)) throw new InputError('--point', `m_sbottom (${point.m_sbottom}) must exceed m_chi2 (${point.m_chi2})`);
    if (!(point.m_chi2 > point.m_chi1)) throw new InputError('--point', `m_chi2 (${point.m_chi2}) must exceed m_chi1 (${point.m_chi1})`);
  },
  xsec(point, sqrtsTeV) {
    return sbottomPairXsec(point.m_sbottom, sqrtsTeV);
  },
};

/** pp -> sbottom sbottom*, sbottom -> b chi1 (100%): SModelS T2bb. */
const sbottomDirectFamily: Family = {
  name: 'sbottom_direct',
  description: 'sbottom pair, sbottom -> b chi1 (SModelS T2bb)',
  parameters: [
    { name: 'm_sbottom', min: 100, max: 3000, scale: 'linear', unit: 'GeV' },
    { name: 'm_chi1', min: 0, max: 3000, scale: 'linear', unit: 'GeV' },
  ],
  signatures: [{ pair: ['b', 'b'], class: 'complex' }],
  validate(point) {
    checkParameters(this, point);
    if (!(point.m_sbottom > point.m_chi1)) throw new InputError('--point', `m_sbottom (${point.m_sbottom}) must exceed m_chi1 (${point.m_chi1})`);
  },
  xsec(point, sqrtsTeV) {
    return sbottomPairXsec(point.m_sbottom, sqrtsTeV);
  },
};

export const families: Family[] = [sbottomFamily, sbottomDirectFamily];

export function family(name: string): Family {
  const f = families.find((x) => x.name === name);
  if (!f) throw new InputError('--family', `unknown family '${name}' (known: ${families.map((x) => x.name).join(', ')})`);
  return f;
}

/** Parse `k=v,k=v` into a point. */
export function parsePoint(text: string): Point {
  const point: Point = {};
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+)$/.exec(part);
    if (!m) throw new InputError('--point', `expected k=v pairs separated by commas, got '${part}'`);
    const x = Number(m[2]);
    if (m[2].trim() === '' || !Number.isFinite(x)) throw new InputError(`--point ${m[1]}`, `expected a number, got '${m[2]}'`);
    if (m[1] in point) throw new InputError('--point', `${m[1]} given twice`);
    point[m[1]] = x;
  }
  if (Object.keys(point).length === 0) throw new InputError('--point', 'no parameters given');
  return point;
}
