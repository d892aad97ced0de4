import { describe, expect, it } from 'vitest';
import { SIGNATURE_PAIRS, getFamily, listFamilies, spinVerdict } from '../src';

describe('signature space and spin rules', () => {
  it('has 55 pairs in the three classes', () => {
    expect(SIGNATURE_PAIRS).toHaveLength(55);
    expect(SIGNATURE_PAIRS.filter((p) => p.cls === 'resonance-same')).toHaveLength(10);
    expect(new Set(SIGNATURE_PAIRS.map((p) => p.key)).size).toBe(55);
  });

  it('applies Landau-Yang, helicity, spin-statistics and Bose rules', () => {
    expect(spinVerdict('gamma', 'gamma', 1).allowed).toBe(false);
    expect(spinVerdict('gamma', 'gamma', 1).reason).toMatch(/Landau-Yang/);
    expect(spinVerdict('gamma', 'gamma', 0).allowed).toBe(true);
    expect(spinVerdict('gamma', 'gamma', 2).allowed).toBe(true);
    expect(spinVerdict('H', 'gamma', 0).allowed).toBe(false); // helicity +-1 vs 0
    expect(spinVerdict('H', 'gamma', 1).allowed).toBe(true);
    expect(spinVerdict('H', 'H', 1).allowed).toBe(false); // Bose symmetry
    expect(spinVerdict('e', 'gamma', 0).allowed).toBe(false); // fermion + boson
    expect(spinVerdict('e', 'gamma', 0.5).allowed).toBe(true); // excited lepton
    expect(spinVerdict('e', 'e', 1).allowed).toBe(true);
    expect(spinVerdict('j', 'gamma', 0.5).jReading).toBe('quark'); // q*
    expect(spinVerdict('j', 'gamma', 0).jReading).toBe('gluon'); // colour-octet scalar -> g gamma
    expect(spinVerdict('e', 'j', 0).colours).toEqual([3]); // leptoquark
    expect(spinVerdict('Z', 'Z', 1).allowed).toBe(true); // massive: Landau-Yang does not apply
  });

  it('lists 110 generic resonances and refuses the forbidden ones', () => {
    const gen = listFamilies().filter((f) => /^x[02]-/.test(f.id));
    expect(gen).toHaveLength(110);
    const forbidden = gen.filter((f) => !f.allowed).map((f) => f.id);
    expect(forbidden).toContain('x0-e-gamma');
    expect(forbidden).toContain('x0-gamma-H');
    expect(forbidden).not.toContain('x0-gamma-gamma');
    expect(() => getFamily('x0-e-gamma').validate({})).toThrow(/not a valid model/);
    expect(() => getFamily('zprime-ssm').validate({ mass: 10 })).toThrow(/outside/);
    expect(() => getFamily('T2tt').validate({ m_stop: 500, m_lsp: 400 })).toThrow(/m_lsp/);
  });
});
