import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, homedir, loadavg } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@sigmap/contracts';
import { createActiveLearner } from '@sigmap/gp';
import { integerOption, parseCli } from '../args';
import type { CliCommand } from '../command';
import { formatTable, writeJsonFile } from '../output';

// excursion's fast_2D_truth (diana-hep/excursion; ../shared/data/excursion/excursion_testcases.json)
const stats = (n: number) => (1 - Math.tanh(n - 5)) / 2;
function truth(x: number, y: number): number {
  const xsec = 12 * Math.exp(-x / 2) + 0.1 * Math.cos(10 * y + 1) + 0.2 * Math.cos(15 * x);
  const eff = Math.tanh(1.3 * x - y + 1);
  return 3 * (Math.log(stats(xsec * eff)) - Math.log(0.05));
}

interface Row {
  n: number;
  candidates: number;
  batch: number;
  /** warm-started refit (L-BFGS from the previous hyperparameters) + acquisition + batch: median CPU ms of this process */
  round_cpu_ms: number;
  /** the same, wall-clock ms (inflated when other processes share the cores) */
  round_wall_ms: number;
  /** the same round with the warm refit on all n observations instead of a strided subset of 250, CPU ms */
  full_data_round_cpu_ms: number;
  /** the same round with a multi-start refit (warm start + 3 random starts), CPU ms */
  restart_round_cpu_ms: number;
  /** hyperparameters kept: Cholesky extended by the new batch + acquisition + batch, median CPU ms */
  incremental_round_cpu_ms: number;
  /** candidates that needed an exact posterior variance (the rest pruned by a bound) */
  exact_candidates: number;
  /** scikit-learn, same round, CPU ms (process_time, one BLAS thread) */
  sklearn_round_ms?: number | null;
}

function points(rng: ReturnType<typeof createRng>, n: number): number[][] {
  return Array.from({ length: n }, () => [1.5 * rng.uniform(), 1.5 * rng.uniform()]);
}

function median(xs: number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

function measure(n: number, m: number, q: number, reps: number): Row {
  const rng = createRng(n);
  const cand = points(rng, m);
  const axes = [
    { name: 'x', lower: 0, upper: 1.5 },
    { name: 'y', lower: 0, upper: 1.5 },
  ];
  const mk = (refitEvery: number, hyperMaxPoints = 250) => {
    const l = createActiveLearner({ axes, objectives: [{ name: 'truth', threshold: 0 }], seed: 1, refitEvery, restartGrowth: 1e9, hyperMaxPoints });
    const X = points(createRng(1000 + n), n - q);
    l.observe(
      X,
      X.map((p) => [truth(p[0], p[1])]),
    );
    return l;
  };
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const timeRound = (l: ReturnType<typeof mk>, k: number) => {
    const X = points(createRng(2000 + n + k), q);
    l.observe(
      X,
      X.map((p) => [truth(p[0], p[1])]),
    );
    const c = cpu();
    const t = performance.now();
    l.proposeBatch(q, [], { candidates: cand });
    return { wall: performance.now() - t, cpu: cpu() - c };
  };
  // first proposal: multi-start fit from the default hyperparameters (restartGrowth 1e9: later refits warm-start only)
  const warm = mk(1);
  const c0 = cpu();
  warm.proposeBatch(q, [], { candidates: cand });
  const restart = cpu() - c0;
  const rounds = Array.from({ length: reps }, (_, k) => timeRound(warm, k));
  const full = mk(1, Infinity);
  full.proposeBatch(q, [], { candidates: cand });
  const fulls = Array.from({ length: reps }, (_, k) => timeRound(full, k));
  const inc = mk(1_000_000);
  inc.proposeBatch(q, [], { candidates: cand });
  const incs = Array.from({ length: reps }, (_, k) => timeRound(inc, k));
  return {
    n,
    candidates: m,
    batch: q,
    round_cpu_ms: median(rounds.map((r) => r.cpu)),
    round_wall_ms: median(rounds.map((r) => r.wall)),
    full_data_round_cpu_ms: median(fulls.map((r) => r.cpu)),
    restart_round_cpu_ms: restart,
    incremental_round_cpu_ms: median(incs.map((r) => r.cpu)),
    exact_candidates: warm.lastProposal.exactCount,
  };
}

/** scikit-learn's GaussianProcessRegressor at equal n: fit (L-BFGS-B, no restarts) + predict(return_std) on the candidates + kriging-believer batch (refit-free re-conditioning). */
const sklearnScript = `
import sys, time, json, numpy as np
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import Matern, ConstantKernel, WhiteKernel
def truth(x, y):
    st = lambda n: (1 - np.tanh(n - 5)) / 2
    xsec = 12*np.exp(-x/2) + 0.1*np.cos(10*y + 1) + 0.2*np.cos(15*x)
    eff = np.tanh(1.3*x - y + 1)
    return 3*(np.log(st(xsec*eff)) - np.log(0.05))
out = {}
for n in map(int, sys.argv[1].split(',')):
    m, q = int(sys.argv[2]), int(sys.argv[3])
    rs = np.random.RandomState(n)
    X = rs.uniform(0, 1, (n, 2)); y = truth(1.5*X[:,0], 1.5*X[:,1]); C = rs.uniform(0, 1, (m, 2))
    times = []
    for rep in range(int(sys.argv[4])):
        t = time.process_time()
        k = ConstantKernel(1.0) * Matern(length_scale=[0.3, 0.3], nu=2.5) + WhiteKernel(1e-6, (1e-8, 1))
        g = GaussianProcessRegressor(k, normalize_y=True, n_restarts_optimizer=0, random_state=rep).fit(X, y)
        Xb, yb = X, y
        for j in range(q):
            mu, sd = g.predict(C, return_std=True)
            a = int(np.argmax(1.96*sd - np.abs(mu)))
            Xb = np.vstack([Xb, C[a]]); yb = np.append(yb, mu[a])
            g = GaussianProcessRegressor(g.kernel_, normalize_y=True, optimizer=None).fit(Xb, yb)
        times.append(1000*(time.process_time() - t))
    out[n] = float(np.median(times))  # CPU time: process_time below
print(json.dumps(out))
`;

function runSklearn(ns: number[], m: number, q: number, reps: number): Record<string, number> | string {
  const py = process.env.SIGMAP_PYHF_PYTHON ?? join(homedir(), '.cache/sigmap/pyhf-venv/bin/python');
  if (!existsSync(py)) return `no python at ${py}`;
  const r = spawnSync(py, ['-c', sklearnScript, ns.join(','), String(m), String(q), String(reps)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
  });
  if (r.status !== 0) return (r.stderr || r.error?.message || 'failed').trim().split('\n').pop()!;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

export const bench: CliCommand = {
  summary: 'GP round time (refit + acquisition over 10^4 candidates + batch of 5) at n = 100..1000, vs scikit-learn',
  usage: `usage: sigmap bench gp [--sizes 100,200,500,1000] [--candidates 10000] [--batch 5] [--reps 3] [--no-sklearn] [--json FILE]
One active-learning round of the sigmap GP (Matern 5/2 ARD, MAP hyperparameters, straddle acquisition with
kriging-believer batches) on the excursion fast_2D truth, timed at each n:
  round       warm-started hyperparameter refit (MAP on a strided subset of <= 250 observations, then the
              full-n factorisation) + posterior/acquisition over the candidates + a batch of 5
  full-data   the same with the refit on all n observations
  restart     the same with a multi-start refit (warm start + 3 random starts)
  incremental hyperparameters kept: the Cholesky factor is extended by the new batch (no refit)
scikit-learn (GaussianProcessRegressor, one L-BFGS-B fit from defaults + predict(return_std) per batch pick)
runs in the same process tree with one BLAS thread when its python is found ($SIGMAP_PYHF_PYTHON or
~/.cache/sigmap/pyhf-venv/bin/python).`,
  async run(argv) {
    const { values: a } = parseCli(
      argv,
      {
        sizes: { type: 'string' },
        candidates: { type: 'string' },
        batch: { type: 'string' },
        reps: { type: 'string' },
        'no-sklearn': { type: 'boolean' },
        json: { type: 'string' },
      },
      false,
    );
    const sizes = (a.sizes ?? '100,200,500,1000').split(',').map((s) => integerOption('sizes', s.trim(), 0, 10));
    const m = integerOption('candidates', a.candidates, 10000);
    const q = integerOption('batch', a.batch, 5);
    const reps = integerOption('reps', a.reps, 3);
    const rows: Row[] = sizes.map((n) => measure(n, m, q, reps));
    let sklearnNote: string | null = null;
    if (!a['no-sklearn']) {
      const sk = runSklearn(sizes, m, q, Math.min(reps, 2));
      if (typeof sk === 'string') sklearnNote = `scikit-learn not run: ${sk}`;
      else for (const r of rows) r.sklearn_round_ms = sk[String(r.n)] ?? null;
    }
    const load = loadavg();
    process.stdout.write(
      `GP round, ${m} candidates, batch ${q}, median of ${reps}; CPU ms of this process (wall ms beside); node ${process.versions.node}, ${cpus().length} cores, load average ${load.map((x) => x.toFixed(1)).join(' ')}\n`,
    );
    process.stdout.write(
      formatTable(
        ['n', 'round cpu ms', 'round wall ms', 'full-data refit cpu ms', 'restart round cpu ms', 'incremental cpu ms', 'exact cands', 'sklearn cpu ms'],
        rows.map((r) => [
          r.n,
          r.round_cpu_ms,
          r.round_wall_ms,
          r.full_data_round_cpu_ms,
          r.restart_round_cpu_ms,
          r.incremental_round_cpu_ms,
          r.exact_candidates,
          r.sklearn_round_ms ?? '-',
        ]),
      ),
    );
    if (sklearnNote) process.stdout.write(sklearnNote + '\n');
    const at500 = rows.find((r) => r.n === 500);
    if (at500)
      process.stdout.write(
        `n = 500: round ${at500.round_cpu_ms.toFixed(0)} ms CPU (${at500.round_cpu_ms < 1000 ? 'under' : 'OVER'} the 1 s target), ${at500.round_wall_ms.toFixed(0)} ms wall at load ${load[0].toFixed(1)}\n`,
      );
    writeJsonFile(a.json ?? 'reports/bench/gp.json', {
      machine: { node: process.versions.node, cpus: cpus().length, loadavg: load },
      candidates: m,
      batch: q,
      reps,
      rows,
      sklearn: sklearnNote ?? 'ok (CPU time, one BLAS thread)',
    });
    return 0;
  },
};
