import { InputError } from '@sigmap/contracts';

/**
 * SLHA spectrum input as SModelS reads it (through pyslha): `BLOCK MASS` (pdg, mass in GeV), `DECAY pdg width`
 * followed by `BR NDA id1 ... idN` lines, and the `XSECTION sqrts(GeV) 2212 2212 nfinal pdg1 pdg2` blocks of the
 * SLHA cross-section format (arXiv:1412.7420 / SModelS docs "Basic Input") whose lines are
 * `scale_scheme qcd_order ew_order kappa_f kappa_r pdf xsec(pb) code`. Any malformed line is an InputError naming
 * `file:line`.
 */
export interface SlhaDecay {
  br: number;
  daughters: number[];
}

export interface SlhaXsec {
  sqrtsTeV: number;
  /** Final-state pdg codes as written (pyslha keeps the file's order). */
  pids: [number, number];
  qcdOrder: number;
  xsecPb: number;
  line: number;
}

export interface Slha {
  file: string;
  /** pdg -> mass in GeV (the value as written; SModelS uses |mass|). */
  masses: Map<number, number>;
  decays: Map<number, { width: number; decays: SlhaDecay[]; line: number }>;
  xsections: SlhaXsec[];
  /** Every other block, lines split into words, for callers that need e.g. EXTPAR. */
  blocks: Map<string, string[][]>;
}

export function parseSlha(text: string, file: string): Slha {
  const out: Slha = { file, masses: new Map(), decays: new Map(), xsections: [], blocks: new Map() };
  type Ctx = { kind: 'block'; name: string } | { kind: 'decay'; pdg: number } | { kind: 'xsec'; sqrts: number; pids: [number, number] } | { kind: 'none' };
  let ctx: Ctx = { kind: 'none' };
  const lines = text.split(/\r?\n/);
  for (let k = 0; k < lines.length; k++) {
    const where = `${file}:${k + 1}`;
    const raw = lines[k].replace(/#.*$/, '').trim();
    if (!raw) continue;
    const w = raw.split(/\s+/);
    const head = w[0].toUpperCase();
    const num = (s: string | undefined, what: string): number => {
      const x = s === undefined ? NaN : Number(s.replace(/[dD]/, 'e'));
      if (!Number.isFinite(x)) throw new InputError(where, `expected ${what}, got '${s ?? ''}' in '${lines[k].trim().slice(0, 60)}'`);
      return x;
    };
    const int = (s: string | undefined, what: string): number => {
      const x = num(s, what);
      if (!Number.isInteger(x)) throw new InputError(where, `expected an integer ${what}, got '${s}'`);
      return x;
    };
    if (head === 'BLOCK') {
      if (!w[1]) throw new InputError(where, 'BLOCK without a name');
      ctx = { kind: 'block', name: w[1].toUpperCase() };
      if (!out.blocks.has(ctx.name)) out.blocks.set(ctx.name, []);
      continue;
    }
    if (head === 'DECAY') {
      const pdg = int(w[1], 'pdg code after DECAY');
      const width = num(w[2], 'a total width after DECAY <pdg>');
      // a repeated DECAY block replaces the earlier one, as pyslha (SModelS's reader) does
      out.decays.set(pdg, { width, decays: [], line: k + 1 });
      ctx = { kind: 'decay', pdg };
      continue;
    }
    if (head === 'XSECTION') {
      const sqrts = num(w[1], 'sqrt(s) in GeV after XSECTION');
      const nfinal = int(w[4], 'number of final-state particles');
      if (nfinal !== 2) throw new InputError(where, `only 2 -> 2 production is read (SModelS pair production), got ${nfinal} final-state particles`);
      if (w.length < 7) throw new InputError(where, 'expected XSECTION sqrts pdg_in1 pdg_in2 2 pdg1 pdg2');
      ctx = { kind: 'xsec', sqrts, pids: [int(w[5], 'final-state pdg'), int(w[6], 'final-state pdg')] };
      continue;
    }
    if (ctx.kind === 'decay') {
      const br = num(w[0], 'a branching ratio');
      const nda = int(w[1], 'NDA (number of daughters)');
      if (w.length < 2 + nda) throw new InputError(where, `NDA = ${nda} but only ${w.length - 2} daughter codes`);
      // spectrum generators write round-off BRs such as -4e-23; anything clearly outside [0, 1] is an error
      if (br < -1e-6 || br > 1 + 1e-6) throw new InputError(where, `branching ratio ${br} outside [0, 1]`);
      out.decays.get(ctx.pdg)!.decays.push({ br: Math.min(Math.max(br, 0), 1), daughters: w.slice(2, 2 + nda).map((x) => int(x, 'daughter pdg')) });
    } else if (ctx.kind === 'xsec') {
      if (w.length < 7) throw new InputError(where, 'expected: scale_scheme qcd_order ew_order kappa_f kappa_r pdf xsec(pb) [code]');
      const xsecPb = num(w[6], 'a cross section in pb');
      if (xsecPb < 0) throw new InputError(where, `negative cross section ${xsecPb}`);
      out.xsections.push({ sqrtsTeV: ctx.sqrts / 1000, pids: ctx.pids, qcdOrder: int(w[1], 'QCD order'), xsecPb, line: k + 1 });
    } else if (ctx.kind === 'block') {
      if (ctx.name === 'MASS') {
        if (w.length < 2) throw new InputError(where, 'expected pdg mass');
        out.masses.set(int(w[0], 'pdg code'), num(w[1], 'a mass in GeV'));
      } else out.blocks.get(ctx.name)!.push(w);
    } else throw new InputError(where, `data line outside any BLOCK, DECAY or XSECTION: '${raw.slice(0, 60)}'`);
  }
  if (out.masses.size === 0) throw new InputError(file, 'no BLOCK MASS');
  return out;
}
