import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataRoot } from '../paths';
import { XsecTable } from './table';

const path = join(dataRoot(), 'xsec_lhc_susy_wg', 'pp13_stopsbottom_NNLO+NNLL.json');
const raw = JSON.parse(readFileSync(path, 'utf8')) as { data: Record<string, { xsec_pb: number; unc_pb: number }> };

describe('SUSY WG cross-section tables', () => {
  const t = XsecTable.fromFile(path);

  it('reproduces every table entry exactly', () => {
    for (const [m, v] of Object.entries(raw.data)) {
      const r = t.at(Number(m));
      expect(r.inRange).toBe(true);
      if (r.inRange) {
        expect(r.xsecPb).toBe(v.xsec_pb);
        expect(r.uncPb).toBe(v.unc_pb);
      }
    }
  });

  it('interpolates ln(sigma) linearly between neighbours', () => {
    const a = raw.data['1000'];
    const b = raw.data['1005'];
    const r = t.at(1002);
    expect(r.inRange && r.xsecPb).toBeCloseTo(Math.exp(0.6 * Math.log(a.xsec_pb) + 0.4 * Math.log(b.xsec_pb)), 15);
    // geometric, not arithmetic, mean at the midpoint
    const mid = t.at(1002.5);
    expect(mid.inRange && mid.xsecPb).toBeCloseTo(Math.sqrt(a.xsec_pb * b.xsec_pb), 15);
  });

  it('never extrapolates', () => {
    const below = t.at(t.min - 1);
    expect(below.inRange).toBe(false);
    expect(t.at(t.max + 0.001).inRange).toBe(false);
    expect(() => t.sigma(t.max + 100)).toThrow(/outside the pp13_stsb table .* no extrapolation/);
  });

  it('rejects malformed tables', () => {
    expect(() => XsecTable.fromJson({ data: { '100': { xsec_pb: 1, unc_pb: 0.1 } } }, 'one')).toThrow(/at least two/);
    expect(() => XsecTable.fromJson({ data: { '100': { xsec_pb: 1, unc_pb: 0.1 }, x: { xsec_pb: 1, unc_pb: 0.1 } } }, 'bad')).toThrow(/numeric mass key/);
    expect(() => XsecTable.fromJson({ data: { '100': { xsec_pb: 1, unc_pb: 0.1 }, '200': { xsec_pb: -1, unc_pb: 0.1 } } }, 'neg')).toThrow(/xsec_pb > 0/);
    expect(() => XsecTable.fromJson([], 'arr')).toThrow(/expected an object/);
  });
});
