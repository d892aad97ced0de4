import type {
  CoverageSummary,
  CoverageWorkflowInput,
  FinalizeScanInput,
  LimitInput,
  LimitResult,
  ProposeBatchInput,
  ProposeBatchResult,
  ScanProgress,
  ScanReport,
  SimulateInput,
  SimulateResult,
  StartScanInput,
  SurrogateTrainingInput,
  SurrogateTrainingResult,
} from '@sigmap/contracts';

/**
 * The activity surface the workflows call, one interface per task queue (types only: the implementations are
 * libs/orchestration's `createOrchestrationActivities(deps)`, `createStatsActivities(deps)`, ... and a worker
 * registers on a queue only that queue's activities). Each takes one input object and returns one result.
 */

/** `orchestration`: quick store-side bookkeeping. */
export interface OrchestrationActivities {
  startScan(input: StartScanInput): Promise<{ poolSize: number | null; family: string }>;
  recordProgress(input: ScanProgress): Promise<void>;
  aggregateCoverage(input: CoverageWorkflowInput): Promise<CoverageSummary>;
}

/** `stats-cpu`: GP fit + batch proposal, the final report, CLs per (point, search). */
export interface StatsActivities {
  proposeBatch(input: ProposeBatchInput): Promise<ProposeBatchResult>;
  finalizeScan(input: FinalizeScanInput): Promise<ScanReport>;
  computeLimit(input: LimitInput): Promise<LimitResult>;
}

/** `sim-gpu`: event generation + detector simulation (full, fast). */
export interface SimulationActivities {
  simulate(input: SimulateInput): Promise<SimulateResult>;
}

/** `surrogate-gpu`: simulation at surrogate fidelity and surrogate training. */
export interface SurrogateActivities {
  simulate(input: SimulateInput): Promise<SimulateResult>;
  trainSurrogate(input: SurrogateTrainingInput): Promise<SurrogateTrainingResult>;
}

/** Every activity of every queue (what an in-process test may call directly). */
export type ScanActivityContract = OrchestrationActivities & StatsActivities & SimulationActivities & SurrogateActivities;
