// The worker bundles this file (workflowsPath): every workflow function it serves.
export { ScanWorkflow, CoverageWorkflow, SurrogateTrainingWorkflow } from './scan';
export { OrchestrationBenchWorkflow } from './bench';
