import { TASK_QUEUES, type TaskQueue } from '@sigmap/contracts';
import type { OrchestrationActivities, SimulationActivities, StatsActivities, SurrogateActivities } from '@sigmap/workflows';
import type { ActivityDeps } from './common';
import { createOrchestrationActivities } from './orchestration';
import { createSimulationActivities } from './simulation';
import { createStatsActivities } from './stats';
import { createSurrogateActivities } from './surrogate';

export { type ActivityDeps } from './common';
export { createOrchestrationActivities, createSimulationActivities, createStatsActivities, createSurrogateActivities };

/** The activities of each task queue: a worker registers on a queue exactly these (createWorkers). */
export interface QueueActivities {
  [TASK_QUEUES.orchestration]: OrchestrationActivities;
  [TASK_QUEUES.statsCpu]: StatsActivities;
  [TASK_QUEUES.simGpu]: SimulationActivities;
  [TASK_QUEUES.surrogateGpu]: SurrogateActivities;
}

/** The factory of one queue's activities. */
export function createQueueActivities<Q extends TaskQueue>(queue: Q, deps: ActivityDeps): QueueActivities[Q] {
  const factories: { [K in TaskQueue]: (d: ActivityDeps) => QueueActivities[K] } = {
    [TASK_QUEUES.orchestration]: createOrchestrationActivities,
    [TASK_QUEUES.statsCpu]: createStatsActivities,
    [TASK_QUEUES.simGpu]: createSimulationActivities,
    [TASK_QUEUES.surrogateGpu]: createSurrogateActivities,
  };
  return factories[queue](deps) as QueueActivities[Q];
}

/** The activities of every queue (what in-process tests call directly, per queue). */
export type ScanActivities = QueueActivities;
