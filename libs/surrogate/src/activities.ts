/**
 * Surrogate training as one call: the work behind the `surrogate-gpu` queue's trainSurrogate activity, which
 * @sigmap/orchestration runs in a compute thread (this lib does not import @temporalio: the heartbeat comes in as a
 * callback). Its input is the worker's ({ family, searches, evaluations, seed, heartbeat }): the points of the finished
 * scans' `full` evaluations become the training points, full simulation is re-run there (deterministic in the seed;
 * cached), and every object type is trained unless `objects` narrows it.
 */
import { InputError } from '@sigmap/contracts';
import type { GeneratorKind, TrainBudget } from './model';
import { OBJECT_TYPES, type ObjectType, isObjectType } from './objects';
import { updateMeta } from './registry';
import { trainObjectSurrogate } from './train';

export interface SurrogateTrainInput {
  family: string;
  seed: number;
  objects?: string[];
  events?: number;
  kinds?: GeneratorKind[];
  members?: number;
  budget?: Partial<TrainBudget>;
  /** Evaluated points ({ point }) of finished scans (the worker hook passes the store's `full` evaluations). */
  evaluations?: { point?: Record<string, number> }[];
  searches?: string[];
  createdAt?: string;
  heartbeat?: (details: unknown) => void;
  outDir?: string;
}

export interface SurrogateTrainOutput {
  /** Comma-separated ids of the models chosen by validation (one per object type). */
  modelKey: string;
  backend: string;
  /** Object types with too few reconstructed objects in this family's full simulation to train on. */
  skipped: { object: ObjectType; reason: string }[];
  models: {
    id: string;
    object: ObjectType;
    kind: GeneratorKind;
    selected: boolean;
    maxW1Ratio: number;
    auc: number;
    closureWithinEnsemble: number | null;
    closureWithinCalibrated: number | null;
    epistemicScale: number | null;
  }[];
}

export async function trainSurrogate(input: SurrogateTrainInput): Promise<SurrogateTrainOutput> {
  const objects = (input.objects ?? [...OBJECT_TYPES]).map((o) => {
    if (!isObjectType(o)) throw new InputError('objects', `unknown object type '${o}' (${OBJECT_TYPES.join(', ')})`);
    return o;
  });
  const seen = new Set<string>();
  const points = (input.evaluations ?? [])
    .map((e) => e.point)
    .filter((p): p is Record<string, number> => !!p && !seen.has(JSON.stringify(p)) && !!seen.add(JSON.stringify(p)))
    .slice(0, 8);
  const models: SurrogateTrainOutput['models'] = [];
  const selected: string[] = [];
  let backend = '';
  const skipped: SurrogateTrainOutput['skipped'] = [];
  for (const object of objects) {
    let out: Awaited<ReturnType<typeof trainObjectSurrogate>>;
    try {
      out = await trainObjectSurrogate({
        family: input.family,
        object,
        events: input.events ?? 2400,
        seed: input.seed,
        kinds: input.kinds,
        members: input.members,
        budget: input.budget,
        points: points.length ? points : undefined,
        createdAt: input.createdAt ?? new Date().toISOString(),
        heartbeat: (d) => input.heartbeat?.({ object, ...(d as object) }),
        outDir: input.outDir,
      });
    } catch (e) {
      if (!(e instanceof Error) || !/too few reconstructed/.test(e.message)) throw e;
      // an object asked for by name that the sample cannot train: the request is at fault (not worth a retry)
      if (input.objects)
        throw new InputError(
          'events',
          `${input.family}: ${e.message} in ${input.events ?? 2400} full-simulation events; raise events or choose another object`,
        );
      skipped.push({ object, reason: e.message });
      continue;
    }
    backend = out.backend;
    selected.push(out.selected);
    for (const m of out.models) {
      if (m.id === out.selected) updateMeta(m.path, { selected: true });
      const r = m.meta.metrics;
      models.push({
        id: m.id,
        object,
        kind: m.meta.kind,
        selected: m.id === out.selected,
        maxW1Ratio: r?.maxRatio ?? NaN,
        auc: r?.auc ?? NaN,
        closureWithinEnsemble: r?.closure?.withinEnsemble ?? null,
        closureWithinCalibrated: r?.closure?.withinCalibrated ?? null,
        epistemicScale: r?.closure?.calibration?.scale ?? null,
      });
    }
  }
  if (selected.length === 0) throw new InputError('family', `${input.family}: no object type has enough reconstructed objects to train on`);
  return { modelKey: selected.join(','), backend, skipped, models };
}
