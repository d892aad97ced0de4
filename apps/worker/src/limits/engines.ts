import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** CLs at mu = 1 for one published signal patch of one region of a full-likelihood archive. */
export interface PatchHypotest {
  readonly name: string;
  hypotest(req: { archive: string; region: string; patch: string }): Promise<{ clsObs: number; clsExp: number[] }>;
  close(): Promise<void>;
}

/** The in-process HistFactory engine ('@sigmap/stats'); SIGMAP_LIMIT_ENGINE=pyhf selects the pyhf peer instead. */
export function useStatsLib(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SIGMAP_LIMIT_ENGINE !== 'pyhf';
}

/** The pyhf peer (infra/pyhf/install.sh) as a long-lived child process, one request at a time. */
export class PyhfProcess implements PatchHypotest {
  readonly name = 'pyhf';
  private proc: ChildProcessWithoutNullStreams | null = null;
  private next = 1;
  private waiting = new Map<number, { resolve: (v: { clsObs: number; clsExp: number[] }) => void; reject: (e: Error) => void }>();
  private chain: Promise<unknown> = Promise.resolve();

  static python(env: NodeJS.ProcessEnv = process.env): string {
    return env.SIGMAP_PYHF_PYTHON ?? join(env.SIGMAP_CACHE ?? join(homedir(), '.cache', 'sigmap'), 'pyhf-venv', 'bin', 'python');
  }

  static available(env: NodeJS.ProcessEnv = process.env): boolean {
    return existsSync(PyhfProcess.python(env));
  }

  private start() {
    // one BLAS thread per process: the pool of processes is the parallelism (oversubscription slows numpy badly)
    const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    const proc = spawn(PyhfProcess.python(), [join(__dirname, 'pyhf_server.py')], { stdio: ['pipe', 'pipe', 'pipe'], env });
    proc.stderr.on('data', () => undefined);
    createInterface({ input: proc.stdout }).on('line', (line) => {
      const msg = JSON.parse(line) as { id: number; clsObs?: number; clsExp?: number[]; error?: string };
      const w = this.waiting.get(msg.id);
      if (!w) return;
      this.waiting.delete(msg.id);
      if (msg.error) w.reject(new Error(`pyhf: ${msg.error}`));
      else w.resolve({ clsObs: msg.clsObs!, clsExp: msg.clsExp! });
    });
    proc.on('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`pyhf process exited (${code})`));
      this.waiting.clear();
      this.proc = null;
    });
    this.proc = proc;
    return proc;
  }

  hypotest(req: { archive: string; region: string; patch: string }): Promise<{ clsObs: number; clsExp: number[] }> {
    const run = () =>
      new Promise<{ clsObs: number; clsExp: number[] }>((resolve, reject) => {
        const proc = this.proc ?? this.start();
        const id = this.next++;
        this.waiting.set(id, { resolve, reject });
        proc.stdin.write(JSON.stringify({ id, ...req }) + '\n');
      });
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  async close() {
    this.proc?.stdin.end();
    this.proc = null;
  }
}

/** A pool of engines so N concurrent limit activities compute in parallel. */
export class EnginePool implements PatchHypotest {
  private i = 0;
  constructor(private readonly engines: PatchHypotest[]) {}
  get name() {
    return this.engines[0]?.name ?? 'none';
  }
  hypotest(req: { archive: string; region: string; patch: string }) {
    const e = this.engines[this.i++ % this.engines.length];
    return e.hypotest(req);
  }
  async close() {
    await Promise.all(this.engines.map((e) => e.close()));
  }
}
