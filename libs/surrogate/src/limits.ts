/**
 * CLs of a model point from its signal yields in an own search, through the search's pyhf workspace (physics'
 * toPyhfWorkspace: background with normsys + shapesys, signal with mu_SIG, lumi and the MC staterror) and
 * @sigmap/stats (buildModel, hypotest: q~_mu asymptotics, arXiv:1007.1727). At surrogate fidelity the ensemble's
 * epistemic spread enters the likelihood as a per-bin uncertainty on the signal: a shapesys modifier
 * 'surrogate_epistemic' on the signal sample whose data are sigma_ens per bin (Poisson-constrained, one nuisance
 * parameter per bin, uncorrelated between bins).
 */
import { applyJsonPatch, buildModel, hypotest, observedData, parseWorkspace } from '@sigmap/stats';
import { getOwnSearch, toPyhfWorkspace } from '@sigmap/physics';

export interface SignalInput {
  search: string;
  family: string;
  point: Record<string, number>;
  yields: number[];
  yieldErrors: number[];
  /** Per-bin epistemic uncertainty (surrogate fidelity); omitted or zeros for full. */
  epistemic?: number[];
}

function signalWorkspace(s: SignalInput): unknown {
  const search = getOwnSearch(s.search);
  const { workspace, patchset } = toPyhfWorkspace(search, [{ family: s.family, point: s.point, yields: s.yields, yieldErrors: s.yieldErrors }]);
  const patch = (patchset.patches as { patch: { value: { modifiers: unknown[] } }[] }[])[0].patch;
  if (s.epistemic && s.epistemic.some((e) => e > 0)) {
    const mods = patch[0].value.modifiers;
    mods.push({ name: 'surrogate_epistemic', type: 'shapesys', data: s.epistemic.map((e) => Math.max(e, 0)) });
  }
  return applyJsonPatch(workspace, patch);
}

export interface ClsResult {
  clsObs: number;
  clsExp: number[];
}

export function clsFromYields(s: SignalInput): ClsResult {
  if (s.yields.every((y) => y <= 0)) return { clsObs: 1, clsExp: [1, 1, 1, 1, 1] };
  const ws = parseWorkspace(signalWorkspace(s));
  const model = buildModel(ws);
  const r = hypotest(model, observedData(ws, model));
  return { clsObs: r.clsObs, clsExp: Array.from(r.clsExp) };
}
