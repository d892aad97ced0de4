/** Workspace validation (official pyhf schema 1.0.0 + model consistency): bad input names its field. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInputError } from '@sigmap/contracts';
import { buildModel, observedData, parseWorkspace } from '../src/index';

const base = () =>
  JSON.parse(readFileSync(join(__dirname, '../../../../shared/data/pyhf_reference/2-bin_1-channel.json'), 'utf8')) as {
    channels: { samples: { data: number[]; modifiers: { type: string; data: unknown; name: string }[] }[] }[];
    observations: { data: number[] }[];
    measurements: { config: { poi: string; parameters: unknown[] } }[];
  };

const errorOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(isInputError(e), String(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
};

describe('parseWorkspace / buildModel input errors', () => {
  it('accepts a valid workspace', () => {
    const ws = parseWorkspace(base());
    const m = buildModel(ws);
    expect(m.config.parameterNames).toEqual(['mu', 'uncorr_bkguncrt[0]', 'uncorr_bkguncrt[1]']);
    expect(Array.from(observedData(ws, m))).toEqual([50, 60, 100, 25]);
  });
  it('names the field of each kind of bad input', () => {
    expect(errorOf(() => parseWorkspace('nope'))).toMatch(/^workspace: must be a JSON object/);
    const unknown = base();
    unknown.channels[0].samples[1].modifiers[0].type = 'fancysys';
    expect(errorOf(() => parseWorkspace(unknown))).toMatch(/^channels\[0\]\.samples\[1\]\.modifiers\[0\]\.type: unknown modifier type 'fancysys'/);
    const schema = base();
    (schema.channels[0].samples[0] as { data: unknown }).data = 'x';
    expect(errorOf(() => parseWorkspace(schema))).toMatch(/^channels\[0\]\.samples\[0\]\.data.*schema 1\.0\.0/);
    const missing = base() as unknown as Record<string, unknown>;
    delete missing.measurements;
    expect(errorOf(() => parseWorkspace(missing))).toMatch(/^measurements: is required/);
    const negative = base();
    negative.channels[0].samples[1].data[1] = -3;
    expect(errorOf(() => parseWorkspace(negative))).toMatch(/^channels\[0\]\.samples\[1\]\.data\[1\]: yields must be >= 0/);
    const nan = base();
    nan.observations[0].data[0] = NaN;
    expect(errorOf(() => parseWorkspace(nan))).toMatch(/^observations\[0\]\.data\[0\]: must be a finite number/);
    const bins = base();
    bins.channels[0].samples[1].data.push(1);
    expect(errorOf(() => parseWorkspace(bins))).toMatch(/^channels\[0\]\.samples\[1\]\.data: has 3 bins but channel 'singlechannel' has 2/);
    const poi = base();
    poi.measurements[0].config.poi = 'nu';
    expect(errorOf(() => buildModel(parseWorkspace(poi)))).toMatch(/^measurements\[0\]\.config\.poi: parameter of interest 'nu' is not a parameter/);
    const over = base();
    over.measurements[0].config.parameters = [{ name: 'mu', auxdata: [1] }];
    expect(errorOf(() => buildModel(parseWorkspace(over)))).toMatch(
      /^measurements\[0\]\.config\.parameters\[0\]\.auxdata: parameter 'mu' \(unconstrained\) has no 'auxdata'/,
    );
    expect(errorOf(() => buildModel(parseWorkspace(base()), { measurement: 'x' }))).toMatch(/^measurement: no measurement named 'x'/);
  });
  it('measurement overrides: fixed, bounds, inits', () => {
    const ws = base();
    ws.measurements[0].config.parameters = [
      { name: 'mu', bounds: [[0, 5]], inits: [0.5] },
      { name: 'uncorr_bkguncrt', fixed: true },
    ];
    const m = buildModel(parseWorkspace(ws));
    expect(m.config.suggestedBounds[0]).toEqual([0, 5]);
    expect(m.config.suggestedInit[0]).toBe(0.5);
    expect(m.config.fixed).toEqual([false, true, true]);
  });
});
