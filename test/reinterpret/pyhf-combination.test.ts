/**
 * SR combinations with the database's pyhf workspaces, side by side with SModelS 3.2.1's own pyhf interface
 * (libs/peers/python/smodels_pyhf_patch.py): for every background-only workspace that a result's `jsonFiles` names
 * and the database ships (19 files of 8 results; ATLAS-SUSY-2019-08's BkgOnly.json is not in the release), 16 of them in the plain notation, sigmap's
 * signal patch (smodelsPyhfPatch) must be SModelS's, operation for operation; on the workspaces under 100 kB (16) the
 * patched likelihood's CLs at mu = 1 must be pyhf's (rtol 2e-4: pyhf's scipy fit at its default tolerance; measured
 * worst 6e-5) and the observed upper limit on mu SModelS's (rtol 1e-3: SModelS's root finding; measured worst 2e-4).
 * Signals are synthetic (1 + 0.5 i events in the i-th dataset): the check is of the likelihood, not of a model.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { evaluatePatch, loadSmodelsResult, resultFolders, smodelsDatabaseRoot, smodelsPyhfPatch, SMODELS_PYHF_SETTINGS } from '@sigmap/catalogue';
import { runSmodelsPyhfPeer, type SmodelsPyhfCase } from '@sigmap/peers';
import { describe, expect, it } from 'vitest';

const root = smodelsDatabaseRoot();
const cases: (SmodelsPyhfCase & {
  id: string;
  file: string;
  mapping: ReturnType<typeof loadSmodelsResult>['jsonFiles'] extends infer J ? (J extends Record<string, infer M> ? M : never) : never;
  opts: { includeCRs?: boolean; signalUncertainty?: number };
})[] = [];
for (const f of resultFolders(root)) {
  const res = loadSmodelsResult(join(root, f));
  for (const [file, mapping] of Object.entries(res.jsonFiles ?? {})) {
    const path = join(res.folder, file);
    if (!existsSync(path)) continue;
    const names = mapping.map((e) => e.smodels).filter((x): x is string => !!x);
    cases.push({
      id: res.id,
      file,
      mapping,
      opts: { includeCRs: res.includeCRs, signalUncertainty: res.signalUncertainty },
      workspace: path,
      regions: mapping.map((e) => (e.pyhf === undefined && e.type === undefined && e.smodels ? e.smodels : e)),
      includeCRs: res.includeCRs ?? false,
      signalUncertainty: res.signalUncertainty ?? null,
      nsignals: Object.fromEntries(names.map((n, i) => [n, 1 + 0.5 * i])),
      limits: statSync(path).size < 100_000,
    });
  }
}

describe('pyhf SR combinations of the SModelS database v3.0.0, against SModelS 3.2.1 and pyhf', () => {
  const peer = runSmodelsPyhfPeer(cases);

  it('finds every shipped jsonFiles workspace, in both notations', () => {
    expect(cases.length).toBe(19);
    expect(cases.filter((c) => c.limits).length).toBe(16);
    expect(new Set(cases.map((c) => c.id)).size).toBe(8);
    expect(cases.filter((c) => typeof c.regions[0] === 'string').length).toBe(16);
  });

  it.each(cases.map((c, i) => [`${c.id} ${c.file}`, i] as const))("%s: the signal patch is SModelS's", (_, i) => {
    const c = cases[i];
    const p = peer[i];
    if ('error' in p) throw new Error(`SModelS: ${p.error}`);
    const mine = smodelsPyhfPatch(JSON.parse(readFileSync(c.workspace, 'utf8')), c.mapping, (sr) => c.nsignals[sr], c.workspace, c.opts);
    expect(mine.ops).toEqual(p.patch);
    expect(mine.signalRegions.length).toBe(Object.keys(c.nsignals).length);
  });

  it.each(cases.flatMap((c, i) => (c.limits ? [[`${c.id} ${c.file}`, i] as const] : [])))("%s: CLs(mu = 1) is pyhf's, the upper limit SModelS's", (_, i) => {
    const c = cases[i];
    const p = peer[i];
    if ('error' in p) throw new Error(`SModelS: ${p.error}`);
    const bkg = JSON.parse(readFileSync(c.workspace, 'utf8'));
    const { ops } = smodelsPyhfPatch(bkg, c.mapping, (sr) => c.nsignals[sr], c.workspace, c.opts);
    const r = evaluatePatch(bkg, ops, SMODELS_PYHF_SETTINGS, true);
    expect(Math.abs(r.clsObs - p.clsObs!) / p.clsObs!).toBeLessThan(2e-4);
    expect(Math.abs(r.muUpObs! - p.muUpObs!) / p.muUpObs!).toBeLessThan(1e-3);
  });
});
