import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The Temporal CLI binary (infra/temporal/install.sh puts it in ~/.cache/sigmap/bin). */
export function temporalBin(env: NodeJS.ProcessEnv = process.env): string {
  return env.SIGMAP_TEMPORAL_BIN ?? join(env.SIGMAP_CACHE ?? join(homedir(), '.cache', 'sigmap'), 'bin', 'temporal');
}

export function sigmapHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SIGMAP_HOME ?? '.sigmap');
}

/** True when something accepts TCP connections on host:port within timeoutMs. */
export function portAnswers(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((res) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      res(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('error', () => done(false));
    s.connect(port, host, () => done(true));
  });
}

/** A free TCP port on 127.0.0.1 (for tests: several dev servers side by side). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

export interface DevServerOptions {
  /** SQLite file holding the server's state; default `${SIGMAP_HOME}/temporal/dev.sqlite`. */
  dbFile?: string;
  /** gRPC frontend port; default SIGMAP_TEMPORAL_PORT or 7233. */
  port?: number;
  /** Web UI port, or 'headless' (default headless for tests, UI at port+1000 otherwise). */
  uiPort?: number | 'headless';
  /** Server log file; default beside the SQLite file. */
  logFile?: string;
  startTimeoutMs?: number;
  bin?: string;
}

export interface DevServer {
  address: string;
  port: number;
  dbFile: string;
  /** The child process we started, or null when an already-running server on the port was reused. */
  process: ChildProcess | null;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `temporal server start-dev --db-filename FILE` as a child process and waits until its port answers. */
export async function startDevServer(o: DevServerOptions = {}): Promise<DevServer> {
  const port = o.port ?? Number(process.env.SIGMAP_TEMPORAL_PORT ?? 7233);
  const dbFile = resolve(o.dbFile ?? join(sigmapHome(), 'temporal', 'dev.sqlite'));
  const bin = o.bin ?? temporalBin();
  if (!existsSync(bin)) throw new Error(`Temporal CLI not found at ${bin}: run bash infra/temporal/install.sh (or set SIGMAP_TEMPORAL_BIN)`);
  mkdirSync(dirname(dbFile), { recursive: true });
  const logFile = o.logFile ?? `${dbFile}.log`;
  const out = openSync(logFile, 'a');
  const args = ['server', 'start-dev', '--db-filename', dbFile, '--port', String(port), '--ip', '127.0.0.1', '--log-level', 'warn'];
  if (o.uiPort === 'headless' || o.uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(o.uiPort));
  const child = spawn(bin, args, { stdio: ['ignore', out, out], detached: false });
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  const deadline = Date.now() + (o.startTimeoutMs ?? 60_000);
  while (!(await portAnswers(port))) {
    if (exited !== null) throw new Error(`temporal dev server exited with code ${exited} (log: ${logFile})`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`temporal dev server did not answer on port ${port} (log: ${logFile})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    address: `127.0.0.1:${port}`,
    port,
    dbFile,
    process: child,
    stop: (signal: NodeJS.Signals = 'SIGTERM') =>
      new Promise<void>((res) => {
        if (exited !== null) return res();
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(t);
          res();
        });
        child.kill(signal);
      }),
  };
}

/** Reuses a dev server already answering on the port (e.g. infra/temporal/dev-server.sh start), else starts one. */
export async function ensureDevServer(o: DevServerOptions = {}): Promise<DevServer> {
  const port = o.port ?? Number(process.env.SIGMAP_TEMPORAL_PORT ?? 7233);
  if (await portAnswers(port)) {
    return { address: `127.0.0.1:${port}`, port, dbFile: o.dbFile ?? '(running server)', process: null, stop: async () => undefined };
  }
  return startDevServer({ ...o, port });
}
