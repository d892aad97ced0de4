/**
 * Bad input from a user or a file: always names the offending field and the problem.
 * The CLI prints `error: <field>: <problem>` on one line and exits with code 2; the API answers 400.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof Error && e.name === 'InputError' && typeof (e as InputError).field === 'string';
}
