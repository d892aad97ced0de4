/**
 * Entry point of the API package. This file is plain TypeScript (no decorators) so tsx can load it; it installs the
 * SWC hook for apps/api/src (decorator metadata for NestJS) before loading the application.
 */
import { openStore, type Store } from '@sigmap/store';
import { installSwcHook } from './register';
import type { ApiOptions } from './config';
import type { RunningApi } from './server';

export { apiOptions, type ApiOptions } from './config';
export { addApiKey, hashKey, KeyRing, readKeyFile } from './common/keys';
export type { RunningApi } from './server';

export interface StartApiOptions {
  /** Start (or reuse) a local Temporal dev server and in-process workers sharing the store (the embedded default). */
  embedded?: boolean;
  /** Use this store instead of opening one. */
  store?: Store;
}

export async function startApi(options: ApiOptions, o: StartApiOptions = {}): Promise<RunningApi & { temporalAddress: string; embedded: boolean }> {
  installSwcHook();
  const server = require('./server') as typeof import('./server');
  const store = o.store ?? (await openStore({ url: options.databaseUrl, dataDir: `${options.home}/store` }));
  let stopEmbedded: (() => Promise<void>) | null = null;
  // loaded here, not at the top: `--add-key` loads this package too and needs none of the family adapters' libraries
  const { FamilyRegistry } = require('@sigmap/families') as typeof import('@sigmap/families');
  let families: InstanceType<typeof FamilyRegistry>;
  let temporalAddress = options.temporalAddress;
  try {
    if (o.embedded) {
      const { startEmbedded } = require('./embedded') as typeof import('./embedded');
      const e = await startEmbedded(options.home, store);
      stopEmbedded = e.stop;
      families = e.families;
      temporalAddress = e.address;
    } else families = new FamilyRegistry();
    const api = await server.startServer({ ...options, temporalAddress }, store, families);
    return {
      ...api,
      temporalAddress,
      embedded: !!o.embedded,
      async close() {
        await api.close();
        if (stopEmbedded) await stopEmbedded();
        else await families.close();
        if (!o.store) await store.close();
      },
    };
  } catch (e) {
    if (stopEmbedded) await stopEmbedded().catch(() => undefined);
    if (!o.store) await store.close().catch(() => undefined);
    throw e;
  }
}
