import { InputError } from '@sigmap/contracts';
import { parseInfoFile } from './infoFile';
import { parsePythonLiteral } from './pythonLiteral';
import { isQuantity, massGeV, parseValue, xsecPb } from './values';

/**
 * One coordinate of a txname grid: the mass or the total width of one BSM node of the txname's constraint.
 * `node` is the key the constraint parser gives the node ('b0d1' = branch 0, second BSM state, for the bracket
 * notation; 'n3' = node (3) of a v3 graph constraint).
 */
export interface GridCoordinate {
  node: string;
  attr: 'mass' | 'width';
}

/** One txname grid (`upperLimits`, `expectedUpperLimits` or `efficiencyMap`) of the SModelS database. */
export interface SmodelsGrid {
  /** Masses per branch of the first point for the bracket layout ([2, 2] for [[m1, m2], [m1, m2]]); [n] for flat arrays. */
  shape: number[];
  /** What each coordinate of `points` is: masses first, then widths (SModelS TxName.setDataMap order). */
  coords: GridCoordinate[];
  /** Coordinates of each grid point: masses in GeV, widths as SModelS's `rescaleWidth(width/GeV)`. */
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
  /** BSM final states per branch for bracket constraints (default ['MET', 'MET'], SModelS bracketToProcessStr). */
  finalState?: string[];
  /** Intermediate BSM labels per branch for bracket constraints (default anyBSM). */
  intermediateState?: string[][];
  observed: SmodelsGrid;
  expected?: SmodelsGrid;
}

/**
 * SModelS experiment/expAuxiliaryFuncs.py `rescaleWidth`: w -> log(1 + w / 1e-30) with w clipped at 1e50 GeV
 * (and w / 1e-30 itself below 1e-10), the coordinate in which width-dependent grids are interpolated.
 */
export function rescaleWidth(widthGeV: number): number {
  const w = Math.min(widthGeV, 1e50) / 1e-30;
  return w < 1e-10 ? w : Math.log1p(w);
}

/** `{0: (1, 'mass', GeV), 1: (1, 'totalwidth', GeV)}` of the v3 flat layout. */
function parseDataMap(text: string, field: string): GridCoordinate[] {
  const out: GridCoordinate[] = [];
  const re = /(\d+)\s*:\s*\(\s*(\d+)\s*,\s*'(mass|totalwidth)'\s*,\s*GeV\s*\)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const k = Number(m[1]);
    if (out[k]) throw new InputError(field, `index ${k} appears twice`);
    out[k] = { node: `n${m[2]}`, attr: m[3] === 'mass' ? 'mass' : 'width' };
  }
  if (out.length === 0) throw new InputError(field, `expected {index: (node, 'mass'|'totalwidth', GeV), ...}, got '${text.slice(0, 60)}'`);
  for (let k = 0; k < out.length; k++) if (!out[k]) throw new InputError(field, `index ${k} is missing`);
  return out;
}

/**
 * Parse one txname grid. Points are either the bracket layout `[[m1, (m2, w2)], [m1, m2]]` (per branch, masses or
 * (mass, width) tuples, '*' for an inclusive branch) or, when `dataMap` is given, the v3 flat layout `[m, w, ...]`.
 */
export function parseGrid(text: string, kind: 'upperLimit' | 'efficiencyMap', field: string, dataMap?: GridCoordinate[]): SmodelsGrid {
  const v = parseValue(text, field);
  if (!Array.isArray(v)) throw new InputError(field, 'expected a list of [masses, value] points');
  if (v.length === 0) throw new InputError(field, 'the grid has no points');
  const points: number[][] = [];
  const values: number[] = [];
  let coords: GridCoordinate[] | undefined = dataMap;
  let shape: number[] | undefined;
  let signature = '';
  for (let k = 0; k < v.length; k++) {
    const pt = v[k];
    const where = `${field}[${k}]`;
    if (!Array.isArray(pt) || pt.length !== 2 || !Array.isArray(pt[0])) throw new InputError(where, 'expected [[masses...], value]');
    const x = pt[0];
    let flat: number[];
    if (dataMap) {
      if (x.length !== dataMap.length) throw new InputError(`${where}[0]`, `has ${x.length} numbers, dataMap names ${dataMap.length}`);
      flat = x.map((e, j) => {
        if (!isQuantity(e)) throw new InputError(`${where}[0][${j}]`, 'expected a number');
        return dataMap[j].attr === 'mass' ? massGeV(e, `${where}[0][${j}]`, 'GeV') : rescaleWidth(massGeV(e, `${where}[0][${j}]`, 'GeV'));
      });
      if (!shape) shape = [x.length];
    } else {
      const masses: number[] = [];
      const widths: number[] = [];
      const mc: GridCoordinate[] = [];
      const wc: GridCoordinate[] = [];
      const s: number[] = [];
      x.forEach((br, b) => {
        if (typeof br === 'string') {
          if (br !== '*') throw new InputError(`${where}[0][${b}]`, `unexpected '${br}' (only '*' marks an inclusive branch)`);
          s.push(-1);
          return;
        }
        if (!Array.isArray(br)) throw new InputError(`${where}[0][${b}]`, 'a branch must be a list of masses');
        s.push(br.length);
        br.forEach((m, d) => {
          const w = `${where}[0][${b}][${d}]`;
          if (Array.isArray(m)) {
            if (m.length !== 2) throw new InputError(w, 'a (mass, width) tuple needs two entries');
            masses.push(massGeV(m[0], w));
            widths.push(rescaleWidth(massGeV(m[1], w)));
            mc.push({ node: `b${b}d${d}`, attr: 'mass' });
            wc.push({ node: `b${b}d${d}`, attr: 'width' });
          } else {
            masses.push(massGeV(m, w));
            mc.push({ node: `b${b}d${d}`, attr: 'mass' });
          }
        });
      });
      const sig = [...mc, ...wc].map((c) => `${c.node}.${c.attr}`).join();
      if (!shape) {
        shape = s;
        signature = sig;
        coords = [...mc, ...wc];
      } else if (sig !== signature)
        throw new InputError(where, `ragged grid: point has branch lengths [${s}] but the first point has [${shape}] (coordinates ${sig} vs ${signature})`);
      flat = [...masses, ...widths];
    }
    const y = pt[1];
    if (!isQuantity(y)) throw new InputError(`${where}[1]`, 'expected a number');
    let value: number;
    if (kind === 'upperLimit') value = xsecPb(y, `${where}[1]`);
    else {
      if (y.unit) throw new InputError(`${where}[1]`, `an efficiency is unitless, got '*${y.unit}'`);
      value = y.value;
    }
    if (!Number.isFinite(value) || value < 0) throw new InputError(`${where}[1]`, `value must be finite and >= 0, got ${value}`);
    if (flat.some((m) => !Number.isFinite(m))) throw new InputError(where, 'masses must be finite');
    points.push(flat);
    values.push(value);
  }
  return { shape: shape!, coords: coords!, points, values };
}

function labelList(raw: string | undefined, field: string): unknown {
  if (raw === undefined || raw.trim() === 'None' || raw.trim() === '') return undefined;
  return parsePythonLiteral(raw, field);
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
  const dm = f.get('dataMap');
  const dataMap = dm && dm.trim() !== 'None' ? parseDataMap(dm, `${file}:dataMap`) : undefined;
  const observed = parseGrid((ul ?? em)!, dataType, `${file}:${ul !== undefined ? 'upperLimits' : 'efficiencyMap'}`, dataMap);
  const expText = f.get('expectedUpperLimits');
  const expected = expText !== undefined && expText.trim() !== 'None' ? parseGrid(expText, 'upperLimit', `${file}:expectedUpperLimits`, dataMap) : undefined;
  if (expected && expected.coords.map((c) => c.node + c.attr).join() !== observed.coords.map((c) => c.node + c.attr).join())
    throw new InputError(`${file}:expectedUpperLimits`, `layout [${expected.shape}] differs from the observed map's [${observed.shape}]`);
  const fs = labelList(f.get('finalState'), `${file}:finalState`);
  const is = labelList(f.get('intermediateState'), `${file}:intermediateState`);
  if (fs !== undefined && !(Array.isArray(fs) && fs.every((x) => typeof x === 'string')))
    throw new InputError(`${file}:finalState`, 'expected a list of labels');
  if (is !== undefined && !(Array.isArray(is) && is.every((x) => Array.isArray(x) && x.every((y) => typeof y === 'string'))))
    throw new InputError(`${file}:intermediateState`, 'expected a list of label lists');
  return {
    txName,
    file,
    dataType,
    constraint: f.get('constraint'),
    condition: f.get('condition'),
    axes: f.get('axes'),
    susyProcess: f.get('susyProcess'),
    finalState: fs as string[] | undefined,
    intermediateState: is as string[][] | undefined,
    observed,
    expected,
  };
}
