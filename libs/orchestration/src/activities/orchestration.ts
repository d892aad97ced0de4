import { ApplicationFailure } from '@temporalio/activity';
import type { CoverageSummary, CoverageWorkflowInput, ScanProgress, StartScanInput } from '@sigmap/contracts';
import type { OrchestrationActivities } from '@sigmap/workflows';
import { familyOf } from '../compute/tasks';
import { nonRetryable, type ActivityDeps } from './common';

/** The `orchestration` queue: quick store-side bookkeeping of a scan (no heavy numerics). */
export function createOrchestrationActivities(deps: ActivityDeps): OrchestrationActivities {
  const { store, families } = deps;
  return {
    async startScan(input: StartScanInput): Promise<{ poolSize: number | null; family: string }> {
      try {
        const f = familyOf(families, input.spec.family);
        f.checkSpec(input.spec);
        for (const s of input.spec.searches)
          if (!f.searches.includes(s))
            throw ApplicationFailure.nonRetryable(`searches: ${f.id} has no search '${s}' (known: ${f.searches.join(', ')})`, 'InputError');
        const pool = input.spec.mode === 'pool' ? f.pool(input.spec) : null;
        if (pool && pool.length === 0)
          throw ApplicationFailure.nonRetryable('parameters: no published grid point of the family lies in the given ranges', 'InputError');
        await store.createScan(input.scanId, input.spec);
        return { poolSize: pool ? pool.length : null, family: f.describe() };
      } catch (e) {
        return nonRetryable(e);
      }
    },

    async recordProgress(p: ScanProgress): Promise<void> {
      await store.putProgress(p);
    },

    async aggregateCoverage(input: CoverageWorkflowInput): Promise<CoverageSummary> {
      return store.coverageSummary(input.scanIds);
    },
  };
}
