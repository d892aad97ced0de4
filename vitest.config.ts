import { defineConfig } from 'vitest/config';

// One vitest project per Nx project; `vitest run --project stats` runs one of them.
const projects = [
  ['contracts', 'libs/contracts'],
  ['stats', 'libs/stats'],
  ['gp', 'libs/gp'],
  ['scan', 'libs/scan'],
  ['physics', 'libs/physics'],
  ['coverage', 'libs/coverage'],
  ['catalogue', 'libs/catalogue'],
  ['surrogate', 'libs/surrogate'],
  ['generators', 'libs/generators'],
  ['store', 'libs/store'],
  ['workflows', 'workflows'],
  ['cli', 'apps/cli'],
  ['families', 'libs/families'],
  ['orchestration', 'libs/orchestration'],
  ['worker', 'apps/worker'],
  ['api', 'apps/api'],
  ['e2e', 'test'],
] as const;

export default defineConfig({
  test: {
    projects: projects.map(([name, root]) => ({
      test: {
        name,
        root,
        include: ['**/*.test.ts'],
        exclude: ['**/node_modules/**'],
        testTimeout: 120_000,
        hookTimeout: 300_000,
        passWithNoTests: true,
      },
    })),
  },
});
