/** SQL migrations, applied in order at open (one dialect: PGlite is PostgreSQL). Never edit a shipped one; append. */
export const MIGRATIONS: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE TABLE IF NOT EXISTS scans (
  scan_id TEXT PRIMARY KEY,
  family TEXT NOT NULL,
  spec JSONB NOT NULL,
  status TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS evaluations (
  id BIGSERIAL PRIMARY KEY,
  scan_id TEXT NOT NULL REFERENCES scans(scan_id),
  point_key TEXT NOT NULL,
  search_id TEXT NOT NULL,
  fidelity TEXT NOT NULL,
  seed BIGINT NOT NULL,
  point JSONB NOT NULL,
  cls_obs DOUBLE PRECISION NOT NULL,
  cls_exp JSONB NOT NULL,
  region TEXT,
  excluded BOOLEAN NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (scan_id, point_key, search_id, fidelity, seed)
);
CREATE TABLE IF NOT EXISTS limits (
  search_id TEXT NOT NULL,
  point_key TEXT NOT NULL,
  fidelity TEXT NOT NULL,
  cls_obs DOUBLE PRECISION NOT NULL,
  cls_exp JSONB NOT NULL,
  region TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (search_id, point_key, fidelity)
);
CREATE TABLE IF NOT EXISTS yields (
  yields_key TEXT PRIMARY KEY,
  scan_id TEXT NOT NULL,
  point_key TEXT NOT NULL,
  fidelity TEXT NOT NULL,
  seed BIGINT NOT NULL,
  yields JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS gp_snapshots (
  scan_id TEXT NOT NULL,
  round INTEGER NOT NULL,
  digest TEXT NOT NULL,
  training_size INTEGER NOT NULL,
  misclassified DOUBLE PRECISION,
  state JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (scan_id, round)
);
CREATE TABLE IF NOT EXISTS scan_events (
  id BIGSERIAL PRIMARY KEY,
  scan_id TEXT NOT NULL,
  round INTEGER NOT NULL,
  kind TEXT NOT NULL,
  payload JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS coverage_snapshots (
  id BIGSERIAL PRIMARY KEY,
  summary JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`,
  },
  {
    // recordProgress is at-least-once: a retried call carries the same payload; its key makes the insert idempotent
    // (NULL keys of older rows never conflict).
    version: 2,
    sql: `
ALTER TABLE scan_events ADD COLUMN IF NOT EXISTS event_key TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS scan_events_scan_event_key ON scan_events (scan_id, event_key)`,
  },
  {
    // who owns which scan (the API's scans): was created at start by the API (ensureAccessTable); IF NOT EXISTS keeps
    // databases that already have it
    version: 3,
    sql: `
CREATE TABLE IF NOT EXISTS api_scan_access (
  scan_id TEXT PRIMARY KEY,
  group_id TEXT NOT NULL,
  visibility TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`,
  },
  {
    // searches registered through the API: was created by the API's CatalogueService; now reviewed before they count
    // in the public map. Rows of older databases were never reviewed: they become 'pending'.
    version: 4,
    sql: `
CREATE TABLE IF NOT EXISTS api_catalogue (
  search_id TEXT PRIMARY KEY,
  group_id TEXT NOT NULL,
  record JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
ALTER TABLE api_catalogue ADD COLUMN IF NOT EXISTS review TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE api_catalogue ADD COLUMN IF NOT EXISTS reviewed_by TEXT;
ALTER TABLE api_catalogue ADD COLUMN IF NOT EXISTS reviewed_at TIMESTAMPTZ`,
  },
  {
    // what each API scan may cost (issue 18 item 1): its cost in full-event equivalents when submitted (extends add to
    // it) and the points its extends added, both checked against the API's limits
    version: 5,
    sql: `
ALTER TABLE api_scan_access ADD COLUMN IF NOT EXISTS cost DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE api_scan_access ADD COLUMN IF NOT EXISTS extended_points INTEGER NOT NULL DEFAULT 0`,
  },
];
