// Workflow definitions (bundled by the worker from WORKFLOWS_PATH) and their messages.
export * from './messages';
export type { ScanActivityContract, OrchestrationActivities, StatsActivities, SimulationActivities, SurrogateActivities } from './activities';
export { GP_HEARTBEAT_TIMEOUT_MS, GP_TIMEOUT, gpTimeoutMs } from './timeouts';
export type { OrchestrationBenchInput } from './bench';
/** The file the worker bundles (workflowsPath): every workflow function it serves. Sources run as TypeScript (tsx). */
export const WORKFLOWS_PATH = `${__dirname}/workflows.ts`;
