/**
 * Long activities heartbeat while their compute thread works and stop on cancellation within seconds (issue 18 item
 * 1): a full-fidelity simulate and a GP proposal, cancelled through the activity context as Temporal cancels them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { MockActivityEnvironment } from '@temporalio/testing';
import { CancelledFailure } from '@temporalio/activity';
import { DefaultLogger } from '@temporalio/worker';
import { validateScanSpec, type EvaluatedPoint, type SimulateInput } from '@sigmap/contracts';
import { FamilyRegistry } from '@sigmap/families';
import type { Store } from '@sigmap/store';
import { ThreadCompute } from '../compute/compute';
import { createSimulationActivities, createStatsActivities } from '.';

const compute = new ThreadCompute(1, 1000);
afterAll(() => compute.close());
const quiet = new DefaultLogger('ERROR', () => undefined);

/** Only what simulate / proposeBatch read before their compute task. */
const store = (evaluations: EvaluatedPoint[] = []) =>
  ({
    getScan: async () => null,
    listEvaluations: async () => evaluations,
    putGpSnapshot: async () => undefined,
    putYields: async () => 'never',
  }) as unknown as Store;

async function cancelAfter(env: MockActivityEnvironment, run: Promise<unknown>, ready: () => boolean): Promise<{ error: unknown; ms: number }> {
  let settled = false;
  void run.then(
    () => (settled = true),
    () => (settled = true),
  );
  const t0 = performance.now();
  while (!ready() && !settled && performance.now() - t0 < 90_000) await new Promise((r) => setTimeout(r, 50));
  expect(ready()).toBe(true);
  // still working when cancelled
  expect(settled).toBe(false);
  const tc = performance.now();
  env.cancel();
  const error = await run.then(
    () => null,
    (e) => e,
  );
  return { error, ms: performance.now() - tc };
}

describe('cancellation of long activities', () => {
  it('simulate (full fidelity, 10^6 events) heartbeats its progress and stops within seconds of the cancel', async () => {
    const acts = createSimulationActivities({ store: store(), families: new FamilyRegistry(), compute });
    const env = new MockActivityEnvironment(undefined, { logger: quiet });
    const beats: { at?: { done: number } }[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(JSON.parse(JSON.stringify(d))));
    const input: SimulateInput = {
      scanId: 's',
      family: 'zprime-ssm',
      point: { mass: 3000, g: 0.3 },
      searches: ['own-dilepton-resonance-13tev'],
      fidelity: 'full',
      events: 1_000_000,
      seed: 1,
    };
    const run = env.run(acts.simulate, input);
    const { error, ms } = await cancelAfter(env, run, () => beats.some((b) => (b.at?.done ?? 0) > 0));
    process.stdout.write(`simulate: ${beats.length} heartbeats, ${beats[beats.length - 1].at?.done} events done; cancelled in ${ms.toFixed(0)} ms\n`);
    expect(error).toBeInstanceOf(CancelledFailure);
    expect(ms).toBeLessThan(2000);
  }, 120_000);

  it('proposeBatch (a GP fit on 400 points) stops within seconds of the cancel', async () => {
    const spec = validateScanSpec({
      family: 'excursion-fast2d',
      parameters: { x: { min: 0, max: 1.5 }, y: { min: 0, max: 1.5 } },
      searches: ['excursion-fast2d'],
      fidelity: 'lookup',
      mode: 'continuous',
      budget: 1000,
      batchSize: 50,
      seed: 1,
    });
    const evaluations: EvaluatedPoint[] = Array.from({ length: 400 }, (_, i) => {
      const point = { x: (i % 20) * 0.075, y: Math.floor(i / 20) * 0.075 };
      const clsObs = Math.min(1, Math.max(0, 0.5 + (Math.sin(3 * point.x) * Math.cos(2 * point.y)) / 2));
      return {
        point,
        key: `x=${point.x},y=${point.y}`,
        search: 'excursion-fast2d',
        fidelity: 'lookup',
        seed: 1,
        clsObs,
        clsExp: [clsObs, clsObs, clsObs, clsObs, clsObs],
        region: null,
        excluded: clsObs < 0.05,
      };
    });
    const acts = createStatsActivities({ store: store(evaluations), families: new FamilyRegistry(), compute });
    const env = new MockActivityEnvironment(undefined, { logger: quiet });
    let beats = 0;
    env.on('heartbeat', () => beats++);
    const run = env.run(acts.proposeBatch, { scanId: 's', spec, q: 50, pending: [], round: 3 });
    // the fit has started once the activity heartbeats from the ticker (the thread is busy)
    const { error, ms } = await cancelAfter(env, run, () => beats >= 3);
    process.stdout.write(`proposeBatch: ${beats} heartbeats; cancelled in ${ms.toFixed(0)} ms\n`);
    expect(error).toBeInstanceOf(CancelledFailure);
    expect(ms).toBeLessThan(2000);
  }, 120_000);
});
