/** `sigmap coverage` from the command line: text, --json, --svg, bad options; on a fresh store (no scans). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from './harness';

const home = mkdtempSync(join(tmpdir(), 'sigmap-cov-cli-'));
const run = (args: string[]) =>
  spawnSync(process.execPath, [join(REPO, 'apps', 'cli', 'bin', 'sigmap.js'), ...args], { env: { ...process.env, SIGMAP_HOME: home, DATABASE_URL: '' }, encoding: 'utf8', cwd: REPO, timeout: 120_000 });

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
    const ids = (JSON.parse(cat.stdout) as { id: string }[]).map((x) => x.id).sort();
    expect(ids.filter((id) => id.startsWith('own-')).length).toBe(8);
    expect(m.cells.flatMap((c: { searches: { id: string }[] }) => c.searches.map((x) => x.id)).filter((x: string, i: number, a: string[]) => a.indexOf(x) === i).sort()).toEqual(ids);
    expect(m.summary.searches).toBe(ids.length);
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
