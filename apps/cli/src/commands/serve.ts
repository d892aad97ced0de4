import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { CliCommand } from '../command';

/** The API app's entry; `sigmap serve` runs it as its own process (apps do not import apps). Its IPC channel tells it
 * when this launcher is gone. */
const API_MAIN = resolve(__dirname, '../../../api/src/main.ts');

export const command: CliCommand = {
  summary: 'start the HTTP API and dashboard (embedded: local Temporal dev server, workers, PGlite store)',
  usage: `usage: sigmap serve [--port N] [--host ADDR] [--home DIR] [--temporal HOST:PORT] [--rate-limit N] [--body-limit SIZE]
                    [--sse-per-group N] [--sse-per-address N] [--sse-idle-ms MS] [--reviewers G1,G2]
       sigmap serve --add-key GROUP [--home DIR]
       sigmap serve --revoke-key GROUP [--key KEY] [--home DIR]

Starts the NestJS API with the dashboard at / and the OpenAPI document at /api/docs-json.
Embedded default (no --temporal, no TEMPORAL_ADDRESS): starts or reuses a local Temporal dev server on
SIGMAP_HOME/temporal/dev.sqlite (port SIGMAP_TEMPORAL_PORT, default 7233) and runs workers for every task queue
in this process, sharing the PGlite store under SIGMAP_HOME (./.sigmap); their CPU work (simulation, GP and CLs
fits) runs in compute threads, off the event loop that answers HTTP (SIGMAP_COMPUTE_THREADS=0: on it). With --temporal / TEMPORAL_ADDRESS the
API is a Temporal client only (workers: sigmap worker; a shared store needs DATABASE_URL).
Defaults: 127.0.0.1:8080, 600 requests/min per group or client, 64kb bodies. API keys are per group, stored as
sha256 in SIGMAP_HOME/api-keys.json.

Scan cost limits, checked before a workflow starts and before an extend (4xx naming the field): SIGMAP_API_MAX_EVENTS
(events per point, default 1000000), SIGMAP_API_MAX_SCAN_COST (budget x searches x events x fidelity weight, default
2e8 full-event equivalents), SIGMAP_API_MAX_GROUP_COST (a group's active scans together, default 5e8),
SIGMAP_API_MAX_EXTEND_POINTS (what extends add to one scan in all, default 10000). Scan status is reconciled with
Temporal (terminated, failed, timed-out workflows) at start, every SIGMAP_API_RECONCILE_MS (30000) and on reads.

Event streams (/api/scans/:id/events): at most 16 open per group and 32 per client address (429 naming the limit
beyond), each ends after 60 s without a new event or after 10 min (clients reconnect); env SIGMAP_API_SSE_PER_GROUP,
SIGMAP_API_SSE_PER_ADDRESS, SIGMAP_API_SSE_IDLE_MS, SIGMAP_API_SSE_MAX_MS. Catalogue registrations (POST /api/catalogue)
count in the public map once a reviewer group approves them (default group 'admin'; --reviewers, SIGMAP_API_REVIEWERS).

  --add-key GROUP   create an API key for GROUP, print it once, and exit
  --revoke-key GROUP  remove every key of GROUP (or only --key KEY) from the key file and exit; a running API
                    re-reads the file and refuses them within a second, no restart
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
