import type { SurrogateTrainingInput, SurrogateTrainingResult } from '@sigmap/contracts';
import type { SurrogateActivities } from '@sigmap/workflows';
import { computeHeartbeating, type ActivityDeps } from './common';
import { simulateActivity } from './simulation';

/**
 * The `surrogate-gpu` queue: simulation at surrogate fidelity (the detector surrogate with its ensemble spread) and
 * SurrogateTrainingWorkflow's training (@sigmap/surrogate training, validation, versioning), both in deps.compute.
 */
export function createSurrogateActivities(deps: ActivityDeps): SurrogateActivities {
  const { store, compute } = deps;
  return {
    simulate: simulateActivity(deps, 'surrogate-gpu', ['surrogate']),

    async trainSurrogate(input: SurrogateTrainingInput): Promise<SurrogateTrainingResult> {
      const evaluations = (await Promise.all(input.scanIds.map((s) => store.listEvaluations(s)))).flat().filter((e) => e.fidelity === 'full');
      let details: unknown = { stage: 'start' };
      const r = await computeHeartbeating(
        compute,
        'trainSurrogate',
        { ...input, evaluations },
        () => details,
        (d) => (details = d),
      );
      const skipped = r.skipped.length ? `; skipped ${r.skipped.map((x) => x.object).join(', ')} (too few objects)` : '';
      return { modelKey: r.modelKey, trainedOn: evaluations.length, note: `trained on the ${r.backend} backend; selected ${r.modelKey}${skipped}` };
    },
  };
}
