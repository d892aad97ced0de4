import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainSurrogate } from '../src/activities';
import { findModel } from '../src/registry';
import { revalidate } from '../src/train';

describe("surrogate training (the surrogate-gpu queue's trainSurrogate)", () => {
  const home = mkdtempSync(join(tmpdir(), 'sg-act-'));
  const saved = process.env.SIGMAP_HOME;
  process.env.SIGMAP_HOME = home;
  afterAll(() => {
    if (saved === undefined) delete process.env.SIGMAP_HOME;
    else process.env.SIGMAP_HOME = saved;
  });

  it('trains on the points of full evaluations, heartbeats, versions the model and re-validates it', async () => {
    const beats: unknown[] = [];
    const out = await trainSurrogate({
      heartbeat: (d) => beats.push(d),
      family: 'x0-e-e',
      seed: 3,
      objects: ['electron'],
      events: 160,
      kinds: ['iqn'],
      members: 2,
      budget: { generatorSteps: 100, headSteps: 60, hidden: [16, 16] },
      evaluations: [{ point: { mass: 1200 } }, { point: { mass: 2200 } }, { point: { mass: 1200 } }],
      createdAt: '2026-11-23T00:00:00Z',
    });
    expect(out.models).toHaveLength(1);
    expect(out.modelKey).toBe(out.models[0].id);
    expect(out.models[0].selected).toBe(true);
    expect(beats.some((b) => JSON.stringify(b).includes('full-sim train'))).toBe(true);
    const { path, artefact } = findModel(out.modelKey);
    expect(path.startsWith(join(home, 'models'))).toBe(true);
    const m = artefact.meta;
    expect(m.trainingDataDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(m.seed).toBe(3);
    expect(m.backend).toBe(out.backend);
    expect(m.members).toBe(2);
    expect(m.metrics?.w1.length).toBeGreaterThan(3);
    // The two distinct evaluated points were the training points (80 events each).
    expect(m.trainingEvents).toBe(160);
    expect(readdirSync(join(home, 'samples')).some((f) => /^full-x0-e-e-p2-[0-9a-f]{12}-e80-s3\.json$/.test(f))).toBe(true);
    const again = await revalidate(out.modelKey);
    expect(again.metrics?.w1.map((w) => w.w1)).toEqual(m.metrics?.w1.map((w) => w.w1));
    expect(existsSync(path)).toBe(true);
  });
});
