import type { CliCommand } from '../command';

export const command: CliCommand = {
  summary: 'print the sigmap version and the runtime it runs on',
  usage: 'usage: sigmap version',
  async run() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require('../../../../package.json') as { version: string };
    process.stdout.write(`sigmap ${pkg.version} (node ${process.versions.node}, ${process.platform}-${process.arch})\n`);
    return 0;
  },
};
