import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInputError } from '@sigmap/contracts';
import { generatorPython } from '@sigmap/generators';
import { command } from './simulate';

const FIX = join(__dirname, '../../../../libs/generators/test/fixtures/events');

/** Runs `sigmap simulate ARGS --json` in process and returns the parsed output. */
async function simulateJson(args: string[]): Promise<Record<string, unknown>> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => (chunks.push(String(s)), true)) as typeof process.stdout.write;
  try {
    expect(await command.run([...args, '--json'])).toBe(0);
  } finally {
    process.stdout.write = write;
  }
  return JSON.parse(chunks.join('')) as Record<string, unknown>;
}

describe.skipIf(!existsSync(generatorPython()))('sigmap simulate --generator pythia8 / --events FILE', () => {
  it('Pythia 8 for a family point, reproducible per seed; the built-in generator named as such', async () => {
    const args = [
      '--family',
      'zprime-ssm',
      '--point',
      'mass=2000',
      '--search',
      'own-dilepton-resonance-13tev',
      '--events',
      '60',
      '--fidelity',
      'fast',
      '--generator',
      'pythia8',
    ];
    const a = await simulateJson([...args, '--seed', '4']);
    const b = await simulateJson([...args, '--seed', '4']);
    const c = await simulateJson([...args, '--seed', '5']);
    expect(a.generator).toMatch(/^pythia8mc/);
    expect(b.yields).toEqual(a.yields);
    expect(c.yields).not.toEqual(a.yields);
    const builtin = await simulateJson([
      '--family',
      'zprime-ssm',
      '--point',
      'mass=2000',
      '--search',
      'own-dilepton-resonance-13tev',
      '--events',
      '60',
      '--fidelity',
      'fast',
      '--generator',
      'builtin',
    ]);
    expect(builtin.family).toBe('zprime-ssm');
  });

  it('an LHE file is showered; a corrupted one is an InputError naming the file and the event', async () => {
    const r = await simulateJson(['--events', join(FIX, 'zprime2000_mumu.lhe'), '--search', 'own-dilepton-resonance-13tev', '--fidelity', 'fast']);
    expect(r.events).toBe(20);
    try {
      await command.run(['--events', join(FIX, 'corrupt_missing_particle.lhe'), '--search', 'own-dilepton-resonance-13tev', '--fidelity', 'fast']);
      throw new Error('expected an InputError');
    } catch (e) {
      expect(isInputError(e)).toBe(true);
      expect((e as Error).message).toMatch(/corrupt_missing_particle\.lhe: event 7: /);
    }
  });
});
