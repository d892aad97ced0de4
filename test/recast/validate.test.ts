import { describe, expect, it } from 'vitest';
import { getRecast, validateRecast, validationSvg } from '@sigmap/physics/src/recasts';
import { loadPublishedRecast } from '@sigmap/catalogue/src/recast/published';

// A stated subset (6 of the 116 T1 map points, 300 events each); the full validation is reports/recast/.
describe('validate-recast on a subset of ATLAS-SUSY-2015-06 T1 points', () => {
  const recast = getRecast('ATLAS-SUSY-2015-06');
  const pub = loadPublishedRecast(recast);
  const run = () => validateRecast({ recast, regions: pub.regions }, { events: 300, points: 6, seed: 7 });
  const first = run();

  it('reproduces the published 2-jet efficiencies to within a factor 1.6 (measured medians 1.16-1.20 on the full map)', async () => {
    const r = await first;
    expect(r.points).toHaveLength(6);
    expect(r.rule.threshold).toBe(0.01);
    for (const name of ['SR2jl', 'SR2jm']) {
      const a = r.agreement.perRegion.find((x) => x.region === name)!;
      expect(a.considered).toBeGreaterThanOrEqual(3);
      expect(a.medianRatio).toBeGreaterThan(0.7);
      expect(a.medianRatio).toBeLessThan(1.6);
    }
    // Published efficiencies are the database's numbers at the same masses.
    const i = pub.regions[0].efficiencyMap.points.findIndex((m) => m[0] === r.points[0].masses[0] && m[1] === r.points[0].masses[1]);
    expect(r.points[0].published[0]).toBe(pub.regions[0].efficiencyMap.values[i]);
    expect(r.contour.rows.length).toBeGreaterThan(0);
    const svg = validationSvg({ title: 't', regions: recast.regions.map((x) => x.name), points: r.points, threshold: 0.01, tolerance: 0.2, axes: { x: 'x', y: 'y' }, recastPlane: [], officialPlane: [], officialLabel: 'o' });
    expect(svg.match(/<circle/g)!.length).toBeGreaterThan(recast.regions.length);
  });

  it('is reproducible per seed', async () => {
    const [a, b] = [await first, await validateRecast({ recast, regions: pub.regions }, { events: 300, points: 2, seed: 7 })];
    // The same seed gives the same events at a point, whichever subset it is simulated in.
    const same = a.points.filter((p) => b.points.some((q) => q.masses.join() === p.masses.join()));
    expect(same.length).toBeGreaterThan(0);
    for (const p of same) expect(b.points.find((q) => q.masses.join() === p.masses.join())!.simulated).toEqual(p.simulated);
  });
});
