/**
 * Test harness for the API e2e suites: runs the real `sigmap serve` (child process, SWC-compiled Nest app, PGlite
 * store, embedded Temporal dev server + in-process workers) on loopback, in a temporary SIGMAP_HOME and on a free
 * Temporal port, so suites never share state with each other or with a developer's server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@sigmap/orchestration';

export const REPO = resolve(__dirname, '..', '..');
const BIN = join(REPO, 'apps', 'cli', 'bin', 'sigmap.js');

export interface Served {
  url: string;
  home: string;
  /** The `sigmap serve` launcher (fault tests kill it; the API process it started goes with it). */
  proc: ChildProcess;
  /** The API process's pid (the one holding SIGMAP_HOME's store lock), from its listening line. */
  apiPid: number;
  keys: Record<string, string>;
  log: () => string;
  stop(): Promise<void>;
}

/**
 * Creates one API key per group with `sigmap serve --add-key`, then starts `sigmap serve --port 0`. With `home`, the
 * server runs in that SIGMAP_HOME (a restart on an existing store and key file) and `stop()` leaves it in place.
 */
export async function serve(o: { groups?: string[]; args?: string[]; env?: Record<string, string>; timeoutMs?: number; home?: string } = {}): Promise<Served> {
  const home = o.home ?? mkdtempSync(join(tmpdir(), 'sigmap-api-'));
  const env: NodeJS.ProcessEnv = { ...process.env, SIGMAP_HOME: home, SIGMAP_TEMPORAL_PORT: String(await freePort()), ...o.env };
  delete env.TEMPORAL_ADDRESS;
  delete env.DATABASE_URL;
  const keys: Record<string, string> = {};
  for (const g of o.groups ?? []) {
    const r = spawnSync(process.execPath, [BIN, 'serve', '--add-key', g], { env, encoding: 'utf8', cwd: REPO });
    if (r.status !== 0) throw new Error(`--add-key ${g} failed: ${r.stderr}`);
    keys[g] = r.stdout.trim();
  }
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...(o.args ?? [])], { env, cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let apiPid = 0;
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((res, rej) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`sigmap serve did not start in time:\n${out}`));
    }, o.timeoutMs ?? 150_000);
    const check = () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+).* pid=(\d+)/.exec(out);
      if (m) {
        apiPid = Number(m[2]);
        clearTimeout(t);
        res(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(t);
      rej(new Error(`sigmap serve exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    home,
    proc: child,
    apiPid,
    keys,
    log: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(t);
      }
      if (!o.home) rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Untyped JSON as the tests read it (assertions check the shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Reply<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = Json>(base: string, method: string, path: string, o: { key?: string; body?: unknown; raw?: string } = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  if (o.key) headers['x-api-key'] = o.key;
  let body: string | undefined;
  if (o.raw !== undefined) body = o.raw;
  else if (o.body !== undefined) body = JSON.stringify(o.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(base + path, { method, headers, body });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: r.status, body: parsed as T, headers: r.headers };
}

interface SseEvent {
  event: string;
  data: Json;
}

/** Reads a server-sent-event stream until it ends (or timeoutMs), returning its events. */
export async function readSse(url: string, key?: string, timeoutMs = 120_000): Promise<{ status: number; events: SseEvent[] }> {
  const ctrl = new AbortController();
  const t = setTimeout(() => ctrl.abort(), timeoutMs);
  const r = await fetch(url, { headers: key ? { 'x-api-key': key, accept: 'text/event-stream' } : { accept: 'text/event-stream' }, signal: ctrl.signal });
  const events: SseEvent[] = [];
  if (r.status !== 200 || !r.body) {
    clearTimeout(t);
    return { status: r.status, events };
  }
  const decoder = new TextDecoder();
  let buf = '';
  try {
    for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).trim());
        }
        if (data.length) events.push({ event, data: JSON.parse(data.join('\n')) });
      }
    }
  } finally {
    clearTimeout(t);
  }
  return { status: r.status, events };
}

export async function waitFor<T>(fn: () => Promise<T>, ok: (x: T) => boolean, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const x = await fn();
    if (ok(x)) return x;
    if (performance.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last value ${JSON.stringify(x).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A small valid scan body of the analytic excursion family (API tests and the DTO fuzz suite start from it). */
export const excursion = (over: Record<string, unknown> = {}) => ({
  name: 'exc',
  family: 'excursion-fast2d',
  parameters: { x: { min: 0, max: 1.5, scale: 'linear' }, y: { min: 0, max: 1.5, scale: 'linear' } },
  searches: ['excursion-fast2d'],
  fidelity: { default: 'lookup' },
  mode: 'continuous',
  batchSize: 5,
  budget: 40,
  initialPoints: 10,
  target: 0.01,
  seed: 3,
  ...over,
});
