/**
 * The ATLAS SUSY-2018-31 sbottom points and the pyhf peer, shared by the sbottom cross-check (this folder) and
 * `sigmap bench cls` (apps/cli/src/bench/cls.ts) and test/validation share it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@sigmap/contracts';
import { readPatchArchive, type ArchiveRegion } from '@sigmap/catalogue';
import { applyJsonPatch, buildModel, observedData, parseWorkspace, type HistFactoryModel } from '@sigmap/stats';

/** ATLAS SUSY-2018-31 sbottom likelihoods (HEPData 10.17182/hepdata.89408.v3/r2), see ../shared/data/README.md. */
const SBOTTOM_ARCHIVE = join(__dirname, '../../../../shared/data/atlas_sbottom_ins1748602/pyhf-ins1748602-probability-models.tar.gz');

export interface SbottomPoint {
  region: string;
  name: string;
  patch: unknown[];
}

/** `perRegion` patches from each region, evenly spaced over the name-sorted list (deterministic). */
export function sbottomPoints(perRegion: number, archivePath = SBOTTOM_ARCHIVE): { regions: ArchiveRegion[]; points: SbottomPoint[] } {
  const regions = readPatchArchive(readFileSync(archivePath), archivePath);
  const points: SbottomPoint[] = [];
  for (const r of regions) {
    const n = r.patches.length;
    const k = Math.min(perRegion, n);
    for (let i = 0; i < k; i++) {
      const p = r.patches[k === 1 ? 0 : Math.round((i * (n - 1)) / (k - 1))];
      points.push({ region: r.region, name: p.name, patch: p.patch });
    }
  }
  return { regions, points };
}

/** The sbottom settings (normsys code4, histosys code4p; q~_mu at mu = 1) as a sigmap model and observed data. */
export function sbottomModel(bkgOnly: unknown, patch: unknown[]): { model: HistFactoryModel; data: Float64Array } {
  const ws = parseWorkspace(applyJsonPatch(bkgOnly, patch));
  const model = buildModel(ws, { normsysInterp: 'code4', histosysInterp: 'code4p' });
  return { model, data: observedData(ws, model) };
}

export function pyhfPython(): string {
  return process.env.SIGMAP_PYHF_PYTHON ?? join(homedir(), '.cache/sigmap/pyhf-venv/bin/python');
}

export interface PeerOutput {
  pyhf_version: string;
  results: {
    CLs_obs: number | null;
    CLs_exp: (number | null)[];
    twice_nll: Record<'freeData' | 'fixedData' | 'asimov' | 'freeAsimov' | 'fixedAsimov', number | null>;
  }[];
  seconds: number;
  hypotests: number;
}

/** Runs libs/peers/python/pyhf_hypotest.py once for all points (one python process, one core). */
export function runPyhfPeer(regions: ArchiveRegion[], points: SbottomPoint[], opts: { repeat?: number; tolerance?: number | null } = {}): PeerOutput {
  const used = new Set(points.map((p) => p.region));
  return runPeerJobs(
    Object.fromEntries(regions.filter((r) => used.has(r.region)).map((r) => [r.region, r.bkgOnly])),
    points.map((p) => ({ workspace: p.region, patch: p.patch, poi_test: 1.0, test_stat: 'qtilde', normsys: 'code4', histosys: 'code4p' })),
    opts,
  );
}

export interface PeerJob {
  workspace: string;
  patch: unknown[] | null;
  poi_test: number;
  test_stat: string;
  normsys: string;
  histosys: string;
}

/** Runs pyhf hypotests for arbitrary jobs in one python process (OMP/BLAS threads = 1); see libs/peers/python/pyhf_hypotest.py. */
export function runPeerJobs(workspaces: Record<string, unknown>, jobs: PeerJob[], opts: { repeat?: number; tolerance?: number | null } = {}): PeerOutput {
  const python = pyhfPython();
  if (!existsSync(python)) throw new InputError('pyhf', `no pyhf python at ${python}: run 'bash infra/pyhf/install.sh' or set SIGMAP_PYHF_PYTHON`);
  const script = join(__dirname, '../python/pyhf_hypotest.py');
  const request = { workspaces, jobs, tolerance: opts.tolerance ?? null, repeat: opts.repeat ?? 1 };
  const single = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', NUMEXPR_NUM_THREADS: '1', VECLIB_MAXIMUM_THREADS: '1' };
  const res = spawnSync(python, [script], { input: JSON.stringify(request), env: { ...process.env, ...single }, maxBuffer: 1 << 28, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`pyhf peer failed (exit ${res.status}): ${res.stderr?.slice(-2000)}`);
  return JSON.parse(res.stdout) as PeerOutput;
}
