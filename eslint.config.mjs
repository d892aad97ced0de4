import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Module boundaries (DESIGN.md): domain libs are pure; adapters depend on the domain, never the reverse;
// workflows import only @temporalio/workflow, contracts and pure domain code.
const domainPurity = {
  'no-restricted-imports': [
    'error',
    {
      paths: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process', 'node:child_process', 'net', 'node:net', 'http', 'node:http'].map(
        (name) => ({ name, message: 'Domain libs do no I/O: pass data in, return data out.' }),
      ),
      patterns: [{ group: ['@tensorflow/*', '@temporalio/*', '@nestjs/*', '@electric-sql/*'], message: 'Domain libs depend on no framework.' }],
    },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: 'Randomness comes in as a seeded generator (libs/contracts Rng).' },
    { object: 'Date', property: 'now', message: 'Domain code has no clock.' },
  ],
};

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', 'reports/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts'] },
            { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts'] },
            { sourceTag: 'type:ml', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts'] },
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:data'] },
            { sourceTag: 'type:workflow', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain'] },
            { sourceTag: 'type:families', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:data', 'type:ml', 'type:adapter'] },
            { sourceTag: 'type:peers', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:data'] },
            {
              sourceTag: 'type:orchestration',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:data', 'type:ml', 'type:adapter', 'type:families', 'type:workflow'],
            },
            // apps are wiring: they depend on libs, never on another app (nor on the tests)
            { sourceTag: 'type:app', notDependOnLibsWithTags: ['type:app', 'type:test'] },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:contracts',
                'type:domain',
                'type:data',
                'type:ml',
                'type:adapter',
                'type:families',
                'type:workflow',
                'type:orchestration',
                'type:peers',
              ],
            },
            // the tests exercise every project, apps included
            { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: [
      'libs/stats/src/**/*.ts',
      'libs/gp/src/**/*.ts',
      'libs/scan/src/**/*.ts',
      'libs/physics/src/**/*.ts',
      'libs/coverage/src/**/*.ts',
      'libs/contracts/src/**/*.ts',
    ],
    ignores: ['**/*.test.ts'],
    rules: domainPurity,
  },
  {
    files: ['workflows/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@temporalio/*', '!@temporalio/workflow', '@sigmap/store', '@sigmap/catalogue', '@sigmap/surrogate', 'fs', 'node:*'],
              message: 'Workflows import only @temporalio/workflow, contracts and pure code.',
            },
          ],
        },
      ],
    },
  },
];
