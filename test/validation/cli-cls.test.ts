/**
 * The `sigmap cls` / `sigmap upper-limit` contract: pyhf's JSON shape on stdout, patches as JSON Patch arrays or pyhf
 * PatchSets, and bad input as exit code 2 with one line on stderr naming the field (never a stack trace).
 * Numbers are checked against the pyhf README reference (2-bin 1-channel example) and against sigmap's library API.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const ref = join(__dirname, '../../../shared/data/pyhf_reference');
const sigmap = (...args: string[]) => spawnSync(process.execPath, [join(root, 'apps/cli/bin/sigmap.js'), ...args], { cwd: root, encoding: 'utf8' });
const tmp = mkdtempSync(join(tmpdir(), 'sigmap-cls-'));

describe('sigmap cls / upper-limit', () => {
  it('prints {"CLs_obs", "CLs_exp"[5]} matching pyhf cls on the 2-bin example', () => {
    const r = sigmap('cls', join(ref, '2-bin_1-channel.json'));
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { CLs_obs: number; CLs_exp: number[] };
    expect(Object.keys(out)).toEqual(['CLs_obs', 'CLs_exp']);
    expect(out.CLs_exp).toHaveLength(5);
    const e = (
      JSON.parse(readFileSync(join(ref, 'pyhf_reference_numbers.json'), 'utf8')) as { checks: { id: string; expected: { CLs_obs: number } }[] }
    ).checks.find((c) => c.id === '2bin1ch_cls_cli')!;
    expect(Math.abs(out.CLs_obs - e.expected.CLs_obs) / e.expected.CLs_obs).toBeLessThan(5e-6);
  });

  it('applies a PatchSet patch by --patch-name and a JSON Patch array with -p', () => {
    const ex = join(ref, 'patchset_format_examples');
    const a = sigmap('cls', join(ex, 'example_bkgonly.json'), '-p', join(ex, 'example_patchset.json'), '--patch-name', 'patch_channel1_signal_syst1');
    expect(a.status, a.stderr).toBe(0);
    const ps = JSON.parse(readFileSync(join(ex, 'example_patchset.json'), 'utf8')) as { patches: { patch: unknown[] }[] };
    const file = join(tmp, 'ops.json');
    writeFileSync(file, JSON.stringify(ps.patches[0].patch));
    const b = sigmap('cls', join(ex, 'example_bkgonly.json'), '-p', file);
    expect(b.status, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout)).toEqual(JSON.parse(a.stdout));
    const plain = sigmap('cls', join(ex, 'example_bkgonly.json'));
    expect(JSON.parse(plain.stdout)).not.toEqual(JSON.parse(a.stdout));
  });

  it('upper-limit prints {"mu_up_obs", "mu_up_exp"[5]} and CLs there is 1 - cl', () => {
    const r = sigmap('upper-limit', join(ref, '2-bin_1-channel.json'), '--cl', '0.9');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { mu_up_obs: number; mu_up_exp: number[] };
    expect(Object.keys(out)).toEqual(['mu_up_obs', 'mu_up_exp']);
    const at = sigmap('cls', join(ref, '2-bin_1-channel.json'), '--test-poi', String(out.mu_up_obs));
    expect((JSON.parse(at.stdout) as { CLs_obs: number }).CLs_obs).toBeCloseTo(0.1, 7);
  });

  it('bad input: exit 2, one line on stderr naming the field', () => {
    const bad = (args: string[], field: RegExp) => {
      const r = sigmap(...args);
      expect(r.status, r.stdout + r.stderr).toBe(2);
      const lines = r.stderr
        .trim()
        .split('\n')
        .filter((l) => !/npm warn/.test(l));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(field);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    };
    const write = (name: string, text: string) => {
      const f = join(tmp, name);
      writeFileSync(f, text);
      return f;
    };
    const ws = JSON.parse(readFileSync(join(ref, '2-bin_1-channel.json'), 'utf8'));
    bad(['cls', write('notjson.json', '{ nope')], /^error: .*notjson\.json: not valid JSON/);
    bad(['cls', write('schema.json', JSON.stringify({ ...ws, version: '2.0.0' }))], /^error: version: must be "1\.0\.0"/);
    const unknown = structuredClone(ws);
    unknown.channels[0].samples[0].modifiers[0].type = 'magic';
    bad(['cls', write('unknown.json', JSON.stringify(unknown))], /^error: channels\[0\]\.samples\[0\]\.modifiers\[0\]\.type: unknown modifier type 'magic'/);
    const neg = structuredClone(ws);
    neg.channels[0].samples[1].data[0] = -1;
    bad(['cls', write('neg.json', JSON.stringify(neg))], /^error: channels\[0\]\.samples\[1\]\.data\[0\]: yields must be >= 0/);
    const nopoi = structuredClone(ws);
    nopoi.measurements[0].config.poi = 'xsec';
    bad(['cls', write('nopoi.json', JSON.stringify(nopoi))], /^error: measurements\[0\]\.config\.poi: parameter of interest 'xsec'/);
    bad(
      ['cls', join(ref, '2-bin_1-channel.json'), '-p', write('p.json', JSON.stringify([{ op: 'remove', path: '/channels/7' }]))],
      /^error: .*p\.json\[0\]\.path: array index 7 out of range/,
    );
    bad(['cls', join(ref, '2-bin_1-channel.json'), '--test-stat', 'z'], /^error: --test-stat: expected qtilde, q or q0/);
    bad(['upper-limit', join(ref, '2-bin_1-channel.json'), '--cl', '1.5'], /^error: --cl: expected a number in \(0, 1\)/);
    bad(['cls', join(tmp, 'missing.json')], /^error: .*missing\.json: cannot read file \(ENOENT\)/);
  });
});
