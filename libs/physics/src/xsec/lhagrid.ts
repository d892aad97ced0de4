/**
 * LHAPDF6 "lhagrid1" parton densities: a reader for the grid format and an evaluator with the interpolation of
 * Pythia 8's LHAGrid1 class (Pythia 8.3, src/PartonDistributions.cc, LHAGrid1::xfxevolve; the class that reads the
 * grids shipped with Pythia and that `PDF:pSet = LHAGrid1:<file>` selects):
 *   - 4-point Lagrange (cubic) interpolation in ln x on the stencil around x (at the grid ends the stencil is the first /
 *     last four points);
 *   - the Q subgrid is the one with q > its lower border; inside it 4-point Lagrange interpolation in ln Q (linear if the
 *     subgrid has fewer than four points), with the same end rule; the densities are frozen at the lowest and highest Q;
 *   - x >= x_max gives 0; values are clipped at 0 (Pythia's PDF::xf returns max(0, x f)).
 * LHAPDF6's own default ("logcubic", Buckley et al., Eur. Phys. J. C75 (2015) 132) uses cubic Hermite splines in
 * (ln x, ln Q2) instead; the two agree to O(1e-3) inside the grid (Pythia manual, "PDF Selection": "results are not
 * exactly identical with LHAPDF6, owing to a different interpolation"). Pythia's variant is used here so that sigmap
 * and Pythia evaluate the same numbers from the same file.
 *
 * The grid format (LHAPDF6 lhagrid1): a header ending with '---', then per Q subgrid: one line of x knots, one of Q
 * knots (GeV), one of PDG ids (21 = gluon, 0 is read as 21, 22 = photon), then nx * nq lines (x outer, Q inner) of
 * x f(x, Q) per id, and '---'.
 */
import { InputError } from '@sigmap/contracts';

export interface LhaSubgrid {
  x: number[];
  q: number[];
  pids: number[];
  /** xf[k][ix * q.length + iq] for pid pids[k]. */
  xf: Float64Array[];
}

/** Parses an LHAPDF6 lhagrid1 member file (the text of e.g. NNPDF31_nlo_as_0118_luxqed_0000.dat). */
export function parseLhaGrid1(text: string, file = 'grid'): { header: string; subgrids: LhaSubgrid[] } {
  const lines = text.split(/\r?\n/);
  let i = lines.findIndex((l) => l.trim() === '---');
  if (i < 0) throw new InputError(file, "no '---' separator: not an LHAPDF6 lhagrid1 file");
  const header = lines.slice(0, i).join('\n');
  if (!/Format:\s*lhagrid1/.test(header)) throw new InputError(`${file}:1`, 'header does not say "Format: lhagrid1"');
  const subgrids: LhaSubgrid[] = [];
  const nums = (k: number) => {
    const v = lines[k].trim().split(/\s+/).map(Number);
    const bad = v.findIndex((n) => !Number.isFinite(n));
    if (bad >= 0) throw new InputError(`${file}:${k + 1}`, `value ${bad + 1} is not a number`);
    return v;
  };
  i++;
  while (i < lines.length && lines[i].trim() !== '') {
    const x = nums(i);
    const q = nums(i + 1);
    const pids = nums(i + 2).map((p) => (p === 0 ? 21 : p));
    const xf = pids.map(() => new Float64Array(x.length * q.length));
    for (let r = 0; r < x.length * q.length; r++) {
      const k = i + 3 + r;
      if (k >= lines.length) throw new InputError(`${file}:${k + 1}`, `subgrid ${subgrids.length + 1} ends after ${r} of ${x.length * q.length} rows`);
      const v = nums(k);
      if (v.length !== pids.length) throw new InputError(`${file}:${k + 1}`, `${v.length} values for ${pids.length} flavours`);
      for (let f = 0; f < pids.length; f++) xf[f][r] = v[f];
    }
    i += 3 + x.length * q.length;
    if (lines[i]?.trim() !== '---') throw new InputError(`${file}:${i + 1}`, "expected '---' after a subgrid");
    i++;
    subgrids.push({ x, q, pids, xf });
  }
  if (!subgrids.length) throw new InputError(file, 'no subgrid');
  return { header, subgrids };
}

/**
 * One Q subgrid, possibly cut to a window of it for a compact table. `lowerCut` / `xCut`: the table starts above the
 * subgrid's (the grid's) first knot, so the first stored knot serves only as a stencil point and the table is valid from
 * the second one (Pythia's stencil there reaches one knot below it).
 */
export interface PdfTable {
  x: number[];
  q: number[];
  pids: number[];
  /** xf[k][ix][iq]. */
  xf: number[][][];
  xCut: boolean;
  lowerCut: boolean;
}

const lagrange4 = (t: number, k: number[], m: number, w: Float64Array) => {
  for (let i = 0; i < 4; i++) {
    let p = 1;
    for (let j = 0; j < 4; j++) if (j !== i) p *= (t - k[m + j]) / (k[m + i] - k[m + j]);
    w[i] = p;
  }
};

/** Binary search as in LHAGrid1: the bracket [lo, lo + 1] with knots[lo] <= v < knots[lo + 1]. */
function bracket(knots: number[], v: number): number {
  let lo = 0;
  let hi = knots.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (v < knots[mid]) hi = mid;
    else lo = mid;
  }
  return lo;
}

/** Parton densities from one table (one Q subgrid: the tables here cover Q >= 25 GeV, inside NNPDF's 5-flavour subgrid). */
export class PdfGrid {
  readonly xMin: number;
  readonly qMin: number;
  readonly qMax: number;
  private readonly lnx: number[];
  private readonly lnq: number[];
  private readonly col: Map<number, Float64Array>;
  private readonly nq: number;

  constructor(
    readonly name: string,
    private readonly t: PdfTable,
  ) {
    const nx = t.x.length;
    const nq = t.q.length;
    if (nx < 4 || nq < 4) throw new InputError(`${name}.x`, `a table needs at least 4 x and 4 Q knots (has ${nx}, ${nq})`);
    for (const [k, p] of t.pids.entries()) {
      const g = t.xf[k];
      if (g?.length !== nx || g.some((row) => row.length !== nq)) throw new InputError(`${name}.xf[${k}]`, `flavour ${p} is not a ${nx} x ${nq} table`);
    }
    this.nq = nq;
    this.lnx = t.x.map(Math.log);
    this.lnq = t.q.map(Math.log);
    this.xMin = t.xCut ? t.x[1] : t.x[0];
    this.qMin = t.lowerCut ? t.q[1] : t.q[0];
    this.qMax = t.q[nq - 1];
    this.col = new Map(t.pids.map((p, k) => [p, Float64Array.from(t.xf[k].flat())]));
  }

  /** The densities at one scale Q (GeV): the Q weights once, then x f(x) per flavour. */
  atScale(Q: number, field = 'muF'): ScaledPdf {
    if (!(Q >= this.qMin)) throw new InputError(field, `scale ${Q} GeV is below the lowest Q of ${this.name} (${this.qMin.toPrecision(4)} GeV)`);
    const nq = this.nq;
    const wq = new Float64Array(4);
    let m3q = nq - 1;
    let n3q = 1;
    if (Q < this.qMax) {
      const minq = bracket(this.t.q, Q);
      const maxq = minq + 1;
      // LHAGrid1's end rule; a cut lower edge is no edge (the stencil reaches below, which qMin excludes).
      m3q = minq === 0 && !this.t.lowerCut ? 0 : maxq === nq - 1 ? nq - 4 : minq - 1;
      n3q = 4;
      lagrange4(Math.log(Q), this.lnq, m3q, wq);
    } else wq[0] = 1;
    return new ScaledPdf(this, Q, m3q, n3q, wq);
  }

  /** x f(x, Q) for PDG id pid. */
  xf(pid: number, x: number, Q: number): number {
    return this.atScale(Q).xf(pid, x);
  }

  /** @internal */ column(pid: number): Float64Array {
    const c = this.col.get(pid === 0 ? 21 : pid);
    if (!c) throw new InputError('pid', `${this.name} has no flavour ${pid} (it has ${this.t.pids.join(', ')})`);
    return c;
  }

  /** @internal */ xStencil(x: number, w: Float64Array): number {
    const nx = this.t.x.length;
    const minx = bracket(this.t.x, x);
    const m3x = minx === 0 && !this.t.xCut ? 0 : minx + 1 === nx - 1 ? nx - 4 : minx - 1;
    lagrange4(Math.log(x), this.lnx, m3x, w);
    return m3x;
  }

  get xMax(): number {
    return this.t.x[this.t.x.length - 1];
  }

  get stride(): number {
    return this.nq;
  }
}

export class ScaledPdf {
  private readonly wx = new Float64Array(4);
  constructor(
    readonly grid: PdfGrid,
    readonly Q: number,
    private readonly m3q: number,
    private readonly n3q: number,
    private readonly wq: Float64Array,
  ) {}

  /** x f(x) at this scale; 0 at x >= x_max (the grid's last knot, x = 1), clipped at 0 as Pythia does. */
  xf(pid: number, x: number): number {
    const g = this.grid;
    if (x >= g.xMax) return 0;
    if (!(x >= g.xMin)) throw new InputError('x', `x = ${x} is below the lowest x of ${g.name} (${g.xMin.toPrecision(4)})`);
    const c = g.column(pid);
    const m3x = g.xStencil(x, this.wx);
    const nq = g.stride;
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const row = (m3x + i) * nq + this.m3q;
      let s = 0;
      for (let j = 0; j < this.n3q; j++) s += this.wq[j] * c[row + j];
      v += this.wx[i] * s;
    }
    return v > 0 ? v : 0;
  }
}

/**
 * Cuts one subgrid of a parsed grid to x >= xFrom and Q >= qFrom (keeping one stencil knot below each, so that the
 * cut table interpolates exactly as the whole grid does from xFrom and qFrom up) and drops the flavours not listed.
 */
export function cutSubgrid(sub: LhaSubgrid, xFrom: number, qFrom: number, pids: number[]): PdfTable {
  const ix0 = Math.max(0, bracket(sub.x, xFrom) - 1);
  const iq0 = Math.max(0, bracket(sub.q, qFrom) - 1);
  const nq = sub.q.length;
  const ks = pids.map((p) => {
    const k = sub.pids.indexOf(p);
    if (k < 0) throw new InputError('pids', `the subgrid has no flavour ${p}`);
    return k;
  });
  const xf = ks.map((k) => sub.x.slice(ix0).map((_, i) => Array.from(sub.xf[k].subarray((ix0 + i) * nq + iq0, (ix0 + i + 1) * nq))));
  return { x: sub.x.slice(ix0), q: sub.q.slice(iq0), pids, xf, xCut: ix0 > 0, lowerCut: iq0 > 0 };
}

/** Where a derived table comes from: written into its JSON by scripts/pdf-table.ts and checked by test/peers/pdf-table. */
export interface PdfTableOrigin {
  set: string;
  file: string;
  sha256: string;
  source: string;
  command: string;
  references: string[];
  alphaSMz: number;
  cut: string;
}

export interface PdfTableJson {
  origin: PdfTableOrigin;
  table: PdfTable;
}

/** The derived table of one grid file: its last subgrid (the 5-flavour one of NNPDF's) cut to x >= xFrom, Q >= qFrom. */
export function derivePdfTable(text: string, origin: Omit<PdfTableOrigin, 'cut'>, xFrom: number, qFrom: number, pids: number[]): PdfTableJson {
  const { subgrids } = parseLhaGrid1(text, origin.file);
  const sub = subgrids[subgrids.length - 1];
  if (!(qFrom > sub.q[0])) throw new InputError('qFrom', `${qFrom} GeV is not inside the last subgrid (${sub.q[0]}-${sub.q[sub.q.length - 1]} GeV)`);
  const table = cutSubgrid(sub, xFrom, qFrom, pids);
  return {
    origin: {
      ...origin,
      cut: `last Q subgrid (${sub.q[0]}-${sub.q[sub.q.length - 1]} GeV) from Q = ${table.q[0]} GeV, x from ${table.x[0]}, one stencil knot below the valid range; flavours ${pids.join(' ')}`,
    },
    table,
  };
}

/** The JSON text of a derived table: one line per (flavour, x knot), numbers as the grid file prints them (8 digits). */
export function formatPdfTable(t: PdfTableJson): string {
  // The shorter of fixed and exponential notation, trailing zeros dropped: the same double as the file's 8 digits.
  const strip = (s: string) => s.replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1');
  const n = (v: number) => {
    if (v === 0) return '0';
    const [a, b] = [strip(v.toPrecision(8)), strip(v.toExponential(7)).replace('e+', 'e')];
    return b.length < a.length ? b : a;
  };
  const arr = (a: number[]) => `[${a.map(n).join(',')}]`;
  const tb = t.table;
  const flav = tb.xf.map((rows) => `    [\n${rows.map((r) => `      ${arr(r)}`).join(',\n')}\n    ]`).join(',\n');
  return `{\n  "origin": ${JSON.stringify(t.origin, null, 2).replace(/\n/g, '\n  ')},\n  "table": {\n    "xCut": ${tb.xCut},\n    "lowerCut": ${tb.lowerCut},\n    "pids": ${JSON.stringify(tb.pids)},\n    "x": ${arr(tb.x)},\n    "q": ${arr(tb.q)},\n    "xf": [\n${flav}\n    ]\n  }\n}\n`;
}
