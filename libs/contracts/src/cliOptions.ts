/** Command-line options of sigmap's programs (the CLI, the API and worker processes): errors name the option. Imported as
 * '@sigmap/contracts/cli', not from the package root, because workflow bundles load the root and have no node:util. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, strict, with errors turned into InputError naming the option. */
export function parseCli<O extends Options>(argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new InputError('arguments', (e as Error).message.replace(/\. To specify a positional.*$/s, ''));
  }
}

export function numberOption(name: string, raw: string | undefined, fallback: number, check?: (x: number) => boolean, want = 'a number'): number {
  if (raw === undefined) return fallback;
  const x = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(x) || (check && !check(x))) throw new InputError(`--${name}`, `expected ${want}, got '${raw}'`);
  return x;
}

export function integerOption(name: string, raw: string | undefined, fallback: number, min = 1): number {
  return numberOption(name, raw, fallback, (x) => Number.isInteger(x) && x >= min, `an integer >= ${min}`);
}

