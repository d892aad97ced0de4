import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInputError } from '@sigmap/contracts';
import { dataRoot } from '../paths';
import { XsecTable } from '../xsec/table';
import {
  checkTemplateParameters,
  clsToR,
  fillSlhaTemplate,
  parseSlhaTemplate,
  readSlhaTemplate,
  rToCls,
  slhaFromTemplate,
  templateParameters,
} from './slhaTemplate';

const REPO = join(__dirname, '..', '..', '..', '..');
const XSEC = join(dataRoot(), 'xsec_lhc_susy_wg');
const T2TT = join(REPO, 'examples', 'templates', 'T2tt.slha');

function inputError(f: () => unknown): { field: string; problem: string } {
  try {
    f();
  } catch (e) {
    if (isInputError(e)) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('SLHA templates', () => {
  it('fills the example T2tt template: masses as written, sigma from the SUSY WG table, same line numbers', () => {
    const t = readSlhaTemplate(T2TT);
    expect(templateParameters(t)).toEqual(['m_stop', 'm_lsp']);
    const text = fillSlhaTemplate(t, { m_stop: 1012.5, m_lsp: 250 }, { xsecDir: XSEC });
    expect(text.split('\n').length).toBe(readFileSync(T2TT, 'utf8').split('\n').length);
    const slha = slhaFromTemplate(t, { m_stop: 1012.5, m_lsp: 250 }, { xsecDir: XSEC });
    expect(slha.masses.get(1000006)).toBe(1012.5);
    expect(slha.masses.get(1000022)).toBe(250);
    expect(slha.decays.get(1000006)!.decays).toEqual([{ br: 1, daughters: [1000022, 6] }]);
    const table = XsecTable.fromFile(join(XSEC, 'pp13_stopsbottom_NNLO+NNLL.json'));
    const at = table.at(1012.5);
    expect(at.inRange).toBe(true);
    expect(slha.xsections).toHaveLength(1);
    expect(slha.xsections[0].xsecPb).toBe(at.inRange ? at.xsecPb : NaN);
    expect(slha.xsections[0].sqrtsTeV).toBe(13);
    // at a table point the value is the published one: 1000 GeV, 0.00683 pb (NNLO+NNLL, LHC SUSY WG)
    const raw = JSON.parse(readFileSync(join(XSEC, 'pp13_stopsbottom_NNLO+NNLL.json'), 'utf8')) as { data: Record<string, { xsec_pb: number }> };
    expect(slhaFromTemplate(t, { m_stop: 1000, m_lsp: 0 }, { xsecDir: XSEC }).xsections[0].xsecPb).toBe(raw.data['1000'].xsec_pb);
  });

  it('names the field: a parameter without placeholder, a placeholder without parameter, malformed placeholders', () => {
    const t = readSlhaTemplate(T2TT);
    expect(inputError(() => checkTemplateParameters(t, ['m_stop', 'm_lsp', 'tan_beta']))).toMatchObject({ field: 'parameters.tan_beta' });
    const e = inputError(() => checkTemplateParameters(t, ['m_stop']));
    expect(e.field).toBe(`${T2TT}:7`);
    expect(e.problem).toContain('{m_lsp}');
    expect(inputError(() => parseSlhaTemplate('BLOCK MASS\n 1000006 {m stop}\n', 'a.slha')).field).toBe('a.slha:2');
    expect(inputError(() => parseSlhaTemplate('BLOCK MASS\n 1000006 {m_stop\n', 'a.slha')).field).toBe('a.slha:2');
    expect(inputError(() => parseSlhaTemplate('XSECTION 13000 2212 2212 2 6 -6\n 0 0 0 0 0 0 {xsec:../x:m}\n', 'b.slha')).field).toBe('b.slha:2');
    expect(inputError(() => readSlhaTemplate('/nonexistent/t.slha')).field).toBe('template');
    // placeholders in comments are left alone
    expect(templateParameters(parseSlhaTemplate('BLOCK MASS # {not_a_parameter}\n 1000006 {m}\n', 'c.slha'))).toEqual(['m']);
  });

  it('a filled template that is not SLHA fails with the template file and line; a mass outside the table is refused', () => {
    const t = parseSlhaTemplate('BLOCK MASS\n 1000006 {m_stop}\n 1000022 {m_lsp} {m_lsp}\nDECAY 1000006 x{m_stop}\n', 'bad.slha');
    expect(inputError(() => slhaFromTemplate(t, { m_stop: 800, m_lsp: 100 }, { xsecDir: XSEC })).field).toBe('bad.slha:4');
    const t2 = readSlhaTemplate(T2TT);
    const e = inputError(() => slhaFromTemplate(t2, { m_stop: 5000, m_lsp: 100 }, { xsecDir: XSEC }));
    expect(e.field).toBe(`${T2TT}:12`);
    expect(e.problem).toContain('outside the table');
    expect(inputError(() => slhaFromTemplate(t2, { m_stop: 800 }, { xsecDir: XSEC })).field).toBe(`${T2TT}:7`);
  });

  it('r travels as CLs = 0.05^r: threshold at r = 1, excluded for r >= 1, invertible', () => {
    expect(rToCls(0)).toBe(1);
    expect(rToCls(1)).toBeLessThan(0.05);
    expect(rToCls(0.999)).toBeGreaterThan(0.05);
    for (const r of [0, 0.1, 0.5, 0.99, 1.5, 6.27, 40]) expect(clsToR(rToCls(r))).toBeCloseTo(r, 9);
    expect(() => rToCls(NaN)).toThrow();
  });
});
