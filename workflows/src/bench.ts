import { proxyActivities } from '@temporalio/workflow';
import { TASK_QUEUES, pointSeed, pointKey, type Fidelity, type ModelPoint } from '@sigmap/contracts';
import type { StatsActivities } from './activities';

export interface OrchestrationBenchInput {
  scanId: string;
  family: string;
  search: string;
  fidelity: Fidelity;
  seed: number;
  points: ModelPoint[];
}

const { computeLimit } = proxyActivities<Pick<StatsActivities, 'computeLimit'>>({
  taskQueue: TASK_QUEUES.statsCpu,
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

/** `sigmap bench orchestration`: fans out one computeLimit activity per point (the scan's inner loop, no GP). */
export async function OrchestrationBenchWorkflow(input: OrchestrationBenchInput): Promise<number> {
  const results = await Promise.all(
    input.points.map((point) =>
      computeLimit({
        scanId: input.scanId,
        family: input.family,
        point,
        search: input.search,
        fidelity: input.fidelity,
        seed: pointSeed(input.seed, pointKey(point)),
      }),
    ),
  );
  return results.length;
}
