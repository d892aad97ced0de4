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
 * The activity surface the workflows call (types only: the implementations live in libs/orchestration,
 * `createScanActivities(deps)`, which must satisfy this interface).
 */
export interface ScanActivityContract {
  startScan(input: StartScanInput): Promise<{ poolSize: number | null; family: string }>;
  proposeBatch(input: ProposeBatchInput): Promise<ProposeBatchResult>;
  simulate(input: SimulateInput): Promise<SimulateResult>;
  computeLimit(input: LimitInput): Promise<LimitResult>;
  recordProgress(input: ScanProgress): Promise<void>;
  finalizeScan(input: FinalizeScanInput): Promise<ScanReport>;
  aggregateCoverage(input: CoverageWorkflowInput): Promise<CoverageSummary>;
  trainSurrogate(input: SurrogateTrainingInput): Promise<SurrogateTrainingResult>;
}
