/** One `sigmap <name>` command. Each lives in src/commands/<name>.ts and exports `command`. */
export interface CliCommand {
  /** One line for `sigmap help`. */
  summary: string;
  /** Full usage text, printed by `sigmap <name> --help`. */
  usage: string;
  /** Runs with the arguments after the command name; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}
