/**
 * Typed starts of the workflows, for clients (CLI, worker's `sigmap scan`, API, tests): each helper passes the
 * workflow function itself to the Temporal client, so the arguments and the result are checked against the
 * workflow's signature (no dispatch by the string 'ScanWorkflow'). Client-side code: this entry
 * (`@sigmap/workflows/client`) is outside workflows/src, which the worker bundles and which imports only
 * @temporalio/workflow.
 */
import type { Client, Workflow, WorkflowHandleWithFirstExecutionRunId, WorkflowStartOptions } from '@temporalio/client';
import { TASK_QUEUES, type CoverageWorkflowInput, type ScanWorkflowInput, type SurrogateTrainingInput } from '@sigmap/contracts';
import { OrchestrationBenchWorkflow, type OrchestrationBenchInput } from '../src/bench';
import { CoverageWorkflow, ScanWorkflow, SurrogateTrainingWorkflow } from '../src/scan';

/** Start options of a workflow W, less its arguments (the helper's input); taskQueue defaults to the orchestration queue. */
export type StartOptions<W extends Workflow> = Omit<WorkflowStartOptions<W>, 'args' | 'taskQueue' | 'workflowId'> & {
  taskQueue?: string;
};

type Handle<W extends Workflow> = Promise<WorkflowHandleWithFirstExecutionRunId<W>>;

/** Starts ScanWorkflow for one scan; its workflow id is the scan id. */
export function startScanWorkflow(client: Client, input: ScanWorkflowInput, opts: StartOptions<typeof ScanWorkflow> = {}): Handle<typeof ScanWorkflow> {
  return client.workflow.start(ScanWorkflow, { ...opts, taskQueue: opts.taskQueue ?? TASK_QUEUES.orchestration, workflowId: input.scanId, args: [input] });
}

/** Starts CoverageWorkflow (re-aggregation of the coverage map) under the given workflow id. */
export function startCoverageWorkflow(
  client: Client,
  workflowId: string,
  input: CoverageWorkflowInput,
  opts: StartOptions<typeof CoverageWorkflow> = {},
): Handle<typeof CoverageWorkflow> {
  return client.workflow.start(CoverageWorkflow, { ...opts, taskQueue: opts.taskQueue ?? TASK_QUEUES.orchestration, workflowId, args: [input] });
}

/** Starts SurrogateTrainingWorkflow under the given workflow id. */
export function startSurrogateTrainingWorkflow(
  client: Client,
  workflowId: string,
  input: SurrogateTrainingInput,
  opts: StartOptions<typeof SurrogateTrainingWorkflow> = {},
): Handle<typeof SurrogateTrainingWorkflow> {
  return client.workflow.start(SurrogateTrainingWorkflow, { ...opts, taskQueue: opts.taskQueue ?? TASK_QUEUES.orchestration, workflowId, args: [input] });
}

/** Starts OrchestrationBenchWorkflow (`sigmap bench orchestration`); its workflow id is input.scanId. */
export function startOrchestrationBenchWorkflow(
  client: Client,
  input: OrchestrationBenchInput,
  opts: StartOptions<typeof OrchestrationBenchWorkflow> = {},
): Handle<typeof OrchestrationBenchWorkflow> {
  return client.workflow.start(OrchestrationBenchWorkflow, {
    ...opts,
    taskQueue: opts.taskQueue ?? TASK_QUEUES.orchestration,
    workflowId: input.scanId,
    args: [input],
  });
}
