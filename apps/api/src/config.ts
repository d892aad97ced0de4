import { resolve } from 'node:path';
import { InputError } from '@sigmap/contracts';

/** Everything the API needs to start; `apiOptions()` fills the embedded defaults from the environment. */
export interface ApiOptions {
  host: string;
  port: number;
  /** SIGMAP_HOME: the PGlite store and the API key file live here. */
  home: string;
  /** PostgreSQL URL; absent -> embedded PGlite under home. */
  databaseUrl?: string;
  temporalAddress: string;
  temporalNamespace: string;
  /** Largest accepted request body (express/body-parser syntax, e.g. '64kb'). */
  bodyLimit: string;
  /** Requests per window per API key (or per client address without a key). */
  rateLimit: number;
  rateWindowMs: number;
  /** Requests with a key that matches no group, per client address and rate window (default 30), answered 401; then 429. */
  unknownKeyLimit: number;
  /** Connections of one client address read at once (default 16); more wait their turn (ConnectionGate). */
  connectionsPerAddress: number;
  /** JSON file of { group, hash } entries (sha256 of each key). */
  keysFile: string;
  /** Seconds a coverage map is reused before the store is checked for new results. */
  coverageTtlMs: number;
  /** Scans a group may have running or paused at once (a new submission beyond it is refused). */
  maxActiveScans: number;
  /** Log requests and lifecycle to stderr. */
  log: boolean;
  /** Open event streams (GET /api/scans/:id/events) per API group (default 16). */
  sseMaxPerGroup: number;
  /** Open event streams per client address, keyed or not (default 32). */
  sseMaxPerAddress: number;
  /** An event stream with no new event for this long ends with an 'end' event of reason 'idle' (default 60 s). */
  sseIdleMs: number;
  /** Longest life of one event stream (default 10 min); clients reconnect. */
  sseMaxMs: number;
  /** Groups whose keys review catalogue registrations (approve, reject, delete any); default 'admin'. */
  reviewerGroups: string[];
  /**
   * What scans may cost (@sigmap/contracts cost.ts: full-simulation event equivalents): events per point, one scan
   * (budget x searches x events x fidelity weight), a group's active scans together, and the points extends may add
   * to one scan. Checked before a workflow starts and before an extend is applied.
   */
  maxEvents: number;
  maxScanCost: number;
  maxGroupCost: number;
  maxExtendPoints: number;
  /** How often the API reconciles the store's running scans with their workflows in Temporal (ms). */
  reconcileMs: number;
}

/** Defaults of the cost limits (README, configuration). */
const COST_DEFAULTS = { maxEvents: 1_000_000, maxScanCost: 2e8, maxGroupCost: 5e8, maxExtendPoints: 10_000 } as const;

const LOOPBACK = ['127.0.0.1', '::1', 'localhost'];

export function apiOptions(overrides: Partial<ApiOptions> = {}, env: NodeJS.ProcessEnv = process.env): ApiOptions {
  const home = resolve(overrides.home ?? env.SIGMAP_HOME ?? '.sigmap');
  const o: ApiOptions = {
    host: env.SIGMAP_API_HOST ?? '127.0.0.1',
    port: Number(env.SIGMAP_API_PORT ?? 8080),
    home,
    databaseUrl: env.DATABASE_URL || undefined,
    temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    bodyLimit: env.SIGMAP_API_BODY_LIMIT ?? '64kb',
    rateLimit: Number(env.SIGMAP_API_RATE_LIMIT ?? 600),
    rateWindowMs: Number(env.SIGMAP_API_RATE_WINDOW_MS ?? 60_000),
    unknownKeyLimit: Number(env.SIGMAP_API_UNKNOWN_KEY_LIMIT ?? 30),
    connectionsPerAddress: Number(env.SIGMAP_API_CONNECTIONS_PER_ADDRESS ?? 16),
    keysFile: env.SIGMAP_API_KEYS_FILE ?? resolve(home, 'api-keys.json'),
    coverageTtlMs: Number(env.SIGMAP_API_COVERAGE_TTL_MS ?? 1000),
    maxActiveScans: Number(env.SIGMAP_API_MAX_ACTIVE_SCANS ?? 8),
    log: env.SIGMAP_API_LOG === '1',
    sseMaxPerGroup: Number(env.SIGMAP_API_SSE_PER_GROUP ?? 16),
    sseMaxPerAddress: Number(env.SIGMAP_API_SSE_PER_ADDRESS ?? 32),
    sseIdleMs: Number(env.SIGMAP_API_SSE_IDLE_MS ?? 60_000),
    sseMaxMs: Number(env.SIGMAP_API_SSE_MAX_MS ?? 10 * 60_000),
    reviewerGroups: (env.SIGMAP_API_REVIEWERS ?? 'admin')
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean),
    maxEvents: Number(env.SIGMAP_API_MAX_EVENTS ?? COST_DEFAULTS.maxEvents),
    maxScanCost: Number(env.SIGMAP_API_MAX_SCAN_COST ?? COST_DEFAULTS.maxScanCost),
    maxGroupCost: Number(env.SIGMAP_API_MAX_GROUP_COST ?? COST_DEFAULTS.maxGroupCost),
    maxExtendPoints: Number(env.SIGMAP_API_MAX_EXTEND_POINTS ?? COST_DEFAULTS.maxExtendPoints),
    reconcileMs: Number(env.SIGMAP_API_RECONCILE_MS ?? 30_000),
    ...overrides,
  };
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new InputError('port', `expected an integer in [0, 65535], got ${o.port}`);
  if (!Number.isInteger(o.maxActiveScans) || o.maxActiveScans < 1)
    throw new InputError('max-active-scans', `expected an integer >= 1, got ${o.maxActiveScans}`);
  if (!Number.isInteger(o.rateLimit) || o.rateLimit < 1) throw new InputError('rate-limit', `expected an integer >= 1, got ${o.rateLimit}`);
  if (!Number.isInteger(o.unknownKeyLimit) || o.unknownKeyLimit < 1)
    throw new InputError('SIGMAP_API_UNKNOWN_KEY_LIMIT', `expected an integer >= 1, got ${o.unknownKeyLimit}`);
  if (!Number.isInteger(o.connectionsPerAddress) || o.connectionsPerAddress < 1)
    throw new InputError('SIGMAP_API_CONNECTIONS_PER_ADDRESS', `expected an integer >= 1, got ${o.connectionsPerAddress}`);
  for (const [field, v] of [
    ['sse-per-group', o.sseMaxPerGroup],
    ['sse-per-address', o.sseMaxPerAddress],
    ['sse-idle-ms', o.sseIdleMs],
    ['sse-max-ms', o.sseMaxMs],
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new InputError(field, `expected an integer >= 1, got ${v}`);
  for (const [field, v] of [
    ['SIGMAP_API_MAX_EVENTS', o.maxEvents],
    ['SIGMAP_API_MAX_EXTEND_POINTS', o.maxExtendPoints],
    ['SIGMAP_API_RECONCILE_MS', o.reconcileMs],
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new InputError(field, `expected an integer >= 1, got ${v}`);
  for (const [field, v] of [
    ['SIGMAP_API_MAX_SCAN_COST', o.maxScanCost],
    ['SIGMAP_API_MAX_GROUP_COST', o.maxGroupCost],
  ] as const)
    if (!Number.isFinite(v) || v <= 0) throw new InputError(field, `expected a number > 0, got ${v}`);
  if (!LOOPBACK.includes(o.host) && env.SIGMAP_API_ALLOW_REMOTE !== '1')
    throw new InputError('host', `'${o.host}' is not a loopback address; set SIGMAP_API_ALLOW_REMOTE=1 to listen beyond this machine`);
  return o;
}
