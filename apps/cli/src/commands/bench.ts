import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@sigmap/contracts';
import type { CliCommand } from '../command';

// Benchmarks are discovered from src/bench/<name>.ts; each exports `bench: CliCommand`.
const benchDir = join(__dirname, '..', 'bench');
const names = () =>
  readdirSync(benchDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();

export const command: CliCommand = {
  summary: 'benchmarks against peers measured in the same run (prints a table, writes JSON)',
  get usage() {
    return `usage: sigmap bench <name> [options]   names: ${names().join(', ')}, all\nEach writes reports/bench/<name>.json unless --json FILE is given.`;
  },
  async run(argv) {
    const [name, ...rest] = argv;
    const available = names();
    if (!name) throw new InputError('bench', `name a benchmark: ${available.join(', ')}, all`);
    const run = async (n: string) => {
      const { bench } = require(join(benchDir, `${n}.ts`)) as { bench: CliCommand };
      return bench.run(rest);
    };
    if (name === 'all') {
      let worst = 0;
      for (const n of available) {
        process.stdout.write(`\n== sigmap bench ${n}\n`);
        worst = Math.max(worst, await run(n));
      }
      return worst;
    }
    if (!available.includes(name)) throw new InputError('bench', `unknown benchmark '${name}' (known: ${available.join(', ')}, all)`);
    return run(name);
  },
};
