// Test-only: ScanWorkflow with a deliberate non-deterministic change (one extra activity call before the scan
// starts). Replaying a history recorded with the real ScanWorkflow against this must fail.
import { proxyActivities } from '@temporalio/workflow';
import { TASK_QUEUES, type ScanWorkflowInput } from '@sigmap/contracts';
import type { ScanActivityContract } from '../../src/activities';
import { ScanWorkflow as RealScanWorkflow } from '../../src/scan';

export { CoverageWorkflow, SurrogateTrainingWorkflow } from '../../src/scan';

const { aggregateCoverage } = proxyActivities<ScanActivityContract>({ taskQueue: TASK_QUEUES.orchestration, startToCloseTimeout: '1 minute' });

export async function ScanWorkflow(input: ScanWorkflowInput) {
  await aggregateCoverage({ scanIds: [input.scanId] });
  return RealScanWorkflow(input);
}
