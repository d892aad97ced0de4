import { InputError } from '@sigmap/contracts';
import { parseInfoFile } from './infoFile';

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

type Tok = number | string | Tok[];
type Unit = 'GeV' | 'TeV' | 'fb' | 'pb' | undefined;
interface Num {
  v: number;
  u: Unit;
}
type Node = Num | string | Node[];

/**
 * A fast reader of the grid value language (`[[[[100*GeV, 50*GeV], ...], 6.5*pb], ...]`): nested lists/tuples of
 * numbers with optional units, and quoted strings ('*' marks an inclusive branch). Grids reach 10^5 points, so this
 * scans once with sticky regexps instead of the general value parser.
 */
function readGridValue(text: string, field: string): Node {
  const num = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;
  const unit = /\s*\*\s*([A-Za-z]+)/y;
  const str = /'([^']*)'|"([^"]*)"/y;
  let i = 0;
  const n = text.length;
  const fail = (problem: string): never => {
    throw new InputError(field, `${problem} at character ${i} ('${text.slice(Math.max(0, i - 20), i + 20).replace(/\s+/g, ' ')}')`);
  };
  const ws = () => {
    while (i < n && (text.charCodeAt(i) <= 32)) i++;
  };
  const value = (): Node => {
    ws();
    const c = text[i];
    if (c === '[' || c === '(') {
      const close = c === '[' ? ']' : ')';
      i++;
      const items: Node[] = [];
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          return items;
        }
        items.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail(i >= n ? `unterminated list (missing '${close}')` : `expected ',' or '${close}'`);
      }
    }
    if (c === "'" || c === '"') {
      str.lastIndex = i;
      const m = str.exec(text);
      if (!m) return fail('unterminated string');
      i = str.lastIndex;
      return m[1] ?? m[2];
    }
    num.lastIndex = i;
    const m = num.exec(text);
    if (!m) return fail(i >= n ? 'unexpected end of value' : 'expected a number or a list');
    i = num.lastIndex;
    unit.lastIndex = i;
    const u = unit.exec(text);
    let un: Unit;
    if (u) {
      if (u[1] !== 'GeV' && u[1] !== 'TeV' && u[1] !== 'fb' && u[1] !== 'pb') return fail(`unknown unit '${u[1]}' (known: GeV, TeV, fb, pb)`);
      un = u[1];
      i = unit.lastIndex;
    }
    return { v: Number(m[0]), u: un };
  };
  const v = value();
  ws();
  if (i < n) fail('unexpected text after the value');
  return v;
}

const isNum = (x: Node): x is Num => typeof x === 'object' && !Array.isArray(x);

function massOf(x: Node, where: string, defaultUnit?: Unit): number {
  if (!isNum(x)) throw new InputError(where, 'expected a mass');
  const u = x.u ?? defaultUnit;
  if (u === 'GeV') return x.v;
  if (u === 'TeV') return x.v * 1000;
  throw new InputError(where, u ? `expected a mass unit (GeV, TeV), got '${u}'` : `mass ${x.v} has no unit (expected *GeV or *TeV)`);
}

/** `{0: (1, 'mass', GeV), 1: (1, 'totalwidth', GeV)}` of the v3 flat layout. */
export function parseDataMap(text: string, field: string): GridCoordinate[] {
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
  const v = readGridValue(text, field);
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
        if (!isNum(e)) throw new InputError(`${where}[0][${j}]`, 'expected a number');
        return dataMap[j].attr === 'mass' ? massOf(e, `${where}[0][${j}]`, 'GeV') : rescaleWidth(massOf(e, `${where}[0][${j}]`, 'GeV'));
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
            masses.push(massOf(m[0], w));
            widths.push(rescaleWidth(massOf(m[1], w)));
            mc.push({ node: `b${b}d${d}`, attr: 'mass' });
            wc.push({ node: `b${b}d${d}`, attr: 'width' });
          } else {
            masses.push(massOf(m, w));
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
    if (!isNum(y)) throw new InputError(`${where}[1]`, 'expected a number');
    let value: number;
    if (kind === 'upperLimit') {
      if (y.u === 'pb') value = y.v;
      else if (y.u === 'fb') value = y.v / 1000;
      else throw new InputError(`${where}[1]`, y.u ? `expected a cross-section unit (fb, pb), got '${y.u}'` : `cross section ${y.v} has no unit (expected *fb or *pb)`);
    } else {
      if (y.u) throw new InputError(`${where}[1]`, `an efficiency is unitless, got '*${y.u}'`);
      value = y.v;
    }
    if (!Number.isFinite(value) || value < 0) throw new InputError(`${where}[1]`, `value must be finite and >= 0, got ${value}`);
    if (flat.some((m) => !Number.isFinite(m))) throw new InputError(where, 'masses must be finite');
    points.push(flat);
    values.push(value);
  }
  return { shape: shape!, coords: coords!, points, values };
}

function labelList(raw: string | undefined, field: string): Tok | undefined {
  if (raw === undefined || raw.trim() === 'None' || raw.trim() === '') return undefined;
  const t = raw.replace(/'/g, '"').replace(/\bNone\b/g, 'null');
  try {
    return JSON.parse(t) as Tok;
  } catch {
    throw new InputError(field, `expected a list of labels, got '${raw.slice(0, 60)}'`);
  }
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
  if (fs !== undefined && !(Array.isArray(fs) && fs.every((x) => typeof x === 'string'))) throw new InputError(`${file}:finalState`, 'expected a list of labels');
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
