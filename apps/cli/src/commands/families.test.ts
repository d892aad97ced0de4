import { InputError } from '@sigmap/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { command } from './families';

async function json(
  argv: string[],
): Promise<{ id: string; crossSectionPbAtDefault: number | null; sqrtS: number; xsecSqrtS: 'any' | number[]; xsecSource: string }[]> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  expect(await command.run([...argv, '--json'])).toBe(0);
  vi.restoreAllMocks();
  return JSON.parse(out);
}

describe('sigmap families', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints the cross sections at the default points at 13 TeV, or at --sqrts; table families only at their energy', async () => {
    const at13 = await json([]);
    const at8 = await json(['--sqrts', '8']);
    const z13 = at13.find((f) => f.id === 'zprime-ssm')!;
    const z8 = at8.find((f) => f.id === 'zprime-ssm')!;
    expect(z13.sqrtS).toBe(13000);
    expect(z13.xsecSource).toMatch(/NNPDF3\.1 NLO/);
    expect(z8.crossSectionPbAtDefault!).toBeLessThan(0.2 * z13.crossSectionPbAtDefault!);
    expect(at8.find((f) => f.id === 'T2tt')!.crossSectionPbAtDefault).toBeNull();
    expect(at13.find((f) => f.id === 'T2tt')!.xsecSqrtS).toEqual([13000]);
  });

  it('rejects a bad --sqrts naming the option', async () => {
    await expect(command.run(['--sqrts', 'abc'])).rejects.toThrow(InputError);
    await expect(command.run(['--sqrts', '0.5'])).rejects.toThrow(/--sqrts/);
  });
});
