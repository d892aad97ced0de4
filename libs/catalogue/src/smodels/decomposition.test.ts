import { describe, expect, it } from 'vitest';
import { parseConstraint } from './constraint';
import { decomposeSlha, elementString } from './decomposition';
import { parseSlha } from './slha';
import { matchTree } from './theoryPrediction';
import { parseTxNameFile, rescaleWidth } from './txname';

const spectrum = (body: string, xsec: string) => parseSlha(`BLOCK MASS\n${body}\n${xsec}`, 'hand.slha');
const XS = (a: number, b: number, pb: number) => `XSECTION 1.3E+04 2212 2212 2 ${a} ${b}\n 0 2 0 0 0 0 ${pb} x\n`;

describe('decomposition (SModelS decomposer)', () => {
  it('one stop pair to t chi1: one SMS with sigma x BR', () => {
    const d = decomposeSlha(spectrum('1000006 800\n1000022 300\nDECAY 1000006 1.0\n 1.0 2 1000022 6\nDECAY 1000022 0', XS(1000006, -1000006, 0.03)));
    expect(d.elements.map((e) => elementString(e.root))).toEqual(['PV(st_1(N1,t+),st_1~(N1,t+~))']);
    expect(d.elements[0].weight.get(13)).toBeCloseTo(0.03, 12);
  });

  it('branches by BR and drops SMS below the sigma cut (0.005 fb)', () => {
    // BR 0.99 / 0.01 of sigma = 1 fb: the two mixed SMS (9.9e-3 fb each: sbottom and anti-sbottom differ) stay,
    // the 1e-4 fb one falls under the cut
    const d = decomposeSlha(
      spectrum('1000005 700\n1000022 100\nDECAY 1000005 1.0\n 0.99 2 1000022 5\n 0.01 2 1000022 3\nDECAY 1000022 0', XS(1000005, -1000005, 0.001)),
    );
    const w = d.elements.map((e) => (e.weight.get(13) ?? 0) * 1000).sort((a, b) => b - a);
    expect(w.length).toBe(3);
    expect(w[0]).toBeCloseTo(0.9801, 10);
    expect(w[1]).toBeCloseTo(0.0099, 10);
    expect(w[2]).toBeCloseTo(0.0099, 10);
  });

  it('mass compression below 5 GeV and invisible compression add compressed SMS next to the original', () => {
    // gluino -> chi2 d d~, chi2 -> chi1 u u~ with a 3 GeV gap: the chi2 step compresses away; a sneutrino -> nu chi1
    // chain becomes one invisible leaf
    const d = decomposeSlha(
      spectrum(
        '1000021 1000\n1000023 203\n1000022 200\n1000012 400\nDECAY 1000021 1.0\n 1.0 3 1000023 1 -1\nDECAY 1000023 1e-3\n 1.0 3 1000022 2 -2\nDECAY 1000022 0\nDECAY 1000012 1.0\n 1.0 2 1000022 12',
        XS(1000021, 1000021, 0.1) + XS(1000012, -1000012, 0.1),
      ),
    );
    const s = d.elements.map((e) => elementString(e.root)).sort();
    const orig = 'PV(gluino(N2(N1,u,u~),d,d~),gluino(N2(N1,u,u~),d,d~))';
    expect(s).toContain(orig);
    expect(s).toContain('PV(gluino(N1,d,d~),gluino(N1,d,d~))');
    expect(s).toContain('PV(inv[sne_L],inv[sne_L~])');
    const compressed = d.elements.find((e) => elementString(e.root) === 'PV(gluino(N1,d,d~),gluino(N1,d,d~))')!;
    const original = d.elements.find((e) => elementString(e.root) === orig)!;
    expect([...compressed.ancestors]).toContain(original.id);
    expect(compressed.weight.get(13)).toBeCloseTo(0.1, 12);
  });

  it('pure-ISR compression (PV > MET, MET) only for gaps below minmassgapISR = 1 GeV', () => {
    const pair = (gap: number) =>
      decomposeSlha(
        spectrum(`1000023 ${200 + gap}\n1000022 200\nDECAY 1000023 1e-3\n 1.0 3 1000022 1 -1\nDECAY 1000022 0`, XS(1000023, 1000023, 0.1)),
      ).elements.map((e) => elementString(e.root));
    expect(pair(3)).not.toContain('PV(N1,N1)');
    expect(pair(0.5)).toContain('PV(N1,N1)');
  });

  it('an SMS matches a constraint up to branch permutations, with particle groups', () => {
    const d = decomposeSlha(spectrum('1000006 800\n1000022 300\nDECAY 1000006 1.0\n 1.0 2 1000022 6\nDECAY 1000022 0', XS(1000006, -1000006, 0.03)));
    const [t2tt] = parseConstraint("[[['t']],[['t']]]", {}, 'T2tt');
    const bind: [string, never][] = [];
    expect(matchTree(t2tt.root, d.elements[0].root, bind as never)).toBe(true);
    expect(new Map(bind as never as [string, { p: { mass: number } }][]).get('b1d1')!.p.mass).toBe(300);
    const [t2bb] = parseConstraint("[[['b']],[['b']]]", {}, 'T2bb');
    expect(matchTree(t2bb.root, d.elements[0].root, [])).toBe(false);
    const [hscp] = parseConstraint("[[['t']],[['t']]]", { finalState: ['HSCP', 'HSCP'] }, 'T');
    expect(matchTree(hscp.root, d.elements[0].root, [])).toBe(false);
  });
});

describe('txname grids of the v3 layout', () => {
  it('reads flat arrays with dataMap (mass, width of node 1)', () => {
    const tx = parseTxNameFile(
      `txName: TRV1jj\nconstraint: {(PV > Zprime(1)),(Zprime(1) > jetb(2),jetb(3))}\ndataMap: {0: (1, 'mass', GeV), 1: (1, 'totalwidth', GeV)}\nupperLimits: [[[1800.0,2e-13],2.18E-01*pb],[[1800.0,18.0],2.18E-01*pb],[[1900.0,19.0],2.08E-01*pb]]`,
      'TRV1jj.txt',
    )!;
    expect(tx.observed.coords).toEqual([
      { node: 'n1', attr: 'mass' },
      { node: 'n1', attr: 'width' },
    ]);
    expect(tx.observed.points[1]).toEqual([1800, rescaleWidth(18)]);
    expect(tx.observed.values[2]).toBeCloseTo(0.208, 12);
  });

  it('reads (mass, width) tuples, masses first then widths, and refuses a ragged layout', () => {
    const text = `txName: T\nconstraint: [[['e']],[['e']]]\nefficiencyMap: [[[[(100*GeV,1e-18*GeV),50*GeV],[(100*GeV,1e-18*GeV),50*GeV]],0.5]]`;
    const tx = parseTxNameFile(text, 'T.txt')!;
    expect(tx.observed.coords.map((c) => `${c.node}.${c.attr}`)).toEqual(['b0d0.mass', 'b0d1.mass', 'b1d0.mass', 'b1d1.mass', 'b0d0.width', 'b1d0.width']);
    expect(tx.observed.points[0].slice(0, 4)).toEqual([100, 50, 100, 50]);
    expect(tx.observed.points[0][4]).toBeCloseTo(Math.log1p(1e12), 9);
    expect(() => parseTxNameFile(text.replace(']],0.5]]', ']],0.5],[[[100*GeV,50*GeV],[100*GeV,50*GeV]],0.4]]'), 'R.txt')).toThrow(
      /R\.txt:efficiencyMap\[1\].*ragged/,
    );
  });

  it('reads inclusive branches and names the file of a bad unit', () => {
    const tx = parseTxNameFile(`txName: THSCPM4\nconstraint: [[*],[['*']]]\nefficiencyMap: [[['*',[55*GeV,(50*GeV,0*GeV)]],0.1]]`, 'H.txt')!;
    expect(tx.observed.coords.map((c) => `${c.node}.${c.attr}`)).toEqual(['b1d0.mass', 'b1d1.mass', 'b1d1.width']);
    expect(() => parseTxNameFile(`txName: T\nconstraint: [[['e']],[['e']]]\nupperLimits: [[[[100*GeV],[100*GeV]],1*nb]]`, 'U.txt')).toThrow(
      /U\.txt:upperLimits.*unknown unit 'nb'/,
    );
  });
});
