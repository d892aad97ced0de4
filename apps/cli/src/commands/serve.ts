import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { CliCommand } from '../command';

/** The API app's entry; `sigmap serve` runs it as its own process (apps do not import apps). Its IPC channel tells it
 * when this launcher is gone. */
const API_MAIN = resolve(__dirname, '../../../api/src/main.ts');

export const command: CliCommand = {
  summary: 'start the HTTP API and dashboard (embedded: local Temporal dev server, workers, PGlite store)',
  usage: `usage: sigmap serve [--port N] [--host ADDR] [--home DIR] [--temporal HOST:PORT] [--rate-limit N] [--body-limit SIZE]
       sigmap serve --add-key GROUP [--home DIR]

Starts the NestJS API with the dashboard at / and the OpenAPI document at /api/docs-json.
Embedded default (no --temporal, no TEMPORAL_ADDRESS): starts or reuses a local Temporal dev server on
SIGMAP_HOME/temporal/dev.sqlite (port SIGMAP_TEMPORAL_PORT, default 7233) and runs workers for every task queue
in this process, sharing the PGlite store under SIGMAP_HOME (./.sigmap). With --temporal / TEMPORAL_ADDRESS the
API is a Temporal client only (workers: sigmap worker; a shared store needs DATABASE_URL).
Defaults: 127.0.0.1:8080, 600 requests/min per group or client, 64kb bodies. API keys are per group, stored as
sha256 in SIGMAP_HOME/api-keys.json.

  --add-key GROUP   create an API key for GROUP, print it once, and exit
  --port 0          any free port (the URL is printed)`,
  run(argv) {
    const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), API_MAIN, ...argv], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    return new Promise<number>((done, fail) => {
      child.once('error', fail);
      child.once('exit', (code, signal) => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        done(code ?? (signal ? 1 : 0));
      });
    });
  },
};
