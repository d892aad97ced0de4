import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `sigmap limits --slha` and `--family` through the SModelS-like engine, end to end: the numbers are checked against
 * SModelS 3.2.1's own (test/fixtures/smodels/reference.json); the verdict must follow from what is printed.
 */
const REPO = join(__dirname, '../..');
const FIX = join(REPO, 'test/fixtures/smodels');
const dir = mkdtempSync(join(tmpdir(), 'sigmap-reinterpret-'));

function sigmap(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(REPO, 'apps/cli/bin/sigmap.js'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, SIGMAP_HOME: dir },
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

interface Out {
  predictions: { analysis: string; resultFolder: string; dataType: string; rObs?: number }[];
  mostConstraining?: { analysis: string; rObs?: number };
  verdict: { excluded: boolean; rObs?: number; by?: string };
  missingXsecFb: number;
}

describe.skipIf(!existsSync(join(FIX, 'reference.json')))('sigmap limits with the SModelS database', () => {
  it('--slha: r per analysis and the most constraining one as SModelS 3.2.1, one verdict that follows from it', () => {
    const ref = JSON.parse(readFileSync(join(FIX, 'reference.json'), 'utf8')).files['T2tt_800_300.slha'];
    const r = sigmap('limits', '--slha', join(FIX, 'slha/points/T2tt_800_300.slha'), '--best-sr', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as Out;
    expect(j.mostConstraining!.analysis).toBe(ref.mostConstraining.analysisId);
    expect(j.mostConstraining!.rObs! / ref.mostConstraining.r_obs).toBeCloseTo(1, 2);
    expect(j.verdict.excluded).toBe(j.mostConstraining!.rObs! >= 1);
    expect(j.verdict.rObs).toBe(j.mostConstraining!.rObs);
    // every SModelS prediction of this point has its counterpart
    for (const p of ref.predictions) expect(j.predictions.some((x) => x.analysis === p.analysisId && Math.abs(x.rObs! / p.r_obs - 1) < 0.05)).toBe(true);
    const t = sigmap('limits', '--slha', join(FIX, 'slha/points/T2tt_800_300.slha'));
    expect(t.out).toMatch(/most constraining analysis: CMS-SUS-20-002 r_obs 10\.98/);
    expect(t.out).toMatch(/verdict: EXCLUDED \(driving: CMS-SUS-20-002/);
  }, 300_000);

  it('--family runs the same engine: T2tt point equals the SLHA point, zprime-ssm reaches CMS-EXO-19-012 TRV1jj', () => {
    const r = sigmap('limits', '--family', 'T2tt', '--point', 'm_stop=800,m_lsp=300', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { database: Out; verdict: Out['verdict'] };
    const names = j.database.predictions.map((p) => p.resultFolder);
    expect(names).toContain('CMS-SUS-20-002');
    expect(j.verdict.excluded).toBe((j.verdict.rObs ?? 0) >= 1);
    const z = sigmap('limits', '--family', 'zprime-ssm', '--point', 'mass=3000,g=1', '--json');
    expect(z.code, z.err).toBe(0);
    const zj = JSON.parse(z.out) as { database: Out };
    expect(zj.database.predictions.some((p) => p.resultFolder === 'CMS-EXO-19-012' && p.rObs! > 0)).toBe(true);
    // the resonance families give sigma at 8 TeV too (NNPDF3.1 luminosities): the 8 TeV dijet results constrain a light Z'
    const z8 = sigmap('limits', '--family', 'zprime-ssm', '--point', 'mass=1200,g=0.3', '--json');
    expect(z8.code, z8.err).toBe(0);
    const preds8 = (JSON.parse(z8.out) as { database: Out }).database.predictions;
    expect(preds8.some((p) => p.resultFolder === 'ATLAS-EXOT-2013-11' && p.rObs! > 0)).toBe(true);
  }, 300_000);

  it('a bad SLHA file: exit 2, one line naming the file and line', () => {
    const bad = join(dir, 'bad.slha');
    writeFileSync(bad, 'BLOCK MASS\n 1000006 800\nDECAY 1000006 1.0\n 1.0 3 1000022 6\n');
    const r = sigmap('limits', '--slha', bad);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/bad\.slha:4: NDA = 3 but only 2 daughter codes/);
  }, 120_000);
});
