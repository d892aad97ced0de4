import { execFileSync } from 'node:child_process';
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
    const errors = await lint('libs/gp/src/probe.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\nexport const b = Math.random();\nexport const c = Date.now();\n");
    expect(errors.filter((e) => e.startsWith('no-restricted-imports'))).toHaveLength(1);
    expect(errors.filter((e) => e.startsWith('no-restricted-properties'))).toHaveLength(2);
  });

  it('forbids workflows importing the worker SDK or the store', async () => {
    const errors = await lint('workflows/src/probe.ts', "import { Worker } from '@temporalio/worker';\nexport const w = Worker;\n");
    expect(errors.some((e) => e.startsWith('no-restricted-imports'))).toBe(true);
    expect(await lint('workflows/src/probe.ts', "import { proxyActivities } from '@temporalio/workflow';\nexport const p = proxyActivities;\n")).toEqual([]);
  });
});
