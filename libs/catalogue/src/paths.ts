import { isAbsolute, join, resolve } from 'node:path';

/** The repository root (this file is libs/catalogue/src/paths.ts). */
export const repoRoot = resolve(__dirname, '..', '..', '..');

/** Root of the external reference data: $SIGMAP_DATA_DIR, else `../shared/data` next to the repository. */
export function dataRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.SIGMAP_DATA_DIR ? resolve(env.SIGMAP_DATA_DIR) : resolve(repoRoot, '..', 'shared', 'data');
}

/** A material path of a search record: absolute paths as they are, others relative to the data root. */
export function materialPath(path: string, root = dataRoot()): string {
  return isAbsolute(path) ? path : join(root, path);
}

/** The bundled registry of shipped searches. */
export const bundledRegistryPath = resolve(__dirname, '..', 'searches', 'index.json');

/** The user's registry: $SIGMAP_HOME/catalogue.json, else ./.sigmap/catalogue.json under the working directory. */
export function userRegistryPath(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return env.SIGMAP_HOME ? join(resolve(env.SIGMAP_HOME), 'catalogue.json') : join(cwd, '.sigmap', 'catalogue.json');
}
