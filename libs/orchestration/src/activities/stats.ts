import { Context } from '@temporalio/activity';
import {
  pointKey,
  scannedParameters,
  type EvaluatedPoint,
  type FinalizeScanInput,
  type LimitInput,
  type LimitResult,
  type ProposeBatchInput,
  type ProposeBatchResult,
  type ScanReport,
} from '@sigmap/contracts';
import { CLS_LIMIT } from '@sigmap/scan';
import type { SearchYields } from '@sigmap/families';
import type { StatsActivities } from '@sigmap/workflows';
import { familyOf, inputFailure } from '../compute/tasks';
import { computeHeartbeating, type ActivityDeps } from './common';

/**
 * The `stats-cpu` queue: the GP round (fit + batch proposal), the final report and the CLs of each (point, search).
 * The numerics run in deps.compute (a thread); the activity heartbeats meanwhile and stops them on cancellation.
 */
export function createStatsActivities(deps: ActivityDeps): StatsActivities {
  const { store, families, compute } = deps;

  /** The yields `simulate` stored for one search of a simulated point (key input.yieldsKey). */
  async function storedYieldsOf(input: LimitInput): Promise<SearchYields> {
    const f = familyOf(families, input.family);
    if (!f.limitFromYields) throw inputFailure('fidelity', `${f.id} is not simulated (it supports ${f.fidelities.join(', ')}), not '${input.fidelity}'`);
    if (!input.yieldsKey) throw inputFailure('yieldsKey', `is required for fidelity '${input.fidelity}' (the key simulate returned)`);
    const stored = (await store.getYields(input.yieldsKey)) as Record<string, SearchYields> | null;
    if (!stored) throw inputFailure('yieldsKey', `no stored yields under '${input.yieldsKey}'`);
    const y = stored[input.search];
    if (!y)
      throw inputFailure('search', `the yields under '${input.yieldsKey}' have no search '${input.search}' (they have: ${Object.keys(stored).join(', ')})`);
    return y;
  }

  const started = () => ({ started: true });

  return {
    /** One round of the @sigmap/scan loop (proposeStep) on the stored evaluations; the GP state is snapshotted. */
    async proposeBatch(input: ProposeBatchInput): Promise<ProposeBatchResult> {
      const { spec } = input;
      const evaluations = await store.listEvaluations(input.scanId);
      const step = await computeHeartbeating(compute, 'propose', { spec, evaluations, pending: input.pending, q: input.q, round: input.round }, () => ({
        round: input.round,
      }));
      await store.putGpSnapshot({
        scanId: input.scanId,
        round: input.round,
        digest: step.gpDigest,
        trainingSize: step.trainingSize,
        misclassified: step.misclassified,
        state: step.state,
      });
      return {
        points: step.points,
        misclassified: step.misclassified,
        trainingSize: step.trainingSize,
        gpDigest: step.gpDigest,
        candidatesLeft: step.candidatesLeft,
        contour: step.contour,
      };
    },

    async computeLimit(input: LimitInput): Promise<LimitResult> {
      const key = pointKey(input.point);
      const prior = await store.getEvaluation(input.scanId, key, input.search, input.fidelity, input.seed);
      if (prior) {
        let escalate: LimitResult['escalate'];
        if (input.escalation) {
          const y = await storedYieldsOf(input);
          escalate = (
            await computeHeartbeating(
              compute,
              'limitFromYields',
              {
                family: input.family,
                point: input.point,
                search: input.search,
                fidelity: input.fidelity,
                yields: y,
                escalation: input.escalation,
                escalationOnly: true,
              },
              started,
            )
          ).escalate;
        }
        return {
          pointKey: key,
          search: input.search,
          clsObs: prior.clsObs,
          clsExp: prior.clsExp,
          region: prior.region,
          excluded: prior.excluded,
          cached: true,
          escalate,
        };
      }
      let limit;
      let escalate: LimitResult['escalate'];
      if (input.fidelity === 'lookup') {
        const f = familyOf(families, input.family);
        const cached = f.limitScope ? `${input.search}@${f.limitScope()}` : input.search;
        limit = await store.getLimit(cached, key, 'lookup');
        if (!limit) {
          if (!f.lookupLimit) throw inputFailure('fidelity', `${f.id} has no lookup limits`);
          // heartbeats carry the last finished sub-likelihood (resumable details), every second in between, so a long
          // sub-step (a pyhf fit in a child process) does not look like a dead worker
          const resumeFrom = Context.current().info.heartbeatDetails ?? null;
          let details: unknown = resumeFrom ?? { started: true };
          limit = await computeHeartbeating(
            compute,
            'lookupLimit',
            { family: input.family, point: input.point, search: input.search, resumeFrom },
            () => details,
            (d) => (details = d),
          );
          await store.putLimit(cached, key, 'lookup', limit);
        }
      } else {
        const y = await storedYieldsOf(input);
        const r = await computeHeartbeating(
          compute,
          'limitFromYields',
          { family: input.family, point: input.point, search: input.search, fidelity: input.fidelity, yields: y, escalation: input.escalation },
          () => ({ search: input.search }),
        );
        limit = r.limit!;
        escalate = r.escalate;
      }
      const e: EvaluatedPoint = {
        point: input.point,
        key,
        search: input.search,
        fidelity: input.fidelity,
        seed: input.seed,
        clsObs: limit.clsObs,
        clsExp: limit.clsExp,
        region: limit.region,
        excluded: limit.clsObs < CLS_LIMIT,
      };
      await store.putEvaluation(input.scanId, e);
      return { pointKey: key, search: input.search, clsObs: e.clsObs, clsExp: e.clsExp, region: e.region, excluded: e.excluded, cached: false, escalate };
    },

    async finalizeScan(input: FinalizeScanInput): Promise<ScanReport> {
      const evals = await store.listEvaluations(input.scanId);
      const report = await computeHeartbeating(compute, 'report', { spec: input.spec, evaluations: evals }, () => ({ report: input.scanId }));
      const events = await store.listEvents(input.scanId);
      const rounds = events.filter((e) => e.kind === 'progress').reduce((m, e) => Math.max(m, e.round), 0);
      // the report's learner saw every evaluated point (a scan that spends its budget evaluates one batch after its
      // last round's fit): it is the scan's last GP snapshot, the one the coverage map classifies with
      if (report.state)
        await store.putGpSnapshot({
          scanId: input.scanId,
          round: rounds + 1,
          digest: report.gpDigest,
          trainingSize: report.trainingSize,
          misclassified: report.misclassified,
          state: report.state,
        });
      await store.setScanStatus(input.scanId, input.status);
      return {
        scanId: input.scanId,
        spec: input.spec,
        status: input.status,
        parameters: scannedParameters(input.spec),
        evaluations: evals.map((e) => ({
          point: e.point,
          key: e.key,
          search: e.search,
          fidelity: e.fidelity,
          seed: e.seed,
          clsObs: e.clsObs,
          clsExp: e.clsExp,
          region: e.region,
          excluded: e.excluded,
        })),
        contour: report.contour,
        misclassified: report.misclassified,
        rounds,
      };
    },
  };
}
