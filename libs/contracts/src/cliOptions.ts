/** Command-line options of sigmap's programs (the CLI, the API and worker processes): errors name the option. Imported as
 * '@sigmap/contracts/cli', not from the package root, because workflow bundles load the root and have no node:util. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError, isInputError } from './errors';

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

/** Bad input is one line on stderr and exit code 2; anything else is a bug and keeps its stack. */
function reportError(e: unknown): number {
  if (isInputError(e)) {
    process.stderr.write(`error: ${e.message}\n`);
    return 2;
  }
  const code = (e as { code?: string } | null)?.code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    process.stderr.write(`error: arguments: ${(e as Error).message}\n`);
    return 2;
  }
  process.stderr.write(`internal error: ${(e as Error)?.stack ?? String(e)}\n`);
  return 1;
}

/** Runs a program's main and sets the process exit code from its result, or from reportError when it throws. */
export function runAsProcess(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.exitCode = reportError(e);
    },
  );
}
