/** Temporal task queues (DESIGN.md): GPU simulation, GPU surrogate training/sampling, CPU statistics, orchestration. */
export const TASK_QUEUES = {
  simGpu: 'sim-gpu',
  surrogateGpu: 'surrogate-gpu',
  statsCpu: 'stats-cpu',
  orchestration: 'orchestration',
} as const;

export type TaskQueue = (typeof TASK_QUEUES)[keyof typeof TASK_QUEUES];
export const ALL_TASK_QUEUES: readonly TaskQueue[] = Object.values(TASK_QUEUES);
