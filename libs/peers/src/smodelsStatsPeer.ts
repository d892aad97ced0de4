import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@sigmap/contracts';
import { pyhfPython } from './sbottomPeer';

/** One background-only workspace of a result's `jsonFiles` with signals per dataset, as SModelS's pyhf interface takes it. */
export interface SmodelsPyhfCase {
  workspace: string;
  /** The `jsonFiles` entries: a plain dataset name, or {smodels, pyhf, type}. */
  regions: (string | { smodels: string | null; pyhf?: string; type?: string })[];
  includeCRs: boolean;
  signalUncertainty: number | null;
  nsignals: Record<string, number>;
  /** Also pyhf's CLs at mu = 1 of the patched workspace and SModelS's observed upper limit on mu. */
  limits: boolean;
}

export type SmodelsPyhfOutcome = { patch: unknown[]; clsObs?: number; muUpObs?: number } | { error: string };

/** SModelS 3.2.1's patch (and limits) per case, in one python process: libs/peers/python/smodels_pyhf_patch.py. */
export function runSmodelsPyhfPeer(cases: SmodelsPyhfCase[]): SmodelsPyhfOutcome[] {
  return runPeerScript('smodels_pyhf_patch.py', cases) as SmodelsPyhfOutcome[];
}

/** Counting data of an SR combination, as SModelS's SLData takes it. */
export interface SmodelsSlCase {
  observed: number[];
  backgrounds: number[];
  covariance: number[][];
  thirdMoment: number[] | null;
  nsignal: number[];
}

/** SModelS's limits, its mu_hat and its profiled -ln L at mu = SL_PEER_MUS, on the observed and the background counts. */
export type SmodelsSlOutcome =
  | { ulObs: number | null; ulExpApriori: number | null; skewed: boolean; muHatObs: number; muHatApriori: number; nllObs: number[]; nllApriori: number[] }
  | { error: string };
export const SL_PEER_MUS = [0, 0.5, 1];

/** SModelS 3.2.1's simplified-likelihood upper limits per case: libs/peers/python/smodels_sl_limits.py. */
export function runSmodelsSlPeer(cases: SmodelsSlCase[]): SmodelsSlOutcome[] {
  return runPeerScript('smodels_sl_limits.py', cases) as SmodelsSlOutcome[];
}

function runPeerScript(script: string, input: unknown): unknown {
  const python = pyhfPython();
  if (!existsSync(python)) throw new InputError('pyhf', `no peer python at ${python}: run 'bash infra/pyhf/install.sh' or set SIGMAP_PYHF_PYTHON`);
  const single = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const res = spawnSync(python, [join(__dirname, '../python', script)], {
    input: JSON.stringify(input),
    env: { ...process.env, ...single },
    maxBuffer: 1 << 28,
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`SModelS peer ${script} failed (exit ${res.status}): ${res.stderr?.slice(-2000)}`);
  return JSON.parse(res.stdout);
}
