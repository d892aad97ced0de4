/**
 * Acceptance 2 and 3 of the catalogue issue, through the `sigmap` binary:
 *  - `sigmap limits --family sbottom --point ...` on ATLAS SUSY-2018-31 gives, for each region holding the point's
 *    patch, the CLs of that patch evaluated as `sigmap cls <Region>/BkgOnly.json -p <patch>` does it (normsys code4,
 *    histosys code4p, q~, asymptotics): checked against `sigmap cls` itself for two points (one process per region)
 *    and against the same @sigmap/stats calls in-process for eight points spread over the grid; the region with the
 *    best (smallest) median expected CLs is the one reported;
 *  - bad input (truncated archive, points outside a grid or off the patch grid, unknown family) gives a clear one-line
 *    error with exit code 2, or an explicit status with no number.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataRoot, readPatchArchive } from '@sigmap/catalogue';
import { applyJsonPatch, buildModel, hypotest, observedData, parseWorkspace } from '@sigmap/stats';
import { describe, expect, it } from 'vitest';

const REPO = join(__dirname, '..', '..');
const archivePath = join(dataRoot(), 'atlas_sbottom_ins1748602/pyhf-ins1748602-probability-models.tar.gz');
const regions = readPatchArchive(readFileSync(archivePath), 'archive');
const dir = mkdtempSync(join(tmpdir(), 'sigmap-limits-'));

function sigmap(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(REPO, 'apps/cli/bin/sigmap.js'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, SIGMAP_HOME: dir },
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

interface SearchJson {
  search: string;
  status: string;
  clsObs?: number;
  clsExp?: number[];
  selected?: string;
  regions?: { name: string; clsObs: number; clsExp: number[] }[];
}
interface PointJson {
  point: Record<string, number>;
  searches: SearchJson[];
}

const names = regions[0].patches.map((p) => p.name);
const onlySome = [...new Set(regions.flatMap((r) => r.patches.map((p) => p.name)))].filter((n) => !regions.every((r) => r.patches.some((p) => p.name === n)));
const sample = [...[0, 1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6, 1].map((f) => names[Math.round(f * (names.length - 1))]), onlySome[0]];
const valuesOf = (name: string) => /sbottom_(\d+)_(\d+)_(\d+)/.exec(name)!.slice(1).map(Number);
const pointArg = (name: string) => {
  const [a, b, c] = valuesOf(name);
  return `m_sbottom=${a},m_chi2=${b},m_chi1=${c}`;
};

describe('sigmap limits vs sigmap cls on the ATLAS sbottom patches', () => {
  const run = sigmap('limits', '--family', 'sbottom', '--searches', 'ATLAS-SUSY-2018-31', '--json', ...sample.flatMap((n) => ['--point', pointArg(n)]));
  const results = run.code === 0 ? (JSON.parse(run.out) as PointJson[]) : [];

  it('runs for all sampled points', () => {
    expect(run.code, run.err).toBe(0);
    expect(results).toHaveLength(sample.length);
  });

  sample.forEach((name, k) => {
    it(`${name}: per-region CLs as stats evaluates the patch, best expected region selected`, () => {
      const s = results[k].searches[0];
      expect(s.status).toBe('ok');
      const holding = regions.filter((r) => r.patches.some((p) => p.name === name));
      expect(s.regions!.map((r) => r.name)).toEqual(holding.map((r) => `${r.region}:${name}`));
      for (const r of holding) {
        const ws = parseWorkspace(applyJsonPatch(r.bkgOnly, r.patches.find((p) => p.name === name)!.patch));
        const model = buildModel(ws, { normsysInterp: 'code4', histosysInterp: 'code4p' });
        const h = hypotest(model, observedData(ws, model), { testPoi: 1, testStat: 'qtilde', calctype: 'asymptotics' });
        const mine = s.regions!.find((x) => x.name === `${r.region}:${name}`)!;
        expect(Math.abs(mine.clsObs - h.clsObs)).toBeLessThanOrEqual(1e-12);
        mine.clsExp.forEach((x, i) => expect(Math.abs(x - h.clsExp[i])).toBeLessThanOrEqual(1e-12));
      }
      const best = s.regions!.filter((x) => x.clsExp).reduce((a, b) => (b.clsExp[2] < a.clsExp[2] ? b : a));
      expect(s.selected).toBe(best.name);
      expect(s.clsObs).toBe(best.clsObs);
    });
  });

  for (const k of [0, 3]) {
    it(`${sample[k]}: equals sigmap cls on each region's patch`, () => {
      const name = sample[k];
      const s = results[k].searches[0];
      for (const r of regions.filter((x) => x.patches.some((p) => p.name === name))) {
        const bkg = join(dir, `${r.region}-BkgOnly.json`);
        const patch = join(dir, `${r.region}-${name}.json`);
        writeFileSync(bkg, JSON.stringify(r.bkgOnly));
        writeFileSync(patch, JSON.stringify(r.patches.find((p) => p.name === name)!.patch));
        const cls = sigmap('cls', bkg, '-p', patch, '--normsys-interp', 'code4', '--histosys-interp', 'code4p');
        expect(cls.code, cls.err).toBe(0);
        const c = JSON.parse(cls.out) as { CLs_obs: number; CLs_exp: number[] };
        const mine = s.regions!.find((x) => x.name === `${r.region}:${name}`)!;
        expect(Math.abs(mine.clsObs - c.CLs_obs)).toBeLessThanOrEqual(1e-12);
        mine.clsExp.forEach((x, i) => expect(Math.abs(x - c.CLs_exp[i])).toBeLessThanOrEqual(1e-12));
      }
    });
  }
});

describe('sigmap catalogue', () => {
  it('registers an SModelS result in the user catalogue and lists it with its provenance checked', () => {
    const add = sigmap(
      'catalogue',
      'add',
      join(dataRoot(), 'smodels_db/8TeV/ATLAS/ATLAS-SUSY-2013-05'),
      '--families',
      'sbottom_direct',
      '--signatures',
      'b:b',
      '--txname',
      'sbottom_direct:T2bb:m_sbottom,m_chi1;m_sbottom,m_chi1',
    );
    expect(add.code, add.err).toBe(0);
    expect(add.out).toMatch(/registered ATLAS-SUSY-2013-05 \(smodels, \d+ files hashed\) in .*catalogue\.json/);
    const list = sigmap('catalogue', '--json');
    expect(list.code, list.err).toBe(0);
    const rows = JSON.parse(list.out) as { id: string; source: string; provenance: string; kind: string }[];
    expect(rows.map((r) => [r.id, r.source, r.provenance])).toEqual([
      ['ATLAS-SUSY-2018-31', 'bundled', 'ok'],
      ['ATLAS-SUSY-2018-31-eff', 'bundled', 'ok'],
      ['CMS-SUS-16-036', 'bundled', 'ok'],
      ['ATLAS-SUSY-2013-05', 'user', 'ok'],
    ]);
    const again = sigmap(
      'catalogue',
      'add',
      join(dataRoot(), 'smodels_db/8TeV/ATLAS/ATLAS-SUSY-2013-05'),
      '--families',
      'sbottom_direct',
      '--signatures',
      'b:b',
    );
    expect([again.code, again.err]).toEqual([2, "error: --id: a search 'ATLAS-SUSY-2013-05' is already registered\n"]);
    // an 8 TeV search has no cross section for this 13 TeV-only family: said so, no number
    const lim = sigmap('limits', '--family', 'sbottom_direct', '--point', 'm_sbottom=600,m_chi1=100', '--json');
    expect(lim.code, lim.err).toBe(0);
    const s = (JSON.parse(lim.out) as PointJson).searches.find((x) => x.search === 'ATLAS-SUSY-2013-05')!;
    expect(s.status).toBe('no-xsec');
  });
});

describe('bad input through the CLI', () => {
  it('a truncated archive: catalogue add exits 2 with one line naming the file', () => {
    const cut = join(dir, 'cut.tar.gz');
    const full = readFileSync(archivePath);
    writeFileSync(cut, full.subarray(0, full.length - 5000));
    const r = sigmap(
      'catalogue',
      'add',
      cut,
      '--id',
      'T',
      '--experiment',
      'ATLAS',
      '--sqrts',
      '13',
      '--lumi',
      '139',
      '--families',
      'sbottom',
      '--signatures',
      'b:H',
      '--params',
      'm_sbottom,m_chi2,m_chi1',
      '--doi',
      'x',
    );
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^error: .*cut\.tar\.gz: .*(truncated|corrupt)/);
  });

  it('points off the grids give explicit statuses, never numbers', () => {
    const r = sigmap('limits', '--family', 'sbottom', '--point', 'm_sbottom=2500,m_chi2=800,m_chi1=60', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as PointJson;
    expect(j.searches.map((s) => [s.search, s.status])).toEqual([
      ['ATLAS-SUSY-2018-31', 'no-patch'],
      ['ATLAS-SUSY-2018-31-eff', 'outside-grid'],
    ]);
    expect(j.searches.every((s) => s.clsObs === undefined)).toBe(true);
    const t = sigmap('limits', '--family', 'sbottom_direct', '--point', 'm_sbottom=3000,m_chi1=100');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/CMS-SUS-16-036\s+outside-grid/);
  });

  it('unknown family and malformed point: exit 2, one line', () => {
    const a = sigmap('limits', '--family', 'stop', '--point', 'm=1');
    expect([a.code, a.err]).toEqual([
      2,
      "error: --family: unknown family 'stop' (known: sbottom, sbottom_direct, T2tt, T2bb, T1, TChiWZ, sbottom-bh, zprime-ssm)\n",
    ]);
    const b = sigmap('limits', '--family', 'sbottom', '--point', 'm_sbottom=abc');
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/^error: --point m_sbottom: expected a number, got 'abc'\n$/);
  });
});
