import { describe, expect, it } from 'vitest';
import { getFamily } from '@sigmap/physics';
import { generatedBatches } from '@sigmap/physics/src/simulate';
import { getRecast, validateRecast, validationSvg } from '@sigmap/physics/src/recasts';
import { loadPublishedRecast } from '@sigmap/catalogue/src/recast/published';
import { binoPhotonBranching } from '@sigmap/physics/src/recasts/atlas-susy-2016-27';

// A stated subset (6 of the 116 T1 map points, 800 events each; at 300 the SR2jm median over these 6 points ranged 1.07-1.62 across seeds 7-9, at 800 1.10-1.39); the full validation is reports/recast/.
describe('validate-recast on a subset of ATLAS-SUSY-2015-06 T1 points', () => {
  const recast = getRecast('ATLAS-SUSY-2015-06');
  const pub = loadPublishedRecast(recast);
  const run = () => validateRecast({ recast, regions: pub.regions }, { events: 800, points: 6, seed: 7 });
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
    const svg = validationSvg({
      title: 't',
      regions: recast.regions.map((x) => x.name),
      points: r.points,
      threshold: 0.01,
      tolerance: 0.2,
      axes: { x: 'x', y: 'y' },
      recastPlane: [],
      officialPlane: [],
      officialLabel: 'o',
    });
    expect(svg.match(/<circle/g)!.length).toBeGreaterThan(recast.regions.length);
  });

  it('is reproducible per seed', async () => {
    const [a, b] = [await first, await validateRecast({ recast, regions: pub.regions }, { events: 800, points: 2, seed: 7 })];
    // The same seed gives the same events at a point, whichever subset it is simulated in.
    const same = a.points.filter((p) => b.points.some((q) => q.masses.join() === p.masses.join()));
    expect(same.length).toBeGreaterThan(0);
    for (const p of same) expect(b.points.find((q) => q.masses.join() === p.masses.join())!.simulated).toEqual(p.simulated);
  });
});

// The forced-decay path of an external generator: the settings reach the generator and the efficiencies are scaled
// by the kept branching fraction. The source is sigmap's built-in generator behind the external-source interface (it
// cannot apply Pythia settings, so the same events come back and only the scaling differs); T1 is used so that a
// few hundred events select some, with the TChiWZ recast's declared forced decays.
describe('validate-recast forced decays', () => {
  it('ATLAS-SUSY-2016-24 declares W -> l nu, Z -> ll with the PDG fraction', () => {
    const f = getRecast('ATLAS-SUSY-2016-24').forcedDecays!;
    expect(f.pythiaSettings).toEqual(['24:onMode = off', '24:onIfAny = 11 13 15', '23:onMode = off', '23:onIfAny = 11 13 15']);
    expect(f.branchingFraction).toBeCloseTo((0.1071 + 0.1063 + 0.1138) * (0.033632 + 0.033662 + 0.033696), 12);
  });

  it('passes the settings to the generator and scales the efficiencies by the kept fraction', async () => {
    const base = getRecast('ATLAS-SUSY-2015-06');
    const recast = { ...base, forcedDecays: getRecast('ATLAS-SUSY-2016-24').forcedDecays };
    const pub = loadPublishedRecast(base);
    const seen: (readonly string[] | undefined)[] = [];
    const source = {
      name: 'builtin-as-external',
      async *batches(familyId: string, point: Record<string, number>, events: number, seed: number, extra?: readonly string[]) {
        seen.push(extra);
        const family = getFamily(familyId);
        for (const b of generatedBatches(family, point, family.prepare(point), events, seed)) yield { events: b.events };
      },
    };
    const opts = { events: 200, points: 2, seed: 3, eventSource: source };
    const forced = await validateRecast({ recast, regions: pub.regions }, opts);
    const inclusive = await validateRecast({ recast, regions: pub.regions }, { ...opts, forcedDecays: false });
    expect(forced.forcedDecays!.branchingFraction).toBe(recast.forcedDecays!.branchingFraction);
    expect(inclusive.forcedDecays).toBeNull();
    // The recast's tune (ATLAS A14) first, then the forced decays; without forced decays the tune alone.
    expect(seen[0]).toEqual([...recast.generatorTune!.pythiaSettings, ...recast.forcedDecays!.pythiaSettings]);
    expect(seen.at(-1)).toEqual(recast.generatorTune!.pythiaSettings);
    expect(forced.generatorTune!.settings).toEqual(['Tune:pp = 21']);
    const f = forced.points.flatMap((p) => p.simulated);
    const i = inclusive.points.flatMap((p) => p.simulated);
    expect(i.some((x) => x > 0)).toBe(true);
    f.forEach((x, k) => expect(x).toBeCloseTo(i[k] * recast.forcedDecays!.branchingFraction, 14));
    // Extra generator settings follow the forced decays and are stated in the report.
    seen.length = 0;
    const diag = await validateRecast({ recast, regions: pub.regions }, { ...opts, points: 1, generatorSettings: ['SpaceShower:pTmaxMatch = 1'] });
    expect(seen[0]).toEqual([...recast.generatorTune!.pythiaSettings, ...recast.forcedDecays!.pythiaSettings, 'SpaceShower:pTmaxMatch = 1']);
    expect(diag.generatorSettings).toEqual(['SpaceShower:pTmaxMatch = 1']);
    // The built-in generator takes no generator settings.
    await expect(validateRecast({ recast, regions: pub.regions }, { events: 10, points: 1, seed: 1, generatorSettings: ['a = 1'] })).rejects.toThrow(
      /pythia-settings/,
    );
  });
});

// ATLAS-SUSY-2016-24-2l0j on a stated subset (5 of the 81 TSelSel map points, 500 built-in events each; built-in
// generator: no shower, so no ISR jets to veto: its medians were 1.15-1.19 on 10 points x 1000 events). The Pythia 8
// validation is reports/recast/ATLAS-SUSY-2016-24-2l0j.md.
describe('validate-recast on a subset of the ATLAS-SUSY-2016-24-2l0j slepton map', () => {
  it('reproduces the published SR2-SF-loose efficiencies within a factor 1.5 and applies the official map factor', async () => {
    const recast = getRecast('ATLAS-SUSY-2016-24-2l0j');
    const pub = loadPublishedRecast(recast);
    const r = await validateRecast({ recast, regions: pub.regions, officialUpperLimitPb: () => 0.002 }, { events: 500, points: 5, seed: 3 });
    expect(r.points).toHaveLength(5);
    const loose = r.agreement.perRegion.find((x) => x.region === 'SR2-SF-loose')!;
    expect(loose.considered).toBeGreaterThanOrEqual(4);
    expect(loose.medianRatio).toBeGreaterThan(0.8);
    expect(loose.medianRatio).toBeLessThan(1.5);
    // r official = 1.5 sigma / UL (the TSlepSlep constraint factor), sigma = two flavours of the L+R table.
    for (const p of r.points) expect(p.rOfficial!).toBeCloseTo((1.5 * p.crossSectionPb) / 0.002, 9);
    expect(r.officialContour).toMatch(/TSlepSlep.*1\.5 x sigma/);
  });
});

// ATLAS-SUSY-2018-22 on a stated subset (6 of the 145 T1 map points, 400 built-in events each; the built-in
// generator gave medians 0.85-1.01 on this subset at 300 events). The Pythia 8 validation is reports/recast/.
describe('validate-recast on a subset of the ATLAS-SUSY-2018-22 gluino map', () => {
  it('reproduces the published SR4j-1000 efficiencies within a factor 1.5', async () => {
    const recast = getRecast('ATLAS-SUSY-2018-22');
    const pub = loadPublishedRecast(recast);
    const r = await validateRecast({ recast, regions: pub.regions }, { events: 400, points: 6, seed: 5 });
    const a = r.agreement.perRegion.find((x) => x.region === 'SR4j_1000')!;
    expect(a.considered).toBeGreaterThanOrEqual(3);
    expect(a.medianRatio).toBeGreaterThan(0.67);
    expect(a.medianRatio).toBeLessThan(1.5);
    expect(pub.upperLimitMap!.file).toBe('13TeV/ATLAS/ATLAS-SUSY-2018-22/data/T1.txt');
  });
});

// ATLAS-SUSY-2016-27 on a stated subset (6 of the 117 T5gg map points, 400 built-in events each; measured medians
// 1.11 (SRyy-SL) and 1.01 (SRyy-SH) at seed 5). The Pythia 8 validation is reports/recast/.
describe('validate-recast on a subset of the ATLAS-SUSY-2016-27 gluino-bino map', () => {
  it('the bino photon branching fraction: 1 below m_Z, cos^2 theta_W far above, the (1 - m_Z^2 / m^2)^4 suppression between', () => {
    expect(binoPhotonBranching(50)).toBe(1);
    expect(binoPhotonBranching(1e6)).toBeCloseTo(1 - 0.23122, 6);
    const z = 0.23122 * (1 - (91.1876 / 200) ** 2) ** 4;
    expect(binoPhotonBranching(200)).toBeCloseTo(0.76878 / (0.76878 + z), 12);
  });

  it("reproduces the published diphoton efficiencies within a factor 1.5 once the maps' BR(gamma G~)^2 is applied", async () => {
    const recast = getRecast('ATLAS-SUSY-2016-27');
    const pub = loadPublishedRecast(recast);
    const r = await validateRecast({ recast, regions: pub.regions }, { events: 400, points: 6, seed: 5 });
    for (const p of r.points) expect(p.modelFraction).toBeCloseTo(binoPhotonBranching(p.point.m_chi) ** 2, 12);
    expect(r.publishedModel!.description).toMatch(/bino/);
    for (const a of r.agreement.perRegion) {
      expect(a.considered, a.region).toBeGreaterThanOrEqual(5);
      expect(a.medianRatio, a.region).toBeGreaterThan(0.67);
      expect(a.medianRatio, a.region).toBeLessThan(1.5);
    }
    // Without the published model's factor the family's pure T5gg efficiencies are 1 / BR^2 ~ 1.7 higher.
    const pure = await validateRecast({ recast: { ...recast, publishedModel: undefined }, regions: pub.regions }, { events: 400, points: 6, seed: 5 });
    pure.points.forEach((p, i) => p.simulated.forEach((e, k) => expect(e * r.points[i].modelFraction).toBeCloseTo(r.points[i].simulated[k], 12)));
    expect(pub.upperLimitMap!.file).toBe('13TeV/ATLAS/ATLAS-SUSY-2016-27/data/T5gg.txt');
  });
});
