// eslint-disable-next-line @nx/enforce-module-boundaries -- the CLI is the composition root: 'sigmap serve' starts the API app
import { apiOptions, addApiKey, startApi } from '@sigmap/api';
import { InputError } from '@sigmap/contracts';
import { integerOption, parseCli } from '../args';
import type { CliCommand } from '../command';

export const command: CliCommand = {
  summary: 'start the HTTP API and dashboard (embedded: local Temporal dev server, in-process workers, PGlite store)',
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
  async run(argv) {
    const { values } = parseCli(
      argv,
      {
        port: { type: 'string' },
        host: { type: 'string' },
        home: { type: 'string' },
        temporal: { type: 'string' },
        'rate-limit': { type: 'string' },
        'body-limit': { type: 'string' },
        'add-key': { type: 'string' },
        log: { type: 'boolean' },
      },
      false,
    );
    const overrides: Parameters<typeof apiOptions>[0] = {};
    if (values.home) overrides.home = values.home;
    if (values.port !== undefined) overrides.port = integerOption('port', values.port, 8080, 0);
    if (values.host) overrides.host = values.host;
    if (values.temporal) overrides.temporalAddress = values.temporal;
    if (values['rate-limit'] !== undefined) overrides.rateLimit = integerOption('rate-limit', values['rate-limit'], 600, 1);
    if (values['body-limit']) {
      if (!/^\d+(b|kb|mb)$/i.test(values['body-limit'])) throw new InputError('--body-limit', `expected a size like 64kb or 1mb, got '${values['body-limit']}'`);
      overrides.bodyLimit = values['body-limit'];
    }
    if (values.log) overrides.log = true;
    const options = apiOptions(overrides);
    if (values['add-key']) {
      const key = addApiKey(options.keysFile, values['add-key']);
      process.stdout.write(`${key}\n`);
      process.stderr.write(`API key for group '${values['add-key']}' added to ${options.keysFile} (only its sha256 is stored; this is the only time it is shown)\n`);
      return 0;
    }
    const embedded = !values.temporal && !process.env.TEMPORAL_ADDRESS;
    const api = await startApi(options, { embedded });
    process.stdout.write(
      `sigmap api listening on ${api.url} (dashboard ${api.url}/, OpenAPI ${api.url}/api/docs-json) temporal=${api.temporalAddress}${embedded ? ' (embedded dev server + in-process workers)' : ''} store=${api.store.kind}:${api.store.location}\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await api.close();
    return 0;
  },
};
