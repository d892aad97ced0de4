import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { InputError } from '@sigmap/contracts';
import { type PdfTableJson, derivePdfTable, formatPdfTable } from '@sigmap/physics';
import { pyhfPython } from './sbottomPeer';

/** The grids the pythia8mc wheel ships (LHAPDF6 format): <venv>/share/Pythia8/pdfdata. */
function pythiaPdfDataDir(): string {
  const venv =
    process.env.SIGMAP_PYHF_VENV ??
    (process.env.SIGMAP_PYHF_PYTHON ? dirname(dirname(process.env.SIGMAP_PYHF_PYTHON)) : join(homedir(), '.cache/sigmap/pyhf-venv'));
  return join(venv, 'share/Pythia8/pdfdata');
}

/** The PDF set sigmap's resonance cross sections use, and how its derived table is cut (see libs/physics/src/xsec/pdfset.ts). */
export const NNPDF31_TABLE = {
  file: 'NNPDF31_nlo_as_0118_luxqed_0000.dat',
  table: 'libs/physics/src/xsec/tables/NNPDF31_nlo_as_0118_luxqed_0000.json',
  set: 'NNPDF31_nlo_as_0118_luxqed, central member 0000 (NNPDF3.1 NLO global fit + LUXqed photon, alpha_s(m_Z) = 0.118)',
  references: [
    'R. D. Ball et al. (NNPDF), Parton distributions from high-precision collider data, Eur. Phys. J. C77 (2017) 663, arXiv:1706.00428',
    'V. Bertone, S. Carrazza, N. P. Hartland, J. Rojo (NNPDF), Illuminating the photon content of the proton within a global PDF analysis, SciPost Phys. 5 (2018) 008, arXiv:1712.07053',
    'A. Buckley et al., LHAPDF6: parton density access in the LHC precision era, Eur. Phys. J. C75 (2015) 132, arXiv:1412.7420 (the lhagrid1 format)',
  ],
  alphaSMz: 0.118,
  xFrom: 1e-6,
  qFrom: 25,
  pids: [-5, -4, -3, -2, -1, 21, 1, 2, 3, 4, 5],
} as const;

/** Regenerates the derived table from the installed grid: the JSON text and the grid's sha256. */
export function buildNnpdf31Table(pdfdata = pythiaPdfDataDir()): { json: PdfTableJson; text: string } {
  const path = join(pdfdata, NNPDF31_TABLE.file);
  if (!existsSync(path))
    throw new InputError('pdfdata', `no ${NNPDF31_TABLE.file} in ${pdfdata} (the pythia8mc wheel ships it: run scripts/bootstrap.sh, or set SIGMAP_PYHF_VENV)`);
  const raw = readFileSync(path);
  const origin = {
    set: NNPDF31_TABLE.set,
    file: NNPDF31_TABLE.file,
    sha256: createHash('sha256').update(raw).digest('hex'),
    source: 'pythia8mc 8.317.2 wheel (PyPI), <venv>/share/Pythia8/pdfdata',
    command: 'npx tsx scripts/pdf-table.ts',
    references: [...NNPDF31_TABLE.references],
    alphaSMz: NNPDF31_TABLE.alphaSMz,
  };
  const json = derivePdfTable(raw.toString('utf8'), origin, NNPDF31_TABLE.xFrom, NNPDF31_TABLE.qFrom, [...NNPDF31_TABLE.pids]);
  return { json, text: formatPdfTable(json) };
}

export interface PythiaXsecCase {
  id: string;
  /** Pythia settings (beams, process, masses, couplings). */
  settings: string[];
  events: number;
}

export interface PythiaPdfRequest {
  /** LHAGrid1 file name in pdfdata (PDF:pSet = LHAGrid1:<file>). */
  pdfFile: string;
  alphaSMz: number;
  alphaSOrder: number;
  points: { pid: number; x: number; Q: number }[];
  alphaSAt: number[];
  processes: PythiaXsecCase[];
  seed: number;
}

export interface PythiaPdfOutcome {
  pythia: string;
  xf: number[];
  alphaS: number[];
  processes: { id: string; sigmaPb: number; errPb: number; accepted: number; widthGeV: Record<string, number> }[];
  seconds: number;
}

/** Pythia 8's PDF values, alpha_s and LO sigmaGen, in one python process: libs/peers/python/pythia_xsec.py. */
export function runPythiaXsecPeer(req: PythiaPdfRequest): PythiaPdfOutcome {
  const python = pyhfPython();
  if (!existsSync(python)) throw new InputError('pythia', `no peer python at ${python}: run scripts/bootstrap.sh or set SIGMAP_PYHF_PYTHON`);
  const single = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const res = spawnSync(python, [join(__dirname, '../python/pythia_xsec.py')], {
    input: JSON.stringify(req),
    env: { ...process.env, ...single },
    maxBuffer: 1 << 26,
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`Pythia peer failed (exit ${res.status}): ${res.stderr?.slice(-2000)}`);
  return JSON.parse(res.stdout) as PythiaPdfOutcome;
}
