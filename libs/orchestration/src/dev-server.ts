import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
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

/** True when a TCP listener can bind host:port right now. */
function canBind(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, host, () => srv.close(() => res(true)));
  });
}

/**
 * A free TCP port on 127.0.0.1 (for tests: several dev servers side by side). Drawn at random from 20000-32767,
 * below Linux's ephemeral range (32768-60999): the dev server picks its own HTTP and metrics ports there (bind to
 * port 0), so a port handed out here cannot be taken by another test's server between this call and its bind.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12768);
    if ((await canBind(port)) && !(await portAnswers(port, '127.0.0.1', 200))) return port;
  }
  throw new Error('no free TCP port found in 20000-32767 after 200 tries');
}

export interface DevServerOptions {
  /** SQLite file holding the server's state; default `${SIGMAP_HOME}/temporal/dev.sqlite`. */
  dbFile?: string;
  /** gRPC frontend port; default SIGMAP_TEMPORAL_PORT or 7233. */
  port?: number;
  /** Web UI port, or 'headless' (default headless for tests, UI at port+1000 otherwise). */
  uiPort?: number | 'headless';
  /** HTTP API port; default: the CLI picks a random free one. */
  httpPort?: number;
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
  const args = ['server', 'start-dev', '--db-filename', dbFile, '--port', String(port), '--ip', '127.0.0.1', '--log-level', 'warn'];
  if (o.uiPort === 'headless' || o.uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(o.uiPort));
  if (o.httpPort !== undefined) args.push('--http-port', String(o.httpPort));
  // The CLI binds its HTTP API and metrics ports to random free ports, which a server starting beside it can take
  // first ("address already in use"): such a start is retried, a few times, on the same gRPC port.
  const attempts = 4;
  for (let attempt = 1; ; attempt++) {
    const logStart = existsSync(logFile) ? statSync(logFile).size : 0;
    try {
      return await spawnDevServer(o, bin, args, port, dbFile, logFile);
    } catch (e) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(logStart) : '';
      if (attempt >= attempts || !(e instanceof DevServerExited) || !/address already in use/.test(log)) throw e;
      await new Promise((r) => setTimeout(r, 250 * attempt));
    }
  }
}

class DevServerExited extends Error {}

async function spawnDevServer(o: DevServerOptions, bin: string, args: string[], port: number, dbFile: string, logFile: string): Promise<DevServer> {
  const out = openSync(logFile, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', out, out], detached: false });
  closeSync(out);
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  const deadline = Date.now() + (o.startTimeoutMs ?? 60_000);
  while (!(await portAnswers(port))) {
    if (exited !== null) throw new DevServerExited(`temporal dev server exited with code ${exited} (log: ${logFile})`);
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
