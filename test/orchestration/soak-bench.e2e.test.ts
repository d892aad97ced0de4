import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, tmp } from './helpers';

// `sigmap bench soak` on a small load, as a process of its own: it must exit by itself once its report is written
// (its compute threads once kept it alive after the report, until something killed it).
describe('sigmap bench soak (small, no abuse wave)', () => {
  it('runs its waves against a dev server, writes the JSON and exits with 0', () => {
    const out = join(tmp('soak-bench'), 'soak.json');
    const r = spawnSync(
      process.execPath,
      [
        join(REPO, 'apps/cli/bin/sigmap.js'),
        'bench',
        'soak',
        '--waves',
        '3',
        '--concurrent',
        '2',
        '--budget',
        '8',
        '--workers',
        '1',
        '--skip-abuse',
        '--json',
        out,
      ],
      { cwd: REPO, encoding: 'utf8', timeout: 240_000, killSignal: 'SIGKILL' },
    );
    expect(r.signal, `killed after 240 s (the process did not exit):\n${r.stderr}`).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      waves: { wave: number; scans: number; evaluations: number }[];
      leak: { heapSlopeMiBPerWave: number };
    };
    expect(report.waves.map((w) => [w.wave, w.scans])).toEqual([
      [1, 2],
      [2, 2],
      [3, 2],
    ]);
    // 2 scans x budget 8 per wave
    for (const w of report.waves) expect(w.evaluations).toBe(16);
    expect(Number.isFinite(report.leak.heapSlopeMiBPerWave)).toBe(true);
    expect(r.stdout).toMatch(/heap-after-GC slope over waves 2\.\.3/);
  }, 300_000);
});
