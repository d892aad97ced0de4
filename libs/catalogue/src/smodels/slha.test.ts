import { describe, expect, it } from 'vitest';
import { parseSlha } from './slha';

const GOOD = `# hand-made
BLOCK MASS
   1000006  8.0E+02  # stop
   1000022  3.0E+02
DECAY 1000006  1.0E+00
   1.0E+00  2  1000022  6
DECAY 1000022  0.0
XSECTION  1.30E+04  2212 2212 2 1000006 -1000006
  0  2  0  0  0  0  1.0E-02 nllfast
  0  3  0  0  0  0  2.0E-02 nnllfast
`;

describe('SLHA reader', () => {
  it('reads masses, decays and XSECTION blocks (sqrt(s) in TeV, QCD order, pb)', () => {
    const s = parseSlha(GOOD, 'good.slha');
    expect(s.masses.get(1000006)).toBe(800);
    expect(s.decays.get(1000006)).toMatchObject({ width: 1, decays: [{ br: 1, daughters: [1000022, 6] }] });
    expect(s.xsections.map((x) => [x.sqrtsTeV, x.pids, x.qcdOrder, x.xsecPb])).toEqual([
      [13, [1000006, -1000006], 2, 0.01],
      [13, [1000006, -1000006], 3, 0.02],
    ]);
  });

  it('names the file and line of a bad entry', () => {
    expect(() => parseSlha(GOOD.replace('1.0E+00  2  1000022  6', '1.0E+00  3  1000022  6'), 'bad.slha')).toThrow(/bad\.slha:6.*NDA = 3/);
    expect(() => parseSlha(GOOD.replace('8.0E+02', 'eight'), 'bad.slha')).toThrow(/bad\.slha:3.*expected a mass/);
    expect(() => parseSlha(GOOD.replace('2.0E-02 nnllfast', 'x nnllfast'), 'bad.slha')).toThrow(/bad\.slha:10.*cross section/);
    expect(() => parseSlha(GOOD.replace('1.0E+00  2  1000022', '1.7E+00  2  1000022'), 'bad.slha')).toThrow(/bad\.slha:6.*outside \[0, 1\]/);
    expect(() => parseSlha('  1 2 3\n', 'x.slha')).toThrow(/x\.slha:1.*outside any BLOCK/);
    expect(() => parseSlha(GOOD.replace('2212 2212 2 1000006', '2212 2212 3 1000006'), 'bad.slha')).toThrow(/bad\.slha:8.*2 -> 2/);
  });

  it('accepts the round-off BRs spectrum generators write', () => {
    const s = parseSlha(GOOD.replace('1.0E+00  2  1000022  6', '1.0E+00  2  1000022  6\n  -4.3E-23  2  1000022  4'), 'r.slha');
    expect(s.decays.get(1000006)!.decays[1].br).toBe(0);
  });
});
