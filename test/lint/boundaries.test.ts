import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The architecture rules of DESIGN.md are enforced by lint; these cases prove the rules bite.
const root = join(__dirname, '..', '..');

async function lint(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('module boundaries and domain purity', () => {
  beforeAll(() => {
    // @nx/enforce-module-boundaries reads the cached project graph.
    execFileSync('npx', ['nx', 'show', 'projects'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'ignore' });
  }, 120_000);

  it('lets a domain lib import contracts', async () => {
    expect(await lint('libs/stats/src/probe.ts', "import { createRng } from '@sigmap/contracts';\nexport const r = createRng(1);\n")).toEqual([]);
  });

  it('forbids a domain lib importing an adapter', async () => {
    const errors = await lint('libs/stats/src/probe.ts', "import { openStore } from '@sigmap/store';\nexport const s = openStore;\n");
    expect(errors.some((e) => e.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('forbids I/O, Math.random and the clock in domain libs', async () => {
    const errors = await lint(
      'libs/gp/src/probe.ts',
      "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\nexport const b = Math.random();\nexport const c = Date.now();\n",
    );
    expect(errors.filter((e) => e.startsWith('no-restricted-imports'))).toHaveLength(1);
    expect(errors.filter((e) => e.startsWith('no-restricted-properties'))).toHaveLength(2);
  });

  it('forbids workflows importing the worker SDK or the store', async () => {
    const errors = await lint('workflows/src/probe.ts', "import { Worker } from '@temporalio/worker';\nexport const w = Worker;\n");
    expect(errors.some((e) => e.startsWith('no-restricted-imports'))).toBe(true);
    expect(await lint('workflows/src/probe.ts', "import { proxyActivities } from '@temporalio/workflow';\nexport const p = proxyActivities;\n")).toEqual([]);
  });

  it('forbids an app importing another app (issue 17)', async () => {
    const errors = await lint('apps/cli/src/probe.ts', "import { startApi } from '@sigmap/api';\nexport const s = startApi;\n");
    expect(errors.some((e) => e.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
    const viaPath = await lint('apps/cli/src/probe.ts', "import { startApi } from '../../api/src/index';\nexport const s = startApi;\n");
    expect(viaPath.some((e) => e.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
    expect(await lint('apps/cli/src/probe.ts', "import { FamilyRegistry } from '@sigmap/families';\nexport const f = FamilyRegistry;\n")).toEqual([]);
  });

  it('has no eslint-disable of the boundary rule anywhere in the tree', () => {
    const offenders: string[] = [];
    for (const top of ['apps', 'libs', 'workflows', 'test'])
      for (const f of readdirSync(join(root, top), { recursive: true }) as string[]) {
        if (!f.endsWith('.ts') || f.includes('node_modules') || f === join('lint', 'boundaries.test.ts')) continue;
        const text = readFileSync(join(root, top, f), 'utf8');
        if (/eslint-disable[^\n]*enforce-module-boundaries/.test(text)) offenders.push(join(top, f));
      }
    expect(offenders).toEqual([]);
  });
});
