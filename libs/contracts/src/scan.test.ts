import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInputError } from './errors';
import { parseScanSpec, scannedParameters, validateScanSpec } from './scan';

const base = {
  family: 'zprime-ssm',
  parameters: { mass: { min: 1500, max: 6000, scale: 'log' }, g: { min: 0.1, max: 1, scale: 'log' } },
  searches: ['own-dilepton-resonance-13tev'],
  budget: 20,
};

/** The field an invalid spec is rejected with. */
function fieldOf(raw: unknown): string {
  try {
    validateScanSpec(raw);
  } catch (e) {
    if (isInputError(e)) return e.field;
    throw e;
  }
  return '(accepted)';
}

describe('scan specs', () => {
  it('parses every shipped example', () => {
    const dir = join(__dirname, '../../../examples');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(() => parseScanSpec(readFileSync(join(dir, f), 'utf8'), f), f).not.toThrow();
  });

  it('fills the documented defaults', () => {
    const s = validateScanSpec(base);
    expect(s).toMatchObject({
      name: 'zprime-ssm',
      fidelity: { default: 'lookup', events: 10000 },
      mode: 'pool',
      batchSize: 5,
      target: 0.02,
      roundsPerRun: 10,
      inFlightBatches: 1,
      seed: 1,
    });
    // 2 scanned parameters: 2 * 2 + 1 initial points, at least one batch
    expect(s.initialPoints).toBe(5);
    expect(scannedParameters(validateScanSpec({ ...base, parameters: { ...base.parameters, g: { fixed: 0.3 } } }))).toEqual(['mass']);
  });

  it('names the field of each problem', () => {
    const cases: [unknown, string][] = [
      [[], 'spec'],
      [{ ...base, colour: 'red' }, 'colour'],
      [{ ...base, family: '' }, 'family'],
      [{ ...base, parameters: {} }, 'parameters'],
      [{ ...base, parameters: { mass: { min: 5, max: 5 } } }, 'parameters.mass.min'],
      [{ ...base, parameters: { mass: { min: 0, max: 5, scale: 'log' } } }, 'parameters.mass.min'],
      [{ ...base, parameters: { mass: { min: 1, max: 5, scale: 'cubic' } } }, 'parameters.mass.scale'],
      [{ ...base, parameters: { mass: { min: 1, max: 5, step: 1 } } }, 'parameters.mass.step'],
      [{ ...base, parameters: { mass: { fixed: 3 } } }, 'parameters'],
      [{ ...base, searches: [] }, 'searches'],
      [{ ...base, searches: ['a', 'a'] }, 'searches'],
      [{ ...base, searches: ['a', 7] }, 'searches[1]'],
      [{ ...base, fidelity: 'exact' }, 'fidelity.default'],
      [{ ...base, fidelity: { default: 'full', speed: 2 } }, 'fidelity.speed'],
      [{ ...base, fidelity: { default: 'full', events: 0 } }, 'fidelity.events'],
      [{ ...base, fidelity: { default: 'full', escalate: 'full' } }, 'fidelity.escalate'],
      [{ ...base, fidelity: { default: 'surrogate', escalate: 'lookup' } }, 'fidelity.escalate'],
      [{ ...base, fidelity: { default: 'surrogate', escalate: 'full', k: 0 } }, 'fidelity.k'],
      [{ ...base, fidelity: { default: 'surrogate', escalate: 'full', band: 1 } }, 'fidelity.band'],
      [{ ...base, fidelity: { default: 'surrogate', k: 2 } }, 'fidelity.k'],
      [{ ...base, mode: 'grid' }, 'mode'],
      [{ ...base, batchSize: 30 }, 'batchSize'],
      [{ ...base, budget: 0 }, 'budget'],
      [{ ...base, budget: 2.5 }, 'budget'],
      [{ ...base, target: 1 }, 'target'],
      [{ ...base, initialPoints: 21 }, 'initialPoints'],
      [{ ...base, inFlightBatches: 0 }, 'inFlightBatches'],
      [{ ...base, inFlightBatches: 17 }, 'inFlightBatches'],
      [{ ...base, seed: -1 }, 'seed'],
    ];
    for (const [raw, field] of cases) expect(fieldOf(raw), JSON.stringify(raw)).toBe(field);
  });

  it('accepts a multi-fidelity policy on a surrogate scan, with its defaults', () => {
    const s = validateScanSpec({ ...base, fidelity: { default: 'surrogate', escalate: 'full', events: 500 } });
    expect(s.fidelity).toEqual({ default: 'surrogate', events: 500, escalate: 'full', k: 1, band: 0.01 });
  });

  it('turns YAML errors, warnings and bad aliases into an InputError on the source', () => {
    for (const text of ['family: [unclosed', '%FOO bar\n---\nfamily: x', 'a: *nowhere']) {
      let err: unknown;
      try {
        parseScanSpec(text, 'my.yaml');
      } catch (e) {
        err = e;
      }
      expect(isInputError(err), text).toBe(true);
      expect((err as { field: string }).field).toBe('my.yaml');
    }
  });
});
