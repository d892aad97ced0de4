import { InputError } from '@sigmap/contracts';
import { parseInfoFile } from './infoFile';
import { isQuantity, massGeV, parseValue, xsecPb, type Value } from './values';

/** One txname file of the SModelS database (`<TxName>.txt`): its constraint and its upper-limit or efficiency grid. */
export interface SmodelsGrid {
  /** Masses per branch of every point (e.g. [2, 2] for [[m1, m2], [m1, m2]]). */
  shape: number[];
  /** Flattened masses (GeV) of each grid point, in file order. */
  points: number[][];
  /** Upper limits in pb, or efficiencies (unitless). */
  values: number[];
}

export interface SmodelsTxName {
  txName: string;
  file: string;
  dataType: 'upperLimit' | 'efficiencyMap';
  constraint?: string;
  condition?: string;
  axes?: string;
  susyProcess?: string;
  observed: SmodelsGrid;
  expected?: SmodelsGrid;
}

/** Parse one txname grid (`upperLimits`, `expectedUpperLimits` or `efficiencyMap`). */
export function parseGrid(text: string, kind: 'upperLimit' | 'efficiencyMap', field: string): SmodelsGrid {
  const v = parseValue(text, field);
  if (isQuantity(v)) throw new InputError(field, 'expected a list of [masses, value] points');
  if (v.length === 0) throw new InputError(field, 'the grid has no points');
  const points: number[][] = [];
  const values: number[] = [];
  let shape: number[] | undefined;
  v.forEach((pt, k) => {
    const where = `${field}[${k}]`;
    if (isQuantity(pt) || pt.length !== 2 || isQuantity(pt[0])) throw new InputError(where, 'expected [[branch masses...], value]');
    const branches = pt[0] as Value[];
    const s = branches.map((b, j) => {
      if (isQuantity(b)) throw new InputError(`${where}[0][${j}]`, 'a branch must be a list of masses');
      for (const m of b) if (!isQuantity(m)) throw new InputError(`${where}[0][${j}]`, 'width tuples (mass, width) are not supported; masses only');
      return b.length;
    });
    if (!shape) shape = s;
    else if (s.length !== shape.length || s.some((x, j) => x !== shape![j]))
      throw new InputError(where, `ragged grid: point has branch lengths [${s}] but the first point has [${shape}]`);
    const flat = branches.flatMap((b, j) => (b as Value[]).map((m, i) => massGeV(m, `${where}[0][${j}][${i}]`)));
    const y = pt[1];
    let value: number;
    if (kind === 'upperLimit') value = xsecPb(y, `${where}[1]`);
    else {
      if (!isQuantity(y)) throw new InputError(`${where}[1]`, 'expected an efficiency, got a list');
      if (y.unit) throw new InputError(`${where}[1]`, `an efficiency is unitless, got '*${y.unit}'`);
      value = y.value;
    }
    if (!Number.isFinite(value) || value < 0) throw new InputError(`${where}[1]`, `value must be finite and >= 0, got ${value}`);
    if (flat.some((m) => !Number.isFinite(m))) throw new InputError(where, 'masses must be finite');
    points.push(flat);
    values.push(value);
  });
  return { shape: shape!, points, values };
}

export function parseTxNameFile(text: string, file: string): SmodelsTxName | undefined {
  const f = parseInfoFile(text, file);
  const txName = f.get('txName');
  if (!txName) return undefined;
  const ul = f.get('upperLimits');
  const em = f.get('efficiencyMap');
  if (ul !== undefined && em !== undefined) throw new InputError(file, 'has both upperLimits and efficiencyMap');
  if (ul === undefined && em === undefined) throw new InputError(file, 'has neither upperLimits nor efficiencyMap');
  const dataType = ul !== undefined ? 'upperLimit' : 'efficiencyMap';
  const observed = parseGrid((ul ?? em)!, dataType, `${file}:${ul !== undefined ? 'upperLimits' : 'efficiencyMap'}`);
  const expText = f.get('expectedUpperLimits');
  const expected = expText !== undefined && expText !== 'None' ? parseGrid(expText, 'upperLimit', `${file}:expectedUpperLimits`) : undefined;
  if (expected && expected.shape.join() !== observed.shape.join())
    throw new InputError(`${file}:expectedUpperLimits`, `branch lengths [${expected.shape}] differ from the observed map's [${observed.shape}]`);
  return { txName, file, dataType, constraint: f.get('constraint'), condition: f.get('condition'), axes: f.get('axes'), susyProcess: f.get('susyProcess'), observed, expected };
}

