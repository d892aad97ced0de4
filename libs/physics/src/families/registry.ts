import { InputError } from '@sigmap/contracts';
import { PAIR_FAMILIES } from './pairs';
import { GENERIC_RESONANCES, RESONANCE_FAMILIES } from './resonances';
import type { ModelFamily } from './types';

const ALL: ModelFamily[] = [...RESONANCE_FAMILIES, ...PAIR_FAMILIES, ...GENERIC_RESONANCES];
const BY_ID = new Map(ALL.map((f) => [f.id, f]));

/**
 * Every model family: Z', W', q*, the SUSY simplified models and leptoquarks, and the 110 generic resonances
 * x0-<pair> / x2-<pair> (spin 0 / spin 2 over the 55 pairs; forbidden spin assignments are listed with allowed=false).
 */
export function listFamilies(opts: { includeForbidden?: boolean } = {}): ModelFamily[] {
  return opts.includeForbidden === false ? ALL.filter((f) => f.allowed) : [...ALL];
}

export function getFamily(id: string): ModelFamily {
  const f = BY_ID.get(id);
  if (!f) throw new InputError('family', `unknown family '${id}' (sigmap families lists them)`);
  return f;
}
