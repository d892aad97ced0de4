import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runAsProcess } from '@sigmap/contracts/cli';
import type { CliCommand } from './command';

// Commands are discovered from src/commands/<name>.ts, so adding one touches no shared file.
const commandsDir = join(__dirname, 'commands');

function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function loadCommand(name: string): Promise<CliCommand> {
  return (require(join(commandsDir, `${name}.ts`)) as { command: CliCommand }).command;
}

async function printHelp(): Promise<void> {
  const lines = ['usage: sigmap <command> [options]', '', 'commands:'];
  for (const name of commandNames()) lines.push(`  ${name.padEnd(14)} ${(await loadCommand(name)).summary}`);
  lines.push('', 'sigmap <command> --help prints the options of one command.');
  process.stdout.write(lines.join('\n') + '\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    await printHelp();
    return name ? 0 : 2;
  }
  if (!commandNames().includes(name)) {
    process.stderr.write(`error: command: unknown command '${name}' (sigmap help lists them)\n`);
    return 2;
  }
  const command = await loadCommand(name);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage.trimEnd() + '\n');
    return 0;
  }
  return command.run(rest);
}

if (require.main === module || process.argv[1]?.endsWith('sigmap.js') || process.argv[1]?.endsWith('sigmap')) {
  runAsProcess(() => main(process.argv.slice(2)));
}
