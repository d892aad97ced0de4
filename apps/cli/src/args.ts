export { integerOption, numberOption, parseCli } from '@sigmap/contracts/cli';

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
