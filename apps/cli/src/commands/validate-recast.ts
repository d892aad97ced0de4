import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@sigmap/contracts';
import { CountingLikelihood, GridInterpolator, repoRoot, upperLimitOnMu } from '@sigmap/catalogue';
import { loadPublishedRecast, smodelsDatabaseRoot } from '@sigmap/catalogue/src/recast/published';
import { type ValidationReport, getRecast, listRecasts, validateRecast, validationSvg } from '@sigmap/physics/src/recasts';
import { integerOption, parseCli, printJson } from '../args';
import type { CliCommand } from '../command';
import { formatNumber, formatTable } from '../output';

const GENERATORS = ['builtin', 'pythia8'] as const;

/**
 * r = 1 / mu_UL(obs, 95% CL) of the product of the regions' Poisson counts with uncorrelated Gaussian backgrounds
 * (the simplified likelihood of CMS-NOTE-2017-001 with a diagonal covariance bgError^2; CLs, q~_mu asymptotics):
 * for disjoint regions whose background correlations are not published.
 */
function combinedR(regions: { observedN: number; expectedBG: number; bgError: number }[], lumiFb: number) {
  return (crossSectionPb: number, effs: readonly number[]): number => {
    const nsignal = effs.map((e) => crossSectionPb * 1000 * lumiFb * e);
    if (!nsignal.some((x) => x > 0)) return 0;
    const lh = new CountingLikelihood({
      observed: regions.map((r) => r.observedN),
      backgrounds: regions.map((r) => r.expectedBG),
      covariance: regions.map((r, i) => regions.map((q, j) => (i === j ? r.bgError ** 2 : 0))),
      nsignal,
    });
    const mu = upperLimitOnMu(lh, 'observed');
    return mu === undefined || !(mu > 0) ? 0 : 1 / mu;
  };
}

/** Pythia 8 through @sigmap/generators (loaded only here: it starts a Python driver). */
function pythiaSource() {
  const { driverBatches, pythiaConfig } = require('@sigmap/generators') as typeof import('@sigmap/generators');
  return {
    name: 'pythia8',
    batches: (family: string, point: Record<string, number>, events: number, seed: number, extraSettings: readonly string[] = []) => {
      const { config } = pythiaConfig(family, point);
      return driverBatches({ source: 'pythia', ...config, settings: [...config.settings, ...extraSettings], seed, events, batchSize: 256 });
    },
  };
}

function markdown(
  r: ValidationReport,
  regions: string[],
  sources: { globalInfo: string; lumiFb: number; sqrtsTeV: number; files: string[]; ulFile?: string },
): string {
  const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a');
  const lines = [
    `# Recast validation: ${r.analysis} (${r.txName}, sigmap family ${r.family})`,
    '',
    `Published material: ${sources.globalInfo} (sqrt(s) = ${sources.sqrtsTeV} TeV, L = ${sources.lumiFb} fb-1); efficiency maps and counts from ${sources.files.length} region files (${sources.files[0]}, ...).`,
    `Simulation: generator ${r.generator}, detector ${r.detector}, ${r.events} events per point, seed ${r.seed}; ${r.points.length} of ${r.mapPoints} map points simulated (an evenly spaced subset: --points ${r.points.length}), ${r.skipped.length} the family cannot generate.`,
    ...(r.generatorSettings.length ? [`Extra generator settings (a diagnostic, beyond the family's configuration): ${r.generatorSettings.join('; ')}.`] : []),
    ...(r.generatorTune ? [`Generator tune (the experiment's signal samples): ${r.generatorTune.settings.join('; ')} (${r.generatorTune.source}).`] : []),
    ...(r.detectorSettings
      ? [
          `Detector: b-tagging working point ${Object.entries(r.detectorSettings.btag)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')} (${r.detectorSettings.source}).`,
        ]
      : []),
    ...(r.publishedModel
      ? [
          `Published model: ${r.publishedModel.description}; simulated efficiencies multiplied by the fraction of its events the family makes (${r.points
            .map((p) => `${p.masses[0]}, ${p.masses[1]}: ${p.modelFraction.toFixed(3)}`)
            .slice(0, 3)
            .join('; ')}${r.points.length > 3 ? '; ...' : ''}; per point in the JSON) (${r.publishedModel.source}).`,
        ]
      : []),
    ...(r.forcedDecays
      ? [
          `Forced decays: ${r.forcedDecays.settings.join('; ')}; efficiencies scaled by the kept branching fraction ${r.forcedDecays.branchingFraction.toFixed(5)} (${r.forcedDecays.source}).`,
        ]
      : []),
    '',
    `## Efficiency agreement (${r.rule.thresholdReason}; within ${100 * r.rule.tolerance}%)`,
    '',
    `Overall: ${r.agreement.within} / ${r.agreement.considered} = ${pct(r.agreement.within, r.agreement.considered)} within ${100 * r.rule.tolerance}%; ${pct(r.agreement.withinOrStat, r.agreement.considered)} within ${100 * r.rule.tolerance}% or 1 sigma MC.`,
    '',
    '| region | points | within 20% | within 20% or 1 sigma | median sim/pub |',
    '|---|---|---|---|---|',
    ...r.agreement.perRegion.map(
      (a) =>
        `| ${a.region} | ${a.considered} | ${pct(a.within, a.considered)} | ${pct(a.withinOrStat, a.considered)} | ${Number.isFinite(a.medianRatio) ? a.medianRatio.toFixed(3) : 'n/a'} |`,
    ),
    '',
    `## Exclusion contour (official: ${r.officialContour}${sources.ulFile ? `, ${sources.ulFile}` : ''})`,
    '',
    r.exclusion === 'combined'
      ? 'Exclusion: the combined likelihood of the (disjoint) regions, uncorrelated backgrounds (r = 1 / mu_UL obs).'
      : 'Exclusion: the best expected region (SModelS default), r = sigma eff / UL_obs in that region.',
    '',
    `Rows of constant LSP mass whose edge is within one grid step: ${r.contour.agreeing} / ${r.contour.rows.length} (vs the published-efficiency exclusion: ${r.contourVsPublishedEff.agreeing} / ${r.contourVsPublishedEff.rows.length}${r.publishedVsOfficial ? `; the published efficiencies' own contour vs the official one: ${r.publishedVsOfficial.agreeing} / ${r.publishedVsOfficial.rows.length}` : ''}).`,
    ...(r.bestRegion
      ? [
          `With the best expected region instead: recast vs official ${r.bestRegion.contour.agreeing} / ${r.bestRegion.contour.rows.length}${r.bestRegion.publishedVsOfficial ? `, published efficiencies vs official ${r.bestRegion.publishedVsOfficial.agreeing} / ${r.bestRegion.publishedVsOfficial.rows.length}` : ''}.`,
        ]
      : []),
    `Grid steps are those of the simulated subset (${r.points.length} of ${r.mapPoints} map points), coarser than the full map's.`,
    '',
    '| m_LSP | recast edge | official edge | step | agree |',
    '|---|---|---|---|---|',
    ...r.contour.rows.map((x) => `| ${x.y} | ${x.recast ?? 'none'} | ${x.official ?? 'none'} | ${x.step} | ${x.agree ? 'yes' : 'no'} |`),
    '',
    '## Per point',
    '',
    `| masses | sigma (pb) | r recast | r published eff | r official${r.exclusion === 'combined' ? ' | r recast combined | r published combined' : ''} | ${regions.map((n) => `${n} sim / pub`).join(' | ')} |`,
    `|---|---|---|---|---|${r.exclusion === 'combined' ? '---|---|' : ''}${regions.map(() => '---|').join('')}`,
    ...r.points.map(
      (p) =>
        `| ${p.masses[0]}, ${p.masses[1]} | ${formatNumber(p.crossSectionPb)} | ${p.rRecast.toFixed(3)} | ${p.rPublished.toFixed(3)} | ${p.rOfficial === null ? 'n/a' : p.rOfficial.toFixed(3)}${r.exclusion === 'combined' ? ` | ${p.rRecastCombined?.toFixed(3) ?? 'n/a'} | ${p.rPublishedCombined?.toFixed(3) ?? 'n/a'}` : ''} | ${p.simulated.map((s, i) => `${formatNumber(s)} +- ${formatNumber(p.simulatedError[i])} / ${formatNumber(p.published[i])}`).join(' | ')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

export const command: CliCommand = {
  summary: "simulate the mass points of a recast analysis's published efficiency maps and compare efficiencies and contours",
  usage: `usage: sigmap validate-recast ANALYSIS [--generator builtin|pythia8] [--pythia-settings 'K = V; ...'] [--events N] [--points K] [--seed S] [--out DIR] [--json]
  ANALYSIS     a recast analysis id (${listRecasts()
    .map((r) => r.id)
    .join(', ')})
  --generator  pythia8 (Pythia 8 via @sigmap/generators: ISR/FSR, hadronisation; default) or builtin (sigmap's
               two-body generator without parton shower: fast, but it cannot make the jet multiplicities the
               multijet regions need)
  --pythia-settings  extra Pythia 8 settings, ';'-separated, after the family's configuration (a diagnostic:
               stated in the report)
  --events     events per mass point (default 1000)
  --points     an evenly spaced subset of K map points (default: all)
  --seed       random seed (default 1)
  --out        report folder (default reports/recast): <ANALYSIS>.md, .json, .svg
Published counts and maps come from the SModelS database ($SIGMAP_SMODELS_DB, else ~/.cache/sigmap/smodels-database-300).`,
  async run(argv) {
    const { values, positionals } = parseCli(argv, {
      generator: { type: 'string' },
      'pythia-settings': { type: 'string' },
      events: { type: 'string' },
      points: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 1)
      throw new InputError(
        'ANALYSIS',
        `expected one analysis id (${listRecasts()
          .map((r) => r.id)
          .join(', ')})`,
      );
    // Pythia 8 is the default: the built-in generator has no parton shower (reports/recast/README.md).
    const generator = values.generator ?? 'pythia8';
    if (!(GENERATORS as readonly string[]).includes(generator)) throw new InputError('--generator', `expected builtin or pythia8, got '${generator}'`);
    const recast = getRecast(positionals[0]);
    const generatorSettings = (values['pythia-settings'] ?? '')
      .split(';')
      .map((x) => x.trim())
      .filter((x) => x.length > 0);
    const events = integerOption('events', values.events, 1000);
    const points = values.points === undefined ? undefined : integerOption('points', values.points, 1);
    const seed = integerOption('seed', values.seed, 1, 0);
    const root = smodelsDatabaseRoot();
    const pub = loadPublishedRecast(recast, root);
    const ul = pub.upperLimitMap ? new GridInterpolator(pub.upperLimitMap.grid.points, pub.upperLimitMap.grid.values, 0.05, pub.upperLimitMap.file) : undefined;
    const t0 = performance.now();
    const report = await validateRecast(
      {
        recast,
        regions: pub.regions,
        officialUpperLimitPb: ul ? (m) => ul.valueAt(m) : undefined,
        combinedR: recast.disjointRegions ? combinedR(pub.regions, pub.lumiFb) : undefined,
      },
      {
        events,
        points,
        seed,
        eventSource: generator === 'pythia8' ? pythiaSource() : undefined,
        generatorSettings,
        onPoint: (done, total, p) => {
          process.stderr.write(`[${done}/${total}] ${p.masses.slice(0, 2).join(', ')}: ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
        },
      },
    );
    const regions = recast.regions.map((r) => r.name);
    const out = values.out ?? join(repoRoot, 'reports', 'recast');
    mkdirSync(out, { recursive: true });
    const full = {
      ...report,
      seconds: (performance.now() - t0) / 1000,
      database: root,
      sources: {
        globalInfo: pub.globalInfoFile,
        lumiFb: pub.lumiFb,
        sqrtsTeV: pub.sqrtsTeV,
        regions: pub.regions.map((r) => ({
          name: r.name,
          file: r.file,
          efficiencyMapFile: r.efficiencyMapFile,
          observedN: r.observedN,
          expectedBG: r.expectedBG,
          bgError: r.bgError,
        })),
        upperLimitMap: pub.upperLimitMap?.file,
      },
    };
    writeFileSync(join(out, `${recast.id}.json`), JSON.stringify(full, null, 1) + '\n');
    writeFileSync(
      join(out, `${recast.id}.md`),
      markdown(report, regions, {
        globalInfo: pub.globalInfoFile,
        lumiFb: pub.lumiFb,
        sqrtsTeV: pub.sqrtsTeV,
        files: pub.regions.map((r) => r.file),
        ulFile: pub.upperLimitMap?.file,
      }),
    );
    const comb = report.exclusion === 'combined';
    const plane = (k: 'rRecast' | 'rPublished' | 'rOfficial' | 'rRecastCombined' | 'rPublishedCombined') =>
      report.points.filter((p) => p[k] !== null).map((p) => ({ x: p.masses[0], y: p.masses[1], excluded: p[k]! >= 1 }));
    writeFileSync(
      join(out, `${recast.id}.svg`),
      validationSvg({
        title: `${recast.id} ${recast.txName}: sigmap ${report.generator} + ${report.detector} detector vs published efficiencies`,
        regions,
        points: report.points,
        threshold: report.rule.threshold,
        tolerance: report.rule.tolerance,
        axes: { x: 'parent mass (GeV)', y: 'LSP mass (GeV)' },
        recastPlane: plane(comb ? 'rRecastCombined' : 'rRecast'),
        officialPlane: plane(pub.upperLimitMap ? 'rOfficial' : comb ? 'rPublishedCombined' : 'rPublished'),
        officialLabel: pub.upperLimitMap ? 'official UL map' : 'published efficiency maps',
      }),
    );
    if (values.json) {
      printJson(full);
      return 0;
    }
    const a = report.agreement;
    process.stdout.write(
      `${recast.id} ${recast.txName}: ${report.points.length} points x ${events} events (${generator} + fast detector), ${full.seconds.toFixed(0)} s\n`,
    );
    process.stdout.write(
      formatTable(
        ['region', 'points', 'within 20%', 'within 20% or 1 sigma', 'median sim/pub'],
        a.perRegion.map((x) => [
          x.region,
          x.considered,
          x.considered ? x.within / x.considered : NaN,
          x.considered ? x.withinOrStat / x.considered : NaN,
          x.medianRatio,
        ]),
      ),
    );
    process.stdout.write(
      `overall (${report.rule.thresholdReason}): ${a.within}/${a.considered} within 20%, ${a.withinOrStat}/${a.considered} within 20% or 1 sigma\n`,
    );
    process.stdout.write(
      `contour: ${report.contour.agreeing}/${report.contour.rows.length} rows within one grid step of the official contour (${report.officialContour})\n`,
    );
    process.stdout.write(`wrote ${join(out, recast.id)}.{md,json,svg}\n`);
    return 0;
  },
};
