import { ApplicationFailure, type Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { InputError } from '@sigmap/contracts';

/**
 * Fault-injection hooks for the fault suite (test/faults), as a Temporal activity inbound interceptor. Off (no
 * interceptor at all) unless one of these environment variables is set:
 *
 *   SIGMAP_FAULT_TRACE=1                one line per activity start / heartbeat / end / failure on stdout, so a test can
 *                                       kill the process at a known moment: `sigmap-fault {"event":"start","type":"computeLimit",
 *                                       "attempt":1,"activityId":"7","workflowId":"scan-1","runId":"...","call":3,"ms":1712345678901}`
 *   SIGMAP_FAULT_THROW_EVERY=N          every N-th call (N >= 2) of each activity type in this process fails with a
 *                                       retryable ApplicationFailure of type 'InjectedFault'; the injected failures
 *                                       alternate between "before" (the activity does not run) and "after" (it ran,
 *                                       its store writes are done, its result is dropped), so retries must be idempotent
 *   SIGMAP_FAULT_THROW_ACTIVITIES=a,b   restrict the injected failures to these activity types (default: all)
 *   SIGMAP_FAULT_DELAY_MS=type:ms,...   the first attempt of every call of these activity types waits ms before it
 *                                       runs (traced as started), so a test can kill the worker inside an activity that
 *                                       would otherwise end within milliseconds (e.g. proposeBatch on a small scan)
 *
 * Nothing here changes an activity's result: a traced or non-injected call returns exactly what the activity returns.
 */
const FAULT_TRACE_PREFIX = 'sigmap-fault ';

export interface FaultTraceEvent {
  event: 'start' | 'heartbeat' | 'end' | 'fail';
  type: string;
  attempt: number;
  activityId: string;
  workflowId: string | null;
  runId: string | null;
  /** 1-based count of calls of this activity type in this process. */
  call: number;
  /** 'before' | 'after' when this call's failure was injected. */
  injected?: 'before' | 'after';
  message?: string;
  /** Heartbeat details (JSON, cut at 300 characters). */
  details?: string;
  ms: number;
}

export interface FaultConfig {
  trace: boolean;
  throwEvery: number;
  throwActivities: Set<string> | null;
  /** Activity type -> delay (ms) before its first attempt runs. */
  delays: Map<string, number>;
}

export function faultConfig(env: NodeJS.ProcessEnv = process.env): FaultConfig | null {
  const trace = env.SIGMAP_FAULT_TRACE === '1';
  const raw = env.SIGMAP_FAULT_THROW_EVERY?.trim();
  let throwEvery = 0;
  if (raw) {
    throwEvery = Number(raw);
    if (!Number.isInteger(throwEvery) || throwEvery < 2) throw new InputError('SIGMAP_FAULT_THROW_EVERY', `expected an integer >= 2, got '${raw}'`);
  }
  const only = env.SIGMAP_FAULT_THROW_ACTIVITIES?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const delays = new Map<string, number>();
  for (const item of env.SIGMAP_FAULT_DELAY_MS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean) ?? []) {
    const m = /^([A-Za-z]+):(\d+)$/.exec(item);
    if (!m) throw new InputError('SIGMAP_FAULT_DELAY_MS', `expected activityType:milliseconds[,...], got '${item}'`);
    delays.set(m[1], Number(m[2]));
  }
  if (!trace && throwEvery === 0 && delays.size === 0) return null;
  return { trace, throwEvery, throwActivities: only?.length ? new Set(only) : null, delays };
}

/** Per-process call counters (one worker process serves several task queues, each a Temporal Worker). */
const calls = new Map<string, number>();
let injectedSoFar = 0;

/** The activity interceptors the fault environment asks for; [] when none is set (the normal case). */
export function faultInterceptors(
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
): ActivityInterceptorsFactory[] {
  const cfg = faultConfig(env);
  if (!cfg) return [];
  const emit = (e: FaultTraceEvent) => {
    if (cfg.trace) out(FAULT_TRACE_PREFIX + JSON.stringify(e));
  };
  const factory: ActivityInterceptorsFactory = (ctx: Context) => ({
    inbound: {
      async execute(input, next) {
        const info = ctx.info;
        const type = info.activityType;
        const call = (calls.get(type) ?? 0) + 1;
        calls.set(type, call);
        const base = {
          type,
          attempt: info.attempt,
          activityId: info.activityId,
          workflowId: info.workflowExecution?.workflowId ?? null,
          runId: info.workflowExecution?.runId ?? null,
          call,
        };
        const inject = cfg.throwEvery > 0 && call % cfg.throwEvery === 0 && (!cfg.throwActivities || cfg.throwActivities.has(type));
        const when = inject ? (injectedSoFar++ % 2 === 0 ? 'before' : 'after') : undefined;
        const fault = () =>
          ApplicationFailure.retryable(`injected fault: call ${call} of ${type} fails (every ${cfg.throwEvery}th, ${when} the activity ran)`, 'InjectedFault');
        emit({ event: 'start', ...base, ms: Date.now() });
        if (cfg.trace) {
          // Context.heartbeat is an instance field: wrap it for this execution so progress shows in the trace
          const beat = ctx.heartbeat;
          Object.defineProperty(ctx, 'heartbeat', {
            value: (d?: unknown) => {
              emit({ event: 'heartbeat', ...base, details: JSON.stringify(d ?? null).slice(0, 300), ms: Date.now() });
              beat(d);
            },
          });
        }
        try {
          const delay = info.attempt === 1 ? cfg.delays.get(type) : undefined;
          if (delay) await new Promise((r) => setTimeout(r, delay));
          if (when === 'before') throw fault();
          const result = await next(input);
          if (when === 'after') throw fault();
          emit({ event: 'end', ...base, ms: Date.now() });
          return result;
        } catch (e) {
          emit({ event: 'fail', ...base, ...(when ? { injected: when } : {}), message: (e as Error)?.message ?? String(e), ms: Date.now() });
          throw e;
        }
      },
    },
  });
  return [factory];
}

/** Parses one output line of a traced worker; null for any other line. */
export function parseFaultTrace(line: string): FaultTraceEvent | null {
  if (!line.startsWith(FAULT_TRACE_PREFIX)) return null;
  try {
    return JSON.parse(line.slice(FAULT_TRACE_PREFIX.length)) as FaultTraceEvent;
  } catch {
    return null;
  }
}
