/**
 * One model point under the multi-fidelity policy: surrogate yields (with their epistemic spread in the likelihood)
 * -> decideFidelity -> if the label depends on the surrogate's uncertainty, `full` simulation (a callback, so the
 * caller chooses the engine / queue) and the full CLs. Returns the label, which fidelity produced it, and the
 * seconds each stage took.
 */
import type { Point, SimulateResult } from '@sigmap/physics';
import { DEFAULT_POLICY, type FidelityDecision, type FidelityPolicy, decideFidelity } from './fidelity';
import { clsFromYields } from './limits';
import { type SurrogateSet, type SurrogateSimulateResult, simulateWithSurrogate } from './simulate';

export interface MultiFidelityRequest {
  family: string;
  point: Partial<Point>;
  search: string;
  events: number;
  seed: number;
  /** Runs `full` simulation of the same point (e.g. physics' simulatePoint with fidelity 'full'). */
  full: () => Promise<SimulateResult>;
  models?: SurrogateSet;
  modelIds?: Record<string, string>;
  /** Calibration factor of the ensemble spread (with explicit models; see SurrogateSimulateRequest). */
  epistemicScale?: number;
  backend?: string;
  policy?: FidelityPolicy;
}

export interface MultiFidelityResult {
  fidelity: 'surrogate' | 'full';
  excluded: boolean;
  cls: number;
  decision: FidelityDecision;
  surrogate: SurrogateSimulateResult;
  full: SimulateResult | null;
  clsFull: number | null;
  secondsSurrogate: number;
  secondsFull: number;
}

export async function multiFidelityPoint(req: MultiFidelityRequest): Promise<MultiFidelityResult> {
  const policy = req.policy ?? DEFAULT_POLICY;
  let t0 = performance.now();
  const s = await simulateWithSurrogate(
    {
      family: req.family,
      point: req.point,
      search: req.search,
      events: req.events,
      seed: req.seed,
      models: req.models,
      backend: req.backend,
      epistemicScale: req.epistemicScale,
    },
    req.modelIds,
  );
  const base = { search: req.search, family: req.family, point: s.point };
  const decision = decideFidelity(
    s.yields,
    s.epistemic,
    (y) => clsFromYields({ ...base, yields: y, yieldErrors: s.yieldErrors, epistemic: s.epistemic }).clsObs,
    policy,
  );
  const secondsSurrogate = (performance.now() - t0) / 1000;
  if (decision.fidelity === 'surrogate')
    return {
      fidelity: 'surrogate',
      excluded: decision.excluded,
      cls: decision.cls,
      decision,
      surrogate: s,
      full: null,
      clsFull: null,
      secondsSurrogate,
      secondsFull: 0,
    };
  t0 = performance.now();
  const f = await req.full();
  const secondsFull = (performance.now() - t0) / 1000;
  const clsFull = clsFromYields({ ...base, yields: f.yields, yieldErrors: f.yieldErrors }).clsObs;
  return { fidelity: 'full', excluded: clsFull < policy.alpha, cls: clsFull, decision, surrogate: s, full: f, clsFull, secondsSurrogate, secondsFull };
}
