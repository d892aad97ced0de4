/**
 * Shared harness of the fault suite (issue 8): every fault disturbs the same scan (FAULT_SPEC, fixed seed) and its
 * stored results are compared with an undisturbed run of that spec: same (point, search, fidelity, seed) keys, no
 * duplicate rows, no gaps, bit-identical CLs, scan status 'budget-spent'. The undisturbed run is made once per
 * source state and cached (os tmpdir, keyed by the spec and a digest of the code that decides the numbers), so the
 * fault files share it. Each fault writes its entry into reports/tmp/faults/report.{json,md} (a copy of a full run is committed in reports/faults).
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Client } from '@temporalio/client';
import { type ScanReport, type ScanSpec } from '@sigmap/contracts';
import { openStore } from '@sigmap/store';
import { parseFaultTrace, type DevServer, type FaultTraceEvent } from '@sigmap/orchestration';
import { client, devServer, REPO, sbottomSpec, sleep, spawnWorker, stopWorker, tmp, type ChildWorker } from '../orchestration/helpers';
import { startScanWorkflow } from '@sigmap/workflows/client';

/** The disturbed scan: sbottom plane, 3 rounds of 5 points, one round per workflow run (continueAsNew each round). */
export const FAULT_SPEC: ScanSpec = sbottomSpec({ name: 'fault-suite', budget: 15, batchSize: 5, initialPoints: 5, roundsPerRun: 1, seed: 41 });

// each run writes reports/tmp/faults (untracked); reports/faults holds the committed copy of a full run
const REPORT_DIR = process.env.SIGMAP_FAULT_REPORT_DIR ?? join(REPO, 'reports', 'tmp', 'faults');

// ---------------------------------------------------------------- stored results

/** One stored evaluation, as compared: its identity (key, search, fidelity, seed) and its numbers. */
interface StoredResult {
  key: string;
  search: string;
  fidelity: string;
  seed: number;
  clsObs: number;
  clsExp: number[];
  region: string | null;
  excluded: boolean;
}

interface StoredScan {
  scanId: string;
  /** scans.status in the store. */
  status: string | null;
  /** Every evaluation row of the scan (duplicates included, were there any), sorted by identity. */
  rows: StoredResult[];
}

const identity = (r: StoredResult) => `${r.key}|${r.search}|${r.fidelity}|${r.seed}`;

/** Opens the PGlite store (no worker may hold it), reads the scan's status and every evaluation row, closes it. */
export async function readStoredScan(dataDir: string, scanId: string): Promise<StoredScan> {
  const store = await openStore({ dataDir });
  try {
    const rows = (await store.listEvaluations(scanId)).map((e) => ({
      key: e.key,
      search: e.search,
      fidelity: e.fidelity,
      seed: e.seed,
      clsObs: e.clsObs,
      clsExp: e.clsExp,
      region: e.region,
      excluded: e.excluded,
    }));
    rows.sort((a, b) => identity(a).localeCompare(identity(b)));
    return { scanId, status: (await store.getScan(scanId))?.status ?? null, rows };
  } finally {
    await store.close();
  }
}

interface FaultCheck {
  check: string;
  ok: boolean;
  detail: string;
}

/** The acceptance checks of a disturbed scan against the undisturbed one. */
export function compareToReference(run: StoredScan, ref: StoredScan): FaultCheck[] {
  const count = new Map<string, number>();
  for (const r of run.rows) count.set(identity(r), (count.get(identity(r)) ?? 0) + 1);
  const dupes = [...count.entries()].filter(([, n]) => n > 1).map(([k, n]) => `${k} x${n}`);
  const refIds = new Set(ref.rows.map(identity));
  const gaps = [...refIds].filter((k) => !count.has(k));
  const extra = [...count.keys()].filter((k) => !refIds.has(k));
  const byId = new Map(run.rows.map((r) => [identity(r), r]));
  const differ: string[] = [];
  for (const a of ref.rows) {
    const b = byId.get(identity(a));
    if (!b) continue;
    const same =
      a.clsObs === b.clsObs &&
      a.clsExp.length === b.clsExp.length &&
      a.clsExp.every((x, i) => x === b.clsExp[i]) &&
      a.region === b.region &&
      a.excluded === b.excluded;
    if (!same) differ.push(`${identity(a)}: clsObs ${a.clsObs} vs ${b.clsObs}, region ${a.region} vs ${b.region}`);
  }
  const list = (xs: string[]) => (xs.length ? xs.slice(0, 5).join('; ') + (xs.length > 5 ? ` (+${xs.length - 5} more)` : '') : 'none');
  return [
    { check: `scan completed: store status '${ref.status}'`, ok: run.status === ref.status, detail: `status ${run.status} (undisturbed: ${ref.status})` },
    {
      check: 'no duplicate rows per (point, search, fidelity, seed)',
      ok: dupes.length === 0,
      detail: `${run.rows.length} rows, ${count.size} distinct; duplicates: ${list(dupes)}`,
    },
    {
      check: 'no gaps: every undisturbed (point, search, fidelity, seed) key is stored',
      ok: gaps.length === 0,
      detail: `${ref.rows.length} expected; missing: ${list(gaps)}`,
    },
    { check: 'no extra keys beyond the undisturbed run', ok: extra.length === 0, detail: `extra: ${list(extra)}` },
    {
      check: 'identical CLs_obs, CLs_exp band, region and excluded flag (bitwise)',
      ok: differ.length === 0 && gaps.length === 0,
      detail: differ.length ? list(differ) : `${ref.rows.length - gaps.length} rows equal`,
    },
  ];
}

// ---------------------------------------------------------------- the undisturbed reference (cached)

interface ReferenceRun {
  spec: ScanSpec;
  digest: string;
  stored: StoredScan;
  wallMs: number;
  cached: boolean;
}

/**
 * Cache name of the reference of `spec`: a digest of the spec, then a digest of the code and data that decide a
 * scan's numbers (a change of either re-runs the reference).
 */
function referenceName(spec: ScanSpec): { specPart: string; name: string } {
  const specPart = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 12);
  const h = createHash('sha256');
  const roots = ['libs', 'workflows/src'].map((r) => join(REPO, r));
  const files: string[] = [];
  for (const root of roots)
    for (const f of readdirSync(root, { recursive: true }) as string[])
      if (f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('node_modules')) files.push(join(root, f));
  for (const f of files.sort()) h.update(relative(REPO, f)).update(readFileSync(f));
  h.update(readFileSync(join(REPO, 'package-lock.json')));
  return { specPart, name: `${specPart}-${h.digest('hex').slice(0, 12)}` };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Runs `fn` under a directory lock (mkdir is atomic); a lock whose owner process is gone is taken over. */
async function withLock<T>(lockDir: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch {
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
      } catch {
        // being created
      }
      if (Number.isInteger(owner) && !alive(owner)) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`lock ${lockDir} held too long (pid ${owner})`);
      else await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * The undisturbed run of `spec`: a dev server, one `sigmap worker` child process on a fresh PGlite store, the scan
 * to completion, the stored evaluations read back. Cached in the tmpdir per digest; concurrent fault files wait.
 */
export async function referenceScan(spec: ScanSpec = FAULT_SPEC): Promise<ReferenceRun> {
  const { specPart, name: digest } = referenceName(spec);
  const cacheDir = join(tmpdir(), 'sigmap-fault-reference');
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, `${digest}.json`);
  const load = (): ReferenceRun => ({ ...(JSON.parse(readFileSync(file, 'utf8')) as ReferenceRun), cached: true });
  if (existsSync(file)) return load();
  return withLock(`${file}.lock`, 600_000, async () => {
    if (existsSync(file)) return load();
    const t0 = performance.now();
    const dir = tmp('fault-ref');
    const server = await devServer(join(dir, 'temporal.sqlite'));
    let worker: ChildWorker | null = null;
    try {
      worker = spawnWorker(server.address, join(dir, 'store'), 'all');
      await worker.ready;
      const scanId = 'fault-reference';
      const c = await client(server.address);
      try {
        await (await startScanWorkflow(c.client, { scanId, spec }, { workflowExecutionTimeout: '5 minutes' })).result();
      } finally {
        await c.close();
      }
      await stopWorker(worker);
      const stored = await readStoredScan(join(dir, 'store'), scanId);
      const run: ReferenceRun = { spec, digest, stored, wallMs: Math.round(performance.now() - t0), cached: false };
      writeFileSync(`${file}.tmp`, JSON.stringify(run));
      renameSync(`${file}.tmp`, file);
      // references of this spec made by older code are of no further use
      for (const f of readdirSync(cacheDir))
        if (f.startsWith(`${specPart}-`) && f.endsWith('.json') && join(cacheDir, f) !== file) rmSync(join(cacheDir, f), { force: true });
      return run;
    } finally {
      if (worker) killIfAlive(worker);
      await server.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

// ---------------------------------------------------------------- processes and traces

/** SIGKILL a child (worker or `sigmap serve`) that has not exited yet. */
export function killIfAlive(w: { proc: ChildProcess }): void {
  if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGKILL');
}

/**
 * Teardown steps run in reverse order in afterAll, each one even when an earlier one throws; then the case's
 * temporary directories are removed (kept with SIGMAP_FAULT_KEEP=1, to look at stores and server logs).
 */
export class Teardown {
  private readonly steps: { name: string; fn: () => unknown }[] = [];
  constructor(...dirs: string[]) {
    for (const d of dirs) this.add(`remove ${d}`, () => process.env.SIGMAP_FAULT_KEEP !== '1' && rmSync(d, { recursive: true, force: true }));
  }
  add(name: string, fn: () => unknown): void {
    this.steps.push({ name, fn });
  }
  async run(): Promise<void> {
    for (const s of this.steps.reverse()) {
      try {
        await s.fn();
      } catch (e) {
        process.stderr.write(`teardown '${s.name}': ${(e as Error).message}\n`);
      }
    }
    this.steps.length = 0;
  }
}

/** A `sigmap worker` child process with fault tracing on (and any further SIGMAP_FAULT_* settings). */
function tracedWorker(address: string, storeDir: string, teardown: Teardown, env: NodeJS.ProcessEnv = {}): { worker: ChildWorker; trace: Trace } {
  const worker = spawnWorker(address, storeDir, 'all', { SIGMAP_FAULT_TRACE: '1', ...env });
  teardown.add(`worker ${worker.proc.pid}`, () => killIfAlive(worker));
  return { worker, trace: new Trace(worker.proc.stdout!) };
}

/** The activity start / end / fail events a traced process prints (libs/orchestration/src/fault-injection.ts). */
export class Trace {
  readonly events: FaultTraceEvent[] = [];
  private waiters: { pred: (e: FaultTraceEvent) => boolean; res: (e: FaultTraceEvent) => void }[] = [];
  constructor(stream: Readable) {
    createInterface({ input: stream }).on('line', (line) => {
      const e = parseFaultTrace(line);
      if (!e) return;
      this.events.push(e);
      for (const w of [...this.waiters])
        if (w.pred(e)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.res(e);
        }
    });
  }
  /** The next event (from now on) matching `pred`. */
  next(pred: (e: FaultTraceEvent) => boolean, timeoutMs: number, what = 'trace event'): Promise<FaultTraceEvent> {
    return new Promise((res, rej) => {
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.res !== done);
        rej(new Error(`no ${what} within ${timeoutMs} ms (saw ${this.events.length} events)`));
      }, timeoutMs);
      const done = (e: FaultTraceEvent) => {
        clearTimeout(t);
        res(e);
      };
      this.waiters.push({ pred, res: done });
    });
  }
  count(pred: (e: FaultTraceEvent) => boolean): number {
    return this.events.filter(pred).length;
  }
}

/**
 * A limit fit in progress: the first heartbeat, from the `n`-th first-attempt computeLimit on, that reports a fitted
 * region of the sbottom likelihood (the activity heartbeats after each of the 2-3 regions carrying the patch, so the
 * next region's fit is running). Stateful: use one per wait.
 */
export const limitFitInProgress = (n: number) => {
  let starts = 0;
  return (e: FaultTraceEvent) => {
    if (e.type !== 'computeLimit' || e.attempt !== 1) return false;
    if (e.event === 'start') starts++;
    return starts >= n && e.event === 'heartbeat' && (e.details ?? '').includes('"regions"');
  };
};

/** Highest attempt that started, per activity id, in one workflow run's history. */
export async function startedAttempts(c: Client, workflowId: string, runId: string): Promise<Map<string, { type: string; attempt: number }>> {
  const history = await c.workflow.getHandle(workflowId, runId).fetchHistory();
  const scheduled = new Map<string, { id: string; type: string }>();
  const out = new Map<string, { type: string; attempt: number }>();
  for (const e of history.events ?? []) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(e.eventId), { id: s.activityId ?? '?', type: s.activityType?.name ?? '?' });
    const st = e.activityTaskStartedEventAttributes;
    if (st) {
      const a = scheduled.get(String(st.scheduledEventId));
      if (a) out.set(a.id, { type: a.type, attempt: Math.max(out.get(a.id)?.attempt ?? 0, st.attempt ?? 1) });
    }
  }
  return out;
}

/** Awaits a scan workflow's result (following continueAsNew) within `timeoutMs`. */
export async function scanResult(c: Client, workflowId: string, timeoutMs: number): Promise<ScanReport> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      c.workflow.getHandle(workflowId).result() as Promise<ScanReport>,
      new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`scan ${workflowId} did not finish within ${timeoutMs} ms`)), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------- a disturbed scan

/** What most fault cases start from: the reference, a dev server, one traced worker on a fresh store, a client. */
interface FaultRig {
  ref: ReferenceRun;
  spec: ScanSpec;
  server: DevServer;
  storeDir: string;
  worker: ChildWorker;
  trace: Trace;
  client: Client;
  teardown: Teardown;
}

export async function faultRig(o: {
  dir: string;
  teardown: Teardown;
  entry: FaultDraft;
  spec?: ScanSpec;
  storeDir?: string;
  port?: number;
  env?: NodeJS.ProcessEnv;
}): Promise<FaultRig> {
  const spec = o.spec ?? FAULT_SPEC;
  const ref = await referenceScan(spec);
  o.entry.timings.reference = ref.cached ? 0 : ref.wallMs;
  const server = await devServer(join(o.dir, 'temporal.sqlite'), o.port);
  o.teardown.add('dev server', () => server.stop('SIGKILL'));
  const storeDir = o.storeDir ?? join(o.dir, 'store');
  const { worker, trace } = tracedWorker(server.address, storeDir, o.teardown, o.env);
  await worker.ready;
  const c = await client(server.address);
  o.teardown.add('client', () => c.close());
  return { ref, spec, server, storeDir, worker, trace, client: c.client, teardown: o.teardown };
}

/** Starts the rig's scan; returns its start time (performance.now()) and first run id. */
export async function startFaultScan(rig: FaultRig, scanId: string): Promise<{ t0: number; firstRunId: string }> {
  const t0 = performance.now();
  const h = await startScanWorkflow(rig.client, { scanId, spec: rig.spec });
  return { t0, firstRunId: h.firstExecutionRunId };
}

/**
 * kill -9 of the rig's worker process on the first trace event matching `at` (an activity in progress), then a new
 * worker process on the same store; awaits the scan. Adds the checks that the activity was cut off (no end line,
 * death by SIGKILL) and retried (a later attempt in the history), and the scan / outage timings.
 */
export async function killWorkerAndResume(
  rig: FaultRig,
  entry: FaultDraft,
  scanId: string,
  at: { pred: (e: FaultTraceEvent) => boolean; what: string },
  describe: (victim: FaultTraceEvent, pid: number, lagMs: number) => string,
  timeoutMs: number,
): Promise<ScanReport> {
  const { t0 } = await startFaultScan(rig, scanId);
  const victim = await rig.trace.next(at.pred, 180_000, at.what);
  rig.worker.proc.kill('SIGKILL');
  const killedAt = performance.now();
  const lagMs = Date.now() - victim.ms;
  await rig.worker.exited;
  entry.injected = describe(victim, rig.worker.proc.pid!, lagMs);
  const next = tracedWorker(rig.server.address, rig.storeDir, rig.teardown);
  await next.worker.ready;
  const report = await scanResult(rig.client, scanId, timeoutMs);
  const doneAt = performance.now();
  await stopWorker(next.worker);
  entry.timings.scan = Math.round(doneAt - t0);
  entry.timings.recovery = Math.round(doneAt - killedAt);

  const same = (e: FaultTraceEvent) => e.runId === victim.runId && e.activityId === victim.activityId;
  const ended = rig.trace.count((e) => same(e) && (e.event === 'end' || e.event === 'fail'));
  entry.checks.push({
    check: `the worker died by SIGKILL in the middle of ${victim.type}`,
    ok: rig.worker.proc.signalCode === 'SIGKILL' && ended === 0,
    detail: `signal ${rig.worker.proc.signalCode}; ${victim.type} #${victim.activityId} had not ended when killed (${ended} end/fail lines)`,
  });
  const retried = (await startedAttempts(rig.client, scanId, victim.runId!)).get(victim.activityId);
  entry.checks.push({
    check: 'the killed activity was retried on the new worker',
    ok: (retried?.attempt ?? 0) >= 2 && next.trace.count((e) => same(e) && e.event === 'end') === 1,
    detail: `history: ${retried?.type ?? '?'} #${victim.activityId} completed on attempt ${retried?.attempt ?? '?'}`,
  });
  entry.checks.push(statusCheck(report));
  return report;
}

export const statusCheck = (report: ScanReport): FaultCheck => ({
  check: 'workflow result status budget-spent',
  ok: report.status === 'budget-spent',
  detail: `status ${report.status}, ${report.evaluations.length} evaluations`,
});

// ---------------------------------------------------------------- the report

interface FaultEntry {
  fault: string;
  file: string;
  /** What was done to the system, and when. */
  injected: string;
  result: 'pass' | 'fail' | 'skipped';
  /** Why a case was skipped, or the first failing check / error. */
  reason?: string;
  checks: FaultCheck[];
  /** Wall times in ms (reference, disturbed scan, outage / recovery, whole case). */
  timings: Record<string, number>;
  notes?: string[];
  at: string;
}

interface FaultReport {
  title: string;
  spec: ScanSpec;
  entries: FaultEntry[];
}

const ms = (x: number | undefined) => (x === undefined ? '' : `${(x / 1000).toFixed(1)} s`);

function markdown(r: FaultReport): string {
  const lines = [
    `# ${r.title}`,
    '',
    `Scan disturbed by every fault: family ${r.spec.family}, searches ${r.spec.searches.join(', ')}, fidelity ${r.spec.fidelity.default}, budget ${r.spec.budget} points in batches of ${r.spec.batchSize}, one round per workflow run, seed ${r.spec.seed}. Each disturbed run is compared with an undisturbed run of the same spec and seed (cached per code state).`,
    '',
    '| fault | result | what was injected | checks passed | timings |',
    '|---|---|---|---|---|',
  ];
  for (const e of r.entries) {
    const passed = `${e.checks.filter((c) => c.ok).length}/${e.checks.length}`;
    const t = Object.entries(e.timings)
      .map(([k, v]) => `${k} ${ms(v)}`)
      .join(', ');
    lines.push(`| ${e.fault} | **${e.result}**${e.reason ? `: ${e.reason.replace(/\|/g, '/')}` : ''} | ${e.injected.replace(/\|/g, '/')} | ${passed} | ${t} |`);
  }
  for (const e of r.entries) {
    lines.push('', `## ${e.fault} (${e.file}): ${e.result}`, '', e.injected, '');
    if (e.reason) lines.push(`Reason: ${e.reason}`, '');
    for (const c of e.checks) lines.push(`- [${c.ok ? 'x' : ' '}] ${c.check}: ${c.detail}`);
    for (const n of e.notes ?? []) lines.push(`- note: ${n}`);
    lines.push(
      `- run at ${e.at}; ${Object.entries(e.timings)
        .map(([k, v]) => `${k} ${ms(v)}`)
        .join(', ')}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Adds (or replaces, by fault name) this fault's entry in reports/tmp/faults/report.json and rewrites report.md. */
async function recordFault(entry: Omit<FaultEntry, 'at'>): Promise<void> {
  mkdirSync(REPORT_DIR, { recursive: true });
  await withLock(join(REPORT_DIR, '.lock'), 60_000, async () => {
    const file = join(REPORT_DIR, 'report.json');
    let report: FaultReport = { title: 'sigmap fault-injection suite (test/faults)', spec: FAULT_SPEC, entries: [] };
    if (existsSync(file) && statSync(file).size > 0) {
      try {
        report = JSON.parse(readFileSync(file, 'utf8')) as FaultReport;
      } catch {
        // rewritten below
      }
    }
    report.spec = FAULT_SPEC;
    report.entries = [...report.entries.filter((e) => e.fault !== entry.fault), { ...entry, at: new Date().toISOString() }].sort((a, b) =>
      a.fault.localeCompare(b.fault),
    );
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    writeFileSync(join(REPORT_DIR, 'report.md'), markdown(report));
  });
}

/** What a fault case fills in while it runs. */
interface FaultDraft {
  injected: string;
  checks: FaultCheck[];
  timings: Record<string, number>;
  notes: string[];
}

/**
 * Runs one fault case: `body` fills the entry's checks / timings / notes; the entry is recorded whatever happens
 * (an exception becomes a 'fail' with its message), then failed checks fail the test.
 */
export async function faultCase(fault: string, file: string, body: (entry: FaultDraft) => Promise<void>): Promise<void> {
  const entry: FaultDraft = { injected: '', checks: [], timings: {}, notes: [] };
  const t0 = performance.now();
  let error: Error | null = null;
  try {
    await body(entry);
  } catch (e) {
    error = e as Error;
  }
  entry.timings.total = Math.round(performance.now() - t0);
  const failed = entry.checks.filter((c) => !c.ok);
  const reason = error ? `error: ${error.message.split('\n')[0]}` : failed.length ? `failed: ${failed.map((c) => c.check).join('; ')}` : undefined;
  await recordFault({
    fault,
    file,
    injected: entry.injected,
    result: error || failed.length ? 'fail' : 'pass',
    reason,
    checks: entry.checks,
    timings: entry.timings,
    notes: entry.notes,
  });
  if (error) throw error;
  if (failed.length) throw new Error(`fault '${fault}': ${failed.map((c) => `${c.check} (${c.detail})`).join('; ')}`);
}

/** Records a case that could not run here, with the reason (it is reported as skipped, never as passed). */
export async function skipFault(fault: string, file: string, injected: string, reason: string): Promise<void> {
  await recordFault({ fault, file, injected, result: 'skipped', reason, checks: [], timings: {} });
}
