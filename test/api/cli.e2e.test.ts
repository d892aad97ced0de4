/** `sigmap coverage` from the command line: text, --json, --svg, bad options; on a fresh store (no scans). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from './harness';

const home = mkdtempSync(join(tmpdir(), 'sigmap-cov-cli-'));
const run = (args: string[]) =>
  spawnSync(process.execPath, [join(REPO, 'apps', 'cli', 'bin', 'sigmap.js'), ...args], {
    env: { ...process.env, SIGMAP_HOME: home, DATABASE_URL: '' },
    encoding: 'utf8',
    cwd: REPO,
    timeout: 120_000,
  });

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('sigmap coverage', () => {
  it('prints the map as JSON, consistent with its own cells and the catalogue', () => {
    const r = run(['coverage', '--json', '--top', '3']);
    expect(r.status).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.cells).toHaveLength(m.summary.cells);
    expect(m.cells.filter((c: { empty: boolean }) => !c.empty)).toHaveLength(m.summary.covered);
    expect(m.summary.covered + m.summary.empty).toBe(m.summary.cells);
    expect(m.summary.scans).toBe(0);
    // `sigmap searches` (the catalogue's searches and the own ones) lists the same searches the map counts
    const cat = run(['searches', '--json']);
    expect(cat.status).toBe(0);
    const rows = JSON.parse(cat.stdout) as { id: string; origin: string; supersededBy?: string }[];
    const ids = rows
      .filter((x) => !x.supersededBy)
      .map((x) => x.id)
      .sort();
    expect(ids.filter((id) => id.startsWith('own-')).length).toBe(8);
    // superseded analyses are listed but, as in SModelS, left out of the map; own searches are their own layer
    const inMap = (layer: 'searches' | 'ownSearches') =>
      m.cells.flatMap((c: Record<string, { id: string }[]>) => c[layer].map((x) => x.id)).filter((x: string, i: number, a: string[]) => a.indexOf(x) === i);
    expect([...inMap('searches'), ...inMap('ownSearches')].sort()).toEqual(ids);
    expect(inMap('ownSearches').every((id: string) => id.startsWith('own-'))).toBe(true);
    expect(m.summary.searches).toBe(ids.length - 8);
    expect(m.summary.ownSearches).toBe(8);
    // the real catalogue: the cells issue 15 names are searched, each by real analyses
    const cell = (k: string) => m.cells.find((c: { key: string }) => c.key === k);
    for (const k of ['t-t', 'j-j', 'b-b', 'complex:stop', 'complex:sbottom', 'complex:gluino', 'complex:electroweakino', 'complex:long-lived']) {
      expect(cell(k).empty, k).toBe(false);
      for (const s of cell(k).searches) expect(s.id).toMatch(/^(ATLAS|CMS)-/);
    }
    expect(cell('t-t').searches.map((s: { id: string }) => s.id)).toContain('ATLAS-EXOT-2018-48');
    expect(m.recommendations.length).toBeGreaterThanOrEqual(3);
    expect(m.recommendations[0].rank).toBe(1);
  });

  it('draws the heat map with --svg and prints the text matrix', () => {
    const file = join(home, 'out', 'coverage.svg');
    const r = run(['coverage', '--svg', file]);
    expect(r.status).toBe(0);
    const svg = readFileSync(file, 'utf8');
    const json = JSON.parse(run(['coverage', '--json']).stdout);
    expect(svg.match(/data-cell="/g)).toHaveLength(json.summary.cells);
    expect(svg.match(/data-covered="1"/g)).toHaveLength(json.summary.covered);
    const text = run(['coverage', '--top', '2']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(`${json.summary.covered} covered / ${json.summary.empty} empty of ${json.summary.cells} cells`);
    expect(text.stdout.split('\n').filter((l) => /^\s+1\. /.test(l) || /^\s+2\. /.test(l))).toHaveLength(2);
  });

  it('rejects bad options with one line and exit 2', () => {
    const r = run(['coverage', '--top', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("error: --top: expected an integer >= 1, got '0'");
    const u = run(['coverage', '--url', 'http://example.com:80']);
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/^error: --url: expected a loopback URL/);
  });
});
