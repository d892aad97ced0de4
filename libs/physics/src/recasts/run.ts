/**
 * `validate-recast` without the I/O: simulate the mass points of a recast's published efficiency maps with an
 * external generator (Pythia 8, the CLI's default) or the built-in one, and the fast detector; compare per region, and
 * build the exclusion of each set of efficiencies (best expected region, or the combined likelihood of disjoint
 * regions when the caller supplies it).
 */
import { InputError, createRng } from '@sigmap/contracts';
import type { EventRecord } from '../generator/event';
import { fastDetector } from '../detector/fast';
import { getFamily } from '../families/registry';
import type { Point } from '../families/types';
import { generatedBatches } from '../simulate';
import { countRegions, emptyRegionCounts, regionEfficiencies } from './counts';
import type { Recast } from './types';
import {
  type AgreementRule,
  type ContourComparison,
  type PlanePoint,
  type RegionAgreement,
  type RegionCountsPublished,
  type ValidationPoint,
  agreementRule,
  bestRegionR,
  compareContours,
  regionAgreement,
} from './validation';

interface PublishedRegionInput extends RegionCountsPublished {
  efficiencyMap: { points: number[][]; values: number[] };
}

interface ValidationInput {
  recast: Recast;
  regions: PublishedRegionInput[];
  /** The official observed upper limit (pb) at map masses, when there is an official UL map; null outside it. */
  officialUpperLimitPb?: (masses: number[]) => number | null;
  /**
   * For recasts with disjoint regions: r = 1 / mu_UL(obs) of the combined counting likelihood of all regions, given the
   * cross section (pb) and the per-region efficiencies (the caller owns the statistics: catalogue's CountingLikelihood).
   */
  combinedR?: (crossSectionPb: number, effs: readonly number[]) => number;
}

interface ValidationOptions {
  events: number;
  /** Evenly spaced subset of the map's points (all when absent). */
  points?: number;
  seed: number;
  onPoint?: (done: number, total: number, p: ValidationPoint) => void | Promise<void>;
  /** Generated events of a point from an external generator (Pythia 8); the built-in generator when absent. */
  eventSource?: {
    name: string;
    batches(family: string, point: Point, events: number, seed: number, extraSettings?: readonly string[]): AsyncIterable<{ events: EventRecord[] }>;
  };
  /** Further settings for the external generator (stated in the report), after the generator's own configuration. */
  generatorSettings?: readonly string[];
  /** Apply the recast's forced decays (external generator only; default true). */
  forcedDecays?: boolean;
}

export interface ValidationReport {
  analysis: string;
  txName: string;
  family: string;
  generator: string;
  detector: 'fast';
  events: number;
  seed: number;
  mapPoints: number;
  /** Settings given to the external generator beyond its own configuration and the forced decays (empty: none). */
  generatorSettings: string[];
  /** The experiment's generator tune applied (external generator only; null: Pythia's defaults). */
  generatorTune: { settings: string[]; source: string } | null;
  /** The detector's b-tagging working point when the recast sets its own (null: the default ATLAS-like one). */
  detectorSettings: { btag: Record<string, number>; source: string } | null;
  /** The decays the generator was restricted to and the branching fraction the efficiencies were scaled by; null: inclusive. */
  forcedDecays: { settings: string[]; branchingFraction: number; source: string } | null;
  /** The published maps' model and the fraction of its events the family makes (per point: `modelFraction`); null: the family's own. */
  publishedModel: { description: string; source: string } | null;
  /** Map points the family cannot generate (off-shell decays, mass bounds), with the reason. */
  skipped: { masses: number[]; reason: string }[];
  points: (ValidationPoint & {
    point: Point;
    modelFraction: number;
    rRecast: number;
    rPublished: number;
    rOfficial: number | null;
    rRecastCombined: number | null;
    rPublishedCombined: number | null;
  })[];
  rule: AgreementRule;
  agreement: { perRegion: RegionAgreement[]; considered: number; within: number; withinOrStat: number };
  officialContour: string;
  contour: ContourComparison;
  /** The recast's contour against the one the published efficiencies give (always available). */
  contourVsPublishedEff: ContourComparison;
  /** How r is computed: the best expected region (SModelS's default), or the combined likelihood of disjoint regions. */
  exclusion: 'best-region' | 'combined';
  /** With a combined likelihood: the best-region contours, for comparison (null otherwise). */
  bestRegion: { contour: ContourComparison; contourVsPublishedEff: ContourComparison; publishedVsOfficial: ContourComparison | null } | null;
  /** The published efficiencies' own contour against the official one (how well the exclusion method can do). */
  publishedVsOfficial: ContourComparison | null;
}

const key = (m: number[]) => m.map((x) => x.toFixed(3)).join(',');

/** Evenly spaced (in file order sorted by masses) subset of k of the items. */
function evenSubset<T>(items: readonly T[], k: number | undefined): T[] {
  if (k === undefined || k >= items.length) return [...items];
  if (!Number.isInteger(k) || k < 1) throw new InputError('--points', `expected an integer >= 1, got ${k}`);
  return Array.from({ length: k }, (_, i) => items[Math.floor(((i + 0.5) * items.length) / k)]);
}

export async function validateRecast(input: ValidationInput, opts: ValidationOptions): Promise<ValidationReport> {
  const { recast, regions } = input;
  if (!Number.isInteger(opts.events) || opts.events < 1) throw new InputError('--events', `expected an integer >= 1, got ${opts.events}`);
  const family = getFamily(recast.family);
  const maps = regions.map((r) => new Map(r.efficiencyMap.points.map((m, i) => [key(m), r.efficiencyMap.values[i]])));
  const all = regions[0].efficiencyMap.points.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const skipped: ValidationReport['skipped'] = [];
  const usable: { masses: number[]; point: Point }[] = [];
  for (const masses of all) {
    try {
      usable.push({ masses, point: family.validate(recast.pointFromMasses(masses)) });
    } catch (e) {
      skipped.push({ masses, reason: (e as Error).message });
    }
  }
  const chosen = evenSubset(usable, opts.points);
  const forced = opts.eventSource && opts.forcedDecays !== false && recast.forcedDecays ? recast.forcedDecays : null;
  const tune = opts.eventSource && recast.generatorTune ? recast.generatorTune : null;
  if (opts.generatorSettings?.length && !opts.eventSource)
    throw new InputError('--pythia-settings', 'applies to an external generator (--generator pythia8) only');
  // The experiment's tune first, then the forced decays, then the caller's settings (which may override either).
  const extra = [...(tune?.pythiaSettings ?? []), ...(forced?.pythiaSettings ?? []), ...(opts.generatorSettings ?? [])];
  const detOpts = { btag: recast.detector?.btag, fatJets: recast.needsFatJets === true };
  const points: ValidationReport['points'] = [];
  for (const { masses, point } of chosen) {
    const counts = emptyRegionCounts(recast);
    if (opts.eventSource) {
      // The detector's randomness: its own stream of the seed, forked per batch.
      const det = createRng(opts.seed).fork(0x5eed);
      let b = 0;
      for await (const { events } of opts.eventSource.batches(recast.family, point, opts.events, opts.seed, extra.length ? extra : undefined)) {
        const rng = det.fork(b++);
        countRegions(
          recast,
          events.map((ev) => fastDetector(ev, rng, detOpts)),
          counts,
        );
      }
    } else
      for (const { events, rng } of generatedBatches(family, point, family.prepare(point), opts.events, opts.seed))
        countRegions(
          recast,
          events.map((ev) => fastDetector(ev, rng, detOpts)),
          counts,
        );
    const raw = regionEfficiencies(counts, opts.events);
    // Efficiencies are per inclusive event: scale the forced-decay sample by the kept branching fraction.
    // ... and by the fraction of the published model's events the family makes (recast.publishedModel).
    const modelFraction = recast.publishedModel?.fraction(point) ?? 1;
    const bf = (forced?.branchingFraction ?? 1) * modelFraction;
    const eff = raw.eff.map((x) => x * bf);
    const err = raw.err.map((x) => x * bf);
    const xs = family.crossSectionPb(point);
    const published = maps.map((m) => m.get(key(masses)) ?? NaN);
    const ul = input.officialUpperLimitPb?.(masses) ?? null;
    const vp = { masses, crossSectionPb: xs, published, simulated: eff, simulatedError: err };
    const combined = input.combinedR;
    points.push({
      ...vp,
      point,
      modelFraction,
      rRecast: bestRegionR(xs, eff, regions).r,
      rPublished: bestRegionR(xs, published, regions).r,
      rOfficial: ul === null ? null : (xs * (recast.upperLimitTxName?.crossSectionFactor ?? 1)) / ul,
      rRecastCombined: combined ? combined(xs, eff) : null,
      rPublishedCombined: combined && published.every(Number.isFinite) ? combined(xs, published) : null,
    });
    await opts.onPoint?.(points.length, chosen.length, vp);
  }
  const rule = agreementRule(points);
  const plane = (r: (p: (typeof points)[number]) => number | null) =>
    points.filter((p) => r(p) !== null).map((p): PlanePoint => ({ x: p.masses[0], y: p.masses[1], excluded: r(p)! >= 1 }));
  const useCombined = !!input.combinedR;
  const recastPlane = plane((p) => (useCombined ? p.rRecastCombined : p.rRecast));
  const publishedPlane = plane((p) => (useCombined ? p.rPublishedCombined : p.rPublished));
  const hasOfficial = !!input.officialUpperLimitPb;
  const officialPlane = hasOfficial ? plane((p) => p.rOfficial) : null;
  const bestRecast = plane((p) => p.rRecast);
  const bestPublished = plane((p) => p.rPublished);
  return {
    analysis: recast.id,
    txName: recast.txName,
    family: recast.family,
    generator: opts.eventSource?.name ?? 'builtin',
    detector: 'fast',
    events: opts.events,
    seed: opts.seed,
    mapPoints: all.length,
    generatorSettings: [...(opts.generatorSettings ?? [])],
    generatorTune: tune ? { settings: [...tune.pythiaSettings], source: tune.source } : null,
    detectorSettings: recast.detector
      ? { btag: { ...recast.detector.btag.eff, etaMax: recast.detector.btag.etaMax, ptMin: recast.detector.btag.ptMin }, source: recast.detector.source }
      : null,
    forcedDecays: forced ? { settings: [...forced.pythiaSettings], branchingFraction: forced.branchingFraction, source: forced.source } : null,
    publishedModel: recast.publishedModel ? { description: recast.publishedModel.description, source: recast.publishedModel.source } : null,
    skipped,
    points,
    rule,
    agreement: regionAgreement(
      recast.regions.map((r) => r.name),
      points,
      rule,
    ),
    officialContour: hasOfficial
      ? `the official observed UL map (${recast.upperLimitPath}/${recast.upperLimitTxName?.txName ?? recast.txName}): excluded where ${recast.upperLimitTxName ? `${recast.upperLimitTxName.crossSectionFactor} x ` : ''}sigma > UL_obs${recast.upperLimitTxName ? ` (${recast.upperLimitTxName.source})` : ''}`
      : 'no official UL map in the database: the exclusion the published efficiency maps give (best expected region, published per-region UL_obs)',
    contour: compareContours(recastPlane, officialPlane ?? publishedPlane),
    contourVsPublishedEff: compareContours(recastPlane, publishedPlane),
    exclusion: useCombined ? 'combined' : 'best-region',
    bestRegion: useCombined
      ? {
          contour: compareContours(bestRecast, officialPlane ?? bestPublished),
          contourVsPublishedEff: compareContours(bestRecast, bestPublished),
          publishedVsOfficial: officialPlane ? compareContours(bestPublished, officialPlane) : null,
        }
      : null,
    publishedVsOfficial: officialPlane ? compareContours(publishedPlane, officialPlane) : null,
  };
}
