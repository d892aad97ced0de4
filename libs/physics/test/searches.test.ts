import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { backgroundYields, canonicalJson, listOwnSearches, sha256Hex, simulatePoint, toPyhfWorkspace } from '../src';

const SCHEMAS = join(__dirname, '../../../../shared/data/pyhf_reference/schemas_1.0.0');
const PYHF_PYTHON = process.env.SIGMAP_PYHF_PYTHON ?? join(homedir(), '.cache/sigmap/pyhf-venv/bin/python');

function validator(name: 'workspace' | 'patchset') {
  const ajv = new Ajv({ strict: false, allErrors: true });
  for (const f of ['defs.json', 'jsonpatch.json', 'measurement.json', 'model.json', 'workspace.json', 'patchset.json']) {
    const s = JSON.parse(readFileSync(join(SCHEMAS, f), 'utf8'));
    delete s.$schema;
    ajv.addSchema(s);
  }
  return ajv.getSchema(`https://scikit-hep.org/pyhf/schemas/1.0.0/${name}.json`)!;
}

describe('own searches as pyhf workspaces', () => {
  it('has stable, descriptive ids, inspiration metadata and positive backgrounds', () => {
    const s = listOwnSearches();
    expect(s.length).toBeGreaterThanOrEqual(6);
    for (const x of s) {
      expect(x.id).toMatch(/^own-[a-z0-9-]+-13tev$/);
      expect(x.inspiration.arXiv).toMatch(/^\d{4}\.\d{5}$/);
      const b = backgroundYields(x.binEdges, x.background);
      expect(b.reduce((a, y) => a + y, 0)).toBeCloseTo(x.background.events, 6);
      for (let i = 1; i < b.length; i++) expect(b[i] / (x.binEdges[i + 1] - x.binEdges[i])).toBeLessThan(b[i - 1] / (x.binEdges[i] - x.binEdges[i - 1]));
    }
  });

  it('sha256 matches the FIPS 180-4 test vectors', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(canonicalJson({ b: 1, a: [1.5, null, 'x'] })).toBe('{"a": [1.5, null, "x"], "b": 1}');
  });

  it('writes schema-valid workspaces and PatchSets', async () => {
    const ws = validator('workspace');
    const ps = validator('patchset');
    const sim = await simulatePoint({
      family: 'zprime-ssm',
      point: { mass: 2500 },
      search: 'own-dilepton-resonance-13tev',
      events: 300,
      fidelity: 'fast',
      seed: 1,
    });
    for (const s of listOwnSearches()) {
      const nb = s.binEdges.length - 1;
      const y = s.id === sim.search ? sim.yields : Array.from({ length: nb }, (_, i) => i + 0.5);
      const e = s.id === sim.search ? sim.yieldErrors : Array.from({ length: nb }, () => 0.1);
      const out = toPyhfWorkspace(s, [{ family: 'f', point: { mass: 2500 }, yields: y, yieldErrors: e }]);
      expect(ws(out.workspace), JSON.stringify(ws.errors)).toBe(true);
      // PatchSets need a HEPData reference: present only where the inspiring analysis' record is verified.
      if (s.inspiration.hepdata) expect(ps(out.patchset), JSON.stringify(ps.errors)).toBe(true);
    }
  });

  it.skipIf(!existsSync(PYHF_PYTHON))('pyhf accepts the digest, applies the patch and computes CLs', async () => {
    const s = listOwnSearches().find((x) => x.id === 'own-dilepton-resonance-13tev')!;
    const sim = await simulatePoint({ family: 'zprime-ssm', point: { mass: 3000 }, search: s.id, events: 400, fidelity: 'fast', seed: 2 });
    const out = toPyhfWorkspace(s, [{ family: 'zprime-ssm', point: sim.point, yields: sim.yields, yieldErrors: sim.yieldErrors }]);
    const dir = mkdtempSync(join(tmpdir(), 'sigmap-pyhf-'));
    writeFileSync(join(dir, 'bkg.json'), JSON.stringify(out.workspace));
    writeFileSync(join(dir, 'ps.json'), JSON.stringify(out.patchset));
    const py = `
import json, pyhf
ws = pyhf.Workspace(json.load(open('${dir}/bkg.json')))
ps = pyhf.PatchSet(json.load(open('${dir}/ps.json')))
print(pyhf.utils.digest(json.load(open('${dir}/bkg.json'))))
w2 = ps.apply(ws, ps.patches[0].name)
m = w2.model()
print(float(pyhf.infer.hypotest(1.0, w2.data(m), m, test_stat='qtilde')))
`;
    const r = spawnSync(PYHF_PYTHON, ['-c', py], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const [digest, cls] = r.stdout.trim().split('\n');
    expect(digest).toBe((out.patchset.metadata as { digests: { sha256: string } }).digests.sha256);
    // A 3 TeV SSM Z' (~400 signal events over ~10 background) is excluded: CLs << 0.05.
    expect(Number(cls)).toBeLessThan(0.05);
  });
});
