/**
 * Decorator metadata for the API under tsx. tsx (esbuild) does not emit `design:paramtypes` / `design:type`,
 * which NestJS dependency injection, ValidationPipe and @nestjs/swagger read. This hook compiles the files of
 * apps/api/src with SWC (@swc/core: legacy decorators + decoratorMetadata, CommonJS) and hands every other
 * file to the previously installed handler (tsx), so the domain libraries keep running through tsx.
 * Idempotent: installing twice is a no-op.
 */
import { readFileSync } from 'node:fs';
import Module from 'node:module';

type Loader = (module: NodeModule & { _compile(code: string, filename: string): void }, filename: string) => void;

const FLAG = Symbol.for('sigmap.api.swc-hook');

export function installSwcHook(root: string = __dirname): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[FLAG]) return;
  const exts = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;
  const previous = exts['.ts'];
  const swc = require('@swc/core') as typeof import('@swc/core');
  exts['.ts'] = (module, filename) => {
    if (!filename.startsWith(root) || filename.endsWith('.test.ts')) {
      if (!previous) throw new Error(`no TypeScript loader for ${filename}: run through tsx (node --require tsx/cjs)`);
      return previous(module, filename);
    }
    const out = swc.transformSync(readFileSync(filename, 'utf8'), {
      filename,
      sourceMaps: 'inline',
      swcrc: false,
      configFile: false,
      module: { type: 'commonjs' },
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        keepClassNames: true,
      },
    });
    module._compile(out.code, filename);
  };
  g[FLAG] = true;
}
