import { Inject, Injectable, OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { API_OPTIONS } from '../common/tokens';
import type { ApiOptions } from '../config';

/**
 * The longest a request waits for Temporal (connecting, or one call on the connection) before it answers 503.
 * Every route that needs Temporal answers 503 within this while Temporal is unreachable (down at start, or gone after
 * the connection was made), instead of hanging on the client's retries or answering 500.
 */
const TEMPORAL_TIMEOUT_MS = 3000;

/** A call unanswered this long is raced against a probe of PROBE_MS (so a 503 comes by TEMPORAL_TIMEOUT_MS). */
const PROBE_AFTER_MS = 1500;
const PROBE_MS = 1000;
/** The longest one call (query, signal, update, start) may take while Temporal does answer. */
const CALL_DEADLINE_MS = 20_000;

/** gRPC status codes that mean "Temporal did not answer": UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED (our deadline). */
const UNREACHABLE_CODES = new Set([14, 4, 1]);

function grpcCode(e: unknown): number | null {
  for (let x = e, depth = 0; x && typeof x === 'object' && depth < 5; x = (x as { cause?: unknown }).cause, depth++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return null;
}

/** The API's Temporal client (DESIGN.md: the API is a Temporal client only). Connects on first use. */
@Injectable()
export class TemporalService implements OnModuleDestroy {
  private connection: Promise<Connection> | null = null;
  private client: Client | null = null;

  constructor(@Inject(API_OPTIONS) private readonly options: ApiOptions) {}

  private unreachable(detail: string): ServiceUnavailableException {
    return new ServiceUnavailableException(`temporal: not reachable at ${this.options.temporalAddress} (${detail.split('\n')[0]})`);
  }

  /** Rejects with 503 once `ms` have passed (the underlying work is cut by its own deadline or left to fail). */
  private within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(this.unreachable(`no answer to ${what} within ${ms / 1000} s`)), ms);
    });
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }

  /** The client, connecting on first use; 503 when Temporal does not answer within TEMPORAL_TIMEOUT_MS. */
  async get(): Promise<Client> {
    if (this.client) return this.client;
    this.connection ??= Connection.connect({ address: this.options.temporalAddress, connectTimeout: TEMPORAL_TIMEOUT_MS });
    const pending = this.connection;
    try {
      const connection = await this.within(pending, TEMPORAL_TIMEOUT_MS, 'connect');
      this.client ??= new Client({ connection, namespace: this.options.temporalNamespace });
      return this.client;
    } catch (e) {
      // the next request tries again (a late connection that does succeed is closed, not leaked)
      if (this.connection === pending) this.connection = null;
      void pending.then((c) => (this.client?.connection === c ? undefined : c.close())).catch(() => undefined);
      if (e instanceof ServiceUnavailableException) throw e;
      throw this.unreachable((e as Error).message);
    }
  }

  /** True when Temporal answers a trivial call (GetSystemInfo) within PROBE_MS. */
  private async answers(client: Client): Promise<boolean> {
    try {
      await this.within(
        client.connection.withDeadline(Date.now() + PROBE_MS, () => client.workflowService.getSystemInfo({})),
        PROBE_MS,
        'a probe',
      );
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Runs fn against the client. Temporal unreachable (down at start, or gone after the connection was made, when the
   * client would retry for 20 s and more) is a 503 within TEMPORAL_TIMEOUT_MS: a call still unanswered after
   * PROBE_AFTER_MS is raced against a probe, and a failed probe answers 503. A call that is only slow (a query
   * replaying a long history) while Temporal answers the probe may take up to CALL_DEADLINE_MS. Other errors
   * (WorkflowNotFoundError, a failed update) reach the caller as they are.
   */
  async call<T>(what: string, fn: (client: Client) => Promise<T>): Promise<T> {
    const t0 = Date.now();
    const client = await this.get();
    const work = client.connection.withDeadline(Date.now() + CALL_DEADLINE_MS, () => fn(client));
    let timer: NodeJS.Timeout | undefined;
    const probed = new Promise<never>((_, rej) => {
      timer = setTimeout(
        () =>
          void this.answers(client).then((ok) => {
            if (!ok) rej(this.unreachable(`no answer to ${what} and to a probe within ${TEMPORAL_TIMEOUT_MS / 1000} s`));
          }),
        Math.max(0, PROBE_AFTER_MS - (Date.now() - t0)),
      );
    });
    try {
      return await this.within(Promise.race([work, probed]), CALL_DEADLINE_MS, what);
    } catch (e) {
      if (e instanceof ServiceUnavailableException) throw e;
      const code = grpcCode(e);
      if (code !== null && UNREACHABLE_CODES.has(code)) throw this.unreachable(`${what}: ${(e as Error).message}`);
      throw e;
    } finally {
      clearTimeout(timer);
      work.catch(() => undefined); // answered 503 first: its own later failure is not an unhandled rejection
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.connection) await (await this.connection.catch(() => null))?.close();
  }
}
