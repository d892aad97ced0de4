/**
 * The Python driver (python/sigmap_pythia.py) as an async stream of EventRecord batches. Frames on its stdout: uint32
 * length (LE), JSON header, header.bytes of float64 rows (COLUMNS). Killed when the caller's AbortSignal fires or the
 * consumer stops early.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '@sigmap/contracts';
import { EventRecord } from '@sigmap/physics';

const DRIVER = resolve(__dirname, '../python/sigmap_pythia.py');
const COLUMNS = ['event', 'pdg', 'px', 'py', 'pz', 'E', 'm', 'charge', 'mother', 'final', 'label', 'origin'] as const;
const NCOL = COLUMNS.length;
const LABELS: Record<number, string | undefined> = { 0: undefined, 1: 'tauh', 2: 'fromTau', 3: 'light' };

/** The virtualenv's python (`infra/pyhf/install.sh` makes it; SIGMAP_PYHF_PYTHON overrides). */
export function generatorPython(): string {
  return process.env.SIGMAP_PYHF_PYTHON ?? join(homedir(), '.cache/sigmap/pyhf-venv/bin/python');
}

let checked: string | null = null;
/** Throws InputError when the python or its pythia8mc / pylhe / pyhepmc are missing. */
function checkGeneratorPython(): string {
  const py = generatorPython();
  if (checked === py) return py;
  if (!existsSync(py)) throw new InputError('generator', `no Python at ${py}: run 'bash infra/pyhf/install.sh' (or set SIGMAP_PYHF_PYTHON)`);
  const r = spawnSync(py, ['-c', 'import pythia8mc, pylhe, pyhepmc, awkward, numpy'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0)
    throw new InputError(
      'generator',
      `${py} lacks pythia8mc / pylhe / pyhepmc (${(r.stderr || r.error?.message || '').trim().split('\n').pop()}): run 'bash infra/pyhf/install.sh'`,
    );
  checked = py;
  return py;
}

export type DriverRequest =
  | { source: 'pythia'; settings: string[]; slha?: string; seed: number; events: number; batchSize: number; startBatch?: number }
  | { source: 'lhe'; file: string; settings: string[]; seed: number; events: number; batchSize: number; startBatch?: number }
  | { source: 'hepmc'; file: string; events: number; batchSize: number; startBatch?: number };

export interface DriverBatch {
  batch: number;
  start: number;
  events: EventRecord[];
  /** Pythia's sigmaGen of this batch alone (statistics reset per batch), pb; null for HepMC input. */
  sigmaPb: number | null;
  sigmaErrPb: number | null;
  /** Raw rows (for benchmarks: bytes moved). */
  rows: number;
}

export interface DriverInfo {
  generator?: string;
  /** LHE input: events in the file and the <init> block's cross section. */
  eventsInFile?: number;
  xsecPb?: number;
  xsecErrPb?: number;
}

/** PDG id (and charge for hadrons) -> sigmap's particle kind. */
function kindOf(pdg: number, charge: number): string {
  const a = Math.abs(pdg);
  if (a === 11) return 'e';
  if (a === 13) return 'mu';
  if (a === 15) return 'tau';
  if (a === 12 || a === 14 || a === 16) return 'nu';
  if (a === 22) return 'gamma';
  if (a === 21) return 'g';
  if (a === 5) return 'b';
  if (a === 4) return 'c';
  if (a >= 1 && a <= 3) return 'q';
  if (a === 6) return 't';
  if (a === 24) return 'W';
  if (a === 23) return 'Z';
  if (a === 25) return 'H';
  // Stable neutral BSM states (neutralino, gravitino) escape the detector.
  if (a > 1_000_000 && charge === 0) return 'lsp';
  return charge !== 0 ? 'hadron' : 'hadron0';
}

/** Rows of one batch -> one EventRecord per event (events without rows stay empty records). */
function decodeRows(rows: Float64Array, nEvents: number): EventRecord[] {
  const out = Array.from({ length: nEvents }, () => new EventRecord());
  for (let r = 0; r < rows.length; r += NCOL) {
    const ev = out[rows[r]];
    const pdg = rows[r + 1];
    const charge = rows[r + 7];
    const kind = kindOf(pdg, charge);
    const final = rows[r + 9] === 1;
    ev.add({
      kind,
      charge,
      p: { px: rows[r + 2], py: rows[r + 3], pz: rows[r + 4], E: rows[r + 5] },
      m: rows[r + 6],
      mother: rows[r + 8],
      final,
      label: LABELS[rows[r + 10]],
      origin: rows[r + 11] >= 0 ? rows[r + 11] : undefined,
    });
  }
  return out;
}

/** Runs the driver; yields its batches in order. Errors it reports become InputError(field, problem). */
export async function* driverBatches(
  req: DriverRequest,
  opts: { signal?: AbortSignal; onInfo?: (info: DriverInfo) => void } = {},
): AsyncGenerator<DriverBatch> {
  const py = checkGeneratorPython();
  const child: ChildProcess = spawn(py, [DRIVER], { stdio: ['pipe', 'pipe', 'pipe'] });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  opts.signal?.addEventListener('abort', kill, { once: true });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  child.stdin!.end(JSON.stringify(req));
  let buf: Buffer = Buffer.alloc(0);
  let ended = false;
  try {
    for await (const chunk of child.stdout! as AsyncIterable<Buffer>) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (buf.length < 4) break;
        const hl = buf.readUInt32LE(0);
        if (buf.length < 4 + hl) break;
        const h = JSON.parse(buf.subarray(4, 4 + hl).toString('utf8')) as Record<string, unknown> & { type: string; bytes: number };
        if (buf.length < 4 + hl + h.bytes) break;
        const payload = buf.subarray(4 + hl, 4 + hl + h.bytes);
        buf = buf.subarray(4 + hl + h.bytes);
        if (h.type === 'error') throw new InputError(String(h.field), String(h.problem));
        if (h.type === 'init' || h.type === 'lhe') opts.onInfo?.(h as DriverInfo);
        if (h.type === 'end') {
          ended = true;
          opts.onInfo?.(h as DriverInfo);
        }
        if (h.type === 'batch') {
          // copy: Float64Array needs 8-byte alignment, the Buffer slice has none
          const rows = new Float64Array(h.bytes / 8);
          new Uint8Array(rows.buffer).set(payload);
          yield {
            batch: h.batch as number,
            start: h.start as number,
            events: decodeRows(rows, h.events as number),
            sigmaPb: (h.sigmaPb as number | null) ?? null,
            sigmaErrPb: (h.sigmaErrPb as number | null) ?? null,
            rows: h.rows as number,
          };
        }
      }
    }
    const code = await exited;
    if (opts.signal?.aborted) throw new InputError('generator', 'cancelled');
    if (!ended)
      throw new InputError('generator', `the generator process ended early (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ') || 'no message'}`);
  } finally {
    kill();
    opts.signal?.removeEventListener('abort', kill);
  }
}
