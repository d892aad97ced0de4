/**
 * Issue 18 item 9: the scan spec's limits hold on the CLI's YAML path as on the API's DTO (budget, batch size,
 * events, ...), and a bound that overflows to Infinity is named as not finite, not as missing.
 */
import { describe, expect, it } from 'vitest';
import { InputError, parseScanSpec } from '@sigmap/contracts';

const yaml = (over: Record<string, string> = {}) => {
  const f: Record<string, string> = {
    family: 'zprime-ssm',
    parameters: '\n  mass: {min: 500, max: 6000, scale: log}\n  g: {fixed: 1}',
    searches: '[CMS-EXO-19-019]',
    fidelity: '{default: fast, events: 2000}',
    batchSize: '4',
    budget: '40',
    ...over,
  };
  return Object.entries(f)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
};

function refusal(text: string): [string, string] {
  try {
    parseScanSpec(text);
  } catch (e) {
    if (e instanceof InputError) return [e.field, e.problem];
    throw e;
  }
  return ['(accepted)', ''];
}

describe('scan spec limits (YAML path)', () => {
  it('accepts the base spec', () => {
    expect(parseScanSpec(yaml()).budget).toBe(40);
  });

  it.each([
    [{ budget: '1e20' }, 'budget', /\[1, 100000\]/],
    [{ batchSize: '1e19', budget: '100000' }, 'batchSize', /\[1, 256\]/],
    [{ fidelity: '{default: fast, events: 1e300}' }, 'fidelity.events', /\[1, 10000000\]/],
    [{ seed: '1e12' }, 'seed', /2147483647/],
    [{ roundsPerRun: '100000' }, 'roundsPerRun', /1000/],
    [{ parameters: '\n  mass: {min: 500, max: 1e400}\n  g: {fixed: 1}' }, 'parameters.mass.max', /finite number, got Infinity/],
    [{ parameters: '\n  mass: {min: -1e308, max: 1e308}\n  g: {fixed: 1}' }, 'parameters.mass.min', /within \+-1e\+12/],
    [{ parameters: '\n  mass: {min: 500, max: 600}\n  g: {fixed: 1e300}' }, 'parameters.g.fixed', /within/],
    [{ parameters: '\n  mass: {min: 500, max: 600}\n  g: -1e300' }, 'parameters.g', /within/],
  ])('%o is refused naming %s', (over, field, problem) => {
    const [f, p] = refusal(yaml(over as Record<string, string>));
    expect(f).toBe(field);
    expect(p).toMatch(problem);
  });
});
