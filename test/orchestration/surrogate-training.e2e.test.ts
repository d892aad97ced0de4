import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateScanSpec } from '@sigmap/contracts';
import { findModel } from '@sigmap/surrogate';
import { client, inProcessWorkers, tmp, type InProcessWorkers } from './helpers';
import { startScanWorkflow, startSurrogateTrainingWorkflow } from '@sigmap/workflows/client';

// SurrogateTrainingWorkflow end to end on the real dev server: a small `full`-fidelity Z' scan, then training of an
// jet surrogate on that scan's model points (surrogate-gpu queue), versioned under SIGMAP_HOME/models.
describe('SurrogateTrainingWorkflow (real dev server)', () => {
  const dir = tmp('surrogate-train');
  const previousHome = process.env.SIGMAP_HOME;
  let env: InProcessWorkers;

  beforeAll(async () => {
    process.env.SIGMAP_HOME = join(dir, 'home');
    env = await inProcessWorkers(dir);
  });

  afterAll(async () => {
    await env?.stop();
    if (previousHome === undefined) delete process.env.SIGMAP_HOME;
    else process.env.SIGMAP_HOME = previousHome;
  });

  it('trains, validates and versions a surrogate on the full evaluations of a finished scan', async () => {
    const { client: c, close } = await client(env.server.address);
    try {
      const spec = validateScanSpec({
        family: 'zprime-ssm',
        parameters: { mass: { min: 1500, max: 3000, scale: 'log' }, g: { min: 0.3, max: 1, scale: 'log' } },
        searches: ['own-dilepton-resonance-13tev'],
        fidelity: { default: 'full', events: 100 },
        mode: 'continuous',
        batchSize: 2,
        budget: 2,
        initialPoints: 2,
        target: 0,
        seed: 4,
      });
      const scan = await (await startScanWorkflow(c, { scanId: 'e2e-full-for-training', spec })).result();
      expect(scan.evaluations.map((e) => e.fidelity)).toEqual(['full', 'full']);

      const r = await (
        await startSurrogateTrainingWorkflow(c, 'e2e-train-jet', {
          family: 'zprime-ssm',
          searches: spec.searches,
          scanIds: ['e2e-full-for-training'],
          seed: 5,
          objects: ['jet'],
          events: 160,
          kinds: ['iqn'],
          members: 2,
          budget: { generatorSteps: 80, headSteps: 40, hidden: [16, 16] },
        })
      ).result();
      expect(r.trainedOn).toBe(2);
      expect(r.modelKey).toMatch(/^jet-iqn-[0-9a-f]{12}-s5$/);
      expect(r.note).toMatch(/trained on the (wasm|cpu|tensorflow.*) backend/);
      const { path, artefact } = findModel(r.modelKey!);
      expect(path.startsWith(join(dir, 'home', 'models'))).toBe(true);
      expect(artefact.meta.seed).toBe(5);
      expect(artefact.meta.members).toBe(2);
      expect(artefact.meta.trainingDataDigest).toMatch(/^[0-9a-f]{64}$/);
      expect(artefact.meta.metrics?.w1.length).toBeGreaterThan(0);

      // too few objects of the kind asked for: an input error, not retried
      await expect(
        startSurrogateTrainingWorkflow(c, 'e2e-train-few', {
          family: 'zprime-ssm',
          searches: [],
          scanIds: [],
          seed: 1,
          objects: ['photon'],
          events: 40,
          kinds: ['iqn'],
          members: 1,
        }).then((h) => h.result()),
      ).rejects.toThrow();
      const few = (await c.workflow.getHandle('e2e-train-few').fetchHistory()).events ?? [];
      expect(few.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt)).toEqual([1]);
      // bad input is not retried: the workflow fails at once with the field named
      await expect(
        startSurrogateTrainingWorkflow(c, 'e2e-train-bad', { family: 'zprime-ssm', searches: [], scanIds: [], seed: 1, objects: ['gluon'] }).then((h) =>
          h.result(),
        ),
      ).rejects.toThrow();
      const bad = await c.workflow.getHandle('e2e-train-bad').fetchHistory();
      const failed = (bad.events ?? []).find((e) => e.activityTaskFailedEventAttributes)?.activityTaskFailedEventAttributes?.failure;
      expect(failed?.message).toMatch(/objects: unknown object type 'gluon'/);
    } finally {
      await close();
    }
  }, 600_000);
});
