import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliCommand } from '../command';

export const command: CliCommand = {
  summary: 'print the sigmap version and the runtime it runs on',
  usage: 'usage: sigmap version',
  async run() {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
    process.stdout.write(`sigmap ${pkg.version} (node ${process.versions.node}, ${process.platform}-${process.arch})\n`);
    return 0;
  },
};
