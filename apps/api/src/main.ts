/**
 * The API process: `node --require tsx/cjs apps/api/src/main.ts [options]`, which `sigmap serve` launches (the CLI
 * does not import this app). Options are those of `sigmap serve --help`. Plain TypeScript (no decorators), like index.ts.
 */
import { InputError } from '@sigmap/contracts';
import { integerOption, parseCli, runAsProcess } from '@sigmap/contracts/cli';
import { addApiKey, apiOptions, startApi } from './index';
import { revokeApiKeys } from './common/keys';

async function serveMain(argv: string[]): Promise<number> {
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
      'revoke-key': { type: 'string' },
      key: { type: 'string' },
      'sse-per-group': { type: 'string' },
      'sse-per-address': { type: 'string' },
      'sse-idle-ms': { type: 'string' },
      reviewers: { type: 'string' },
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
  if (values['sse-per-group'] !== undefined) overrides.sseMaxPerGroup = integerOption('sse-per-group', values['sse-per-group'], 16, 1);
  if (values['sse-per-address'] !== undefined) overrides.sseMaxPerAddress = integerOption('sse-per-address', values['sse-per-address'], 32, 1);
  if (values['sse-idle-ms'] !== undefined) overrides.sseIdleMs = integerOption('sse-idle-ms', values['sse-idle-ms'], 60_000, 1);
  if (values.reviewers !== undefined)
    overrides.reviewerGroups = values.reviewers
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
  if (values.log) overrides.log = true;
  const options = apiOptions(overrides);
  if (values.key !== undefined && !values['revoke-key']) throw new InputError('--key', 'only with --revoke-key GROUP (revokes that one key of the group)');
  if (values['revoke-key']) {
    const n = revokeApiKeys(options.keysFile, values['revoke-key'], values.key);
    process.stdout.write(`${n}\n`);
    process.stderr.write(
      `${n} API key(s) of group '${values['revoke-key']}' revoked in ${options.keysFile}; a running API stops accepting them within a second (no restart)\n`,
    );
    return n > 0 ? 0 : 1;
  }
  if (values['add-key']) {
    const key = addApiKey(options.keysFile, values['add-key']);
    process.stdout.write(`${key}\n`);
    process.stderr.write(
      `API key for group '${values['add-key']}' added to ${options.keysFile} (only its sha256 is stored; this is the only time it is shown)\n`,
    );
    return 0;
  }
  const embedded = !values.temporal && !process.env.TEMPORAL_ADDRESS;
  const api = await startApi(options, { embedded });
  process.stdout.write(
    `sigmap api listening on ${api.url} (dashboard ${api.url}/, OpenAPI ${api.url}/api/docs-json) temporal=${api.temporalAddress}${embedded ? ' (embedded dev server + workers)' : ''} store=${api.store.kind}:${api.store.location} pid=${process.pid}\n`,
  );
  await new Promise<void>((resolve) => {
    // `on`, not `once`: Ctrl-C reaches both this process and the `sigmap serve` launcher, which forwards it again
    process.on('SIGINT', () => resolve());
    process.on('SIGTERM', () => resolve());
  });
  await api.close();
  return 0;
}

if (require.main === module) {
  // started by `sigmap serve`: when the launcher dies (even by SIGKILL) its IPC channel closes, and the API goes with it
  // rather than living on as an orphan that holds SIGMAP_HOME's store lock
  if (process.send) {
    process.on('disconnect', () => process.exit(1));
    // the channel alone must not keep the process alive (`--add-key` exits when done)
    (process.channel as { unref?: () => void } | undefined)?.unref?.();
  }
  runAsProcess(() => serveMain(process.argv.slice(2)));
}
