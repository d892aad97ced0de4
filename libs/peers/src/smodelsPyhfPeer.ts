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
  const python = pyhfPython();
  if (!existsSync(python)) throw new InputError('pyhf', `no peer python at ${python}: run 'bash infra/pyhf/install.sh' or set SIGMAP_PYHF_PYTHON`);
  const single = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const res = spawnSync(python, [join(__dirname, '../python/smodels_pyhf_patch.py')], { input: JSON.stringify(cases), env: { ...process.env, ...single }, maxBuffer: 1 << 28, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`SModelS pyhf peer failed (exit ${res.status}): ${res.stderr?.slice(-2000)}`);
  return JSON.parse(res.stdout) as SmodelsPyhfOutcome[];
}
