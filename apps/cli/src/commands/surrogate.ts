import { InputError } from '@sigmap/contracts';
import { getFamily } from '@sigmap/physics';
import {
  CLOSURE_TARGET,
  FLOOR_SPLITS,
  OBJECT_TYPES,
  chooseByValidation,
  findModel,
  passesValidation,
  isObjectType,
  listModels,
  revalidate,
  trainObjectSurrogate,
  updateModelMeta,
  type ValidationReport,
} from '@sigmap/surrogate';
import { integerOption, parseCli, printJson } from '../args';
import type { CliCommand } from '../command';
import { formatNumber, formatTable } from '../output';

function validationTable(r: ValidationReport): string {
  const lines: string[] = [];
  lines.push(
    `object ${r.object}, backend ${r.backend}, ${r.eventsPerSample} events per full sample (${r.objectsFull} full / ${r.objectsSurrogate} surrogate reco objects)`,
  );
  lines.push(
    formatTable(
      ['feature', 'W1(surrogate, full A)', 'floor: E[W1(full, full)]', 'W1(full B, full A)', 'ratio', '<= 3x floor'],
      r.w1.map((w) => [w.feature, w.w1, w.floor, w.floorAB ?? NaN, w.ratio, w.ratio <= 3 ? 'yes' : 'NO']),
    ).trimEnd(),
  );
  lines.push(`floor: mean W1 between the halves of ${FLOOR_SPLITS} random event-level splits of full A + full B (independent full samples of the same size)`);
  lines.push(
    `classifier AUC (surrogate vs full, held-out half of ${r.classifierRows} rows): ${formatNumber(r.auc)} (< 0.60: ${r.auc < 0.6 ? 'yes' : 'NO'}); power check, pT response spread doubled: AUC ${formatNumber(r.aucPowerCheck)}`,
  );
  if (r.closure) {
    const c = r.closure;
    const pct = (x: number | undefined) => (x === undefined ? 'n/a' : `${formatNumber(100 * x)}%`);
    const cal = c.calibration;
    lines.push(
      cal
        ? `ensemble-spread calibration (split conformal, ${cal.bins} bins at ${cal.points} calibration points): scale s = ${formatNumber(cal.scale)} (the ${formatNumber(100 * cal.level)}% quantile of |full - y1| / v is ${formatNumber(cal.quantile)}; y1, v: yield and spread of one pass per member, as production computes them)`
        : 'ensemble-spread calibration: none (uncalibrated, s = 1)',
    );
    lines.push(
      `signal-yield closure (${c.search}, ${c.bins.length} bins with events${cal ? ', test points disjoint from the calibration points' : ''}): ` +
        `y1 within s v ${pct(c.withinCalibrated)}${cal ? ` (>= ${formatNumber(100 * CLOSURE_TARGET)}%: ${c.withinCalibrated! >= CLOSURE_TARGET ? 'yes' : 'NO'})` : ''}; ` +
        `uncalibrated, replica-averaged: within sigma_ens ${pct(c.withinEnsemble)}, within u = sqrt(sigma_ens^2 + sigma_det^2) ${pct(c.withinDetector)} (2u: ${pct(c.withinDetector2)}; RMS pull ${c.pullRms === undefined ? 'n/a' : formatNumber(c.pullRms)}), within sqrt(sigma_ens^2 + sigma_MC^2) ${pct(c.withinCombined)}`,
    );
    lines.push(
      formatTable(
        ['search', 'point', 'bin', 'full', '+-MC', '+-det', 'surrogate', '+-ens', 'y1', '+-v'],
        c.bins.map((b) => [
          b.search.replace(/^own-|-13tev$/g, ''),
          b.point,
          b.bin,
          b.full,
          b.fullErr,
          b.sigmaDet ?? NaN,
          b.surrogate,
          b.sigmaEns,
          b.surrogateSingle ?? NaN,
          b.sigmaSingle ?? NaN,
        ]),
      ).trimEnd(),
    );
  } else if (r.note) lines.push(r.note);
  return lines.join('\n') + '\n';
}

const USAGE = `usage: sigmap surrogate train --family F --object ${OBJECT_TYPES.join('|')} [--events N] [--seed S] [--kind iqn|flow|both] [--members K] [--steps N]
       sigmap surrogate validate MODEL [--rerun] [--json]
       sigmap surrogate select --object O
       sigmap surrogate list [--json]
train: runs \`full\` simulation of F (cached under SIGMAP_HOME/samples), trains K-member ensembles of the autoregressive
IQN and/or the conditional flow for one object type, validates them against held-out full simulation and writes
versioned artefacts to SIGMAP_HOME/models (default .sigmap/models). validate: prints the stored validation of MODEL
(W1 per feature with the full-vs-full floor, classifier AUC, the split-conformal calibration of the ensemble spread
and the per-bin signal-yield closure at test points); --rerun recomputes it on\nthe model's held-out full samples first. select: marks validation's choice among the registered models of one object
type (passing every check first, then the lowest max W1 ratio, then the lowest AUC). The tfjs backend is reported.`;

export const command: CliCommand = {
  summary: 'generative detector surrogates: train, validate, list (tfjs; backend reported)',
  usage: USAGE,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === 'train') {
      const { values } = parseCli(
        rest,
        {
          family: { type: 'string' },
          object: { type: 'string' },
          events: { type: 'string' },
          seed: { type: 'string' },
          kind: { type: 'string' },
          members: { type: 'string' },
          steps: { type: 'string' },
          json: { type: 'boolean' },
        },
        false,
      );
      if (!values.family) throw new InputError('--family', 'is required');
      getFamily(values.family);
      if (!values.object || !isObjectType(values.object))
        throw new InputError('--object', `expected one of ${OBJECT_TYPES.join(', ')}, got '${values.object ?? ''}'`);
      const kind = values.kind ?? 'both';
      if (!['iqn', 'flow', 'both'].includes(kind)) throw new InputError('--kind', `expected iqn, flow or both, got '${kind}'`);
      const steps = values.steps === undefined ? undefined : integerOption('steps', values.steps, 1500, 10);
      const out = await trainObjectSurrogate({
        family: values.family,
        object: values.object,
        events: integerOption('events', values.events, 2400, 20),
        seed: integerOption('seed', values.seed, 1, 0),
        kinds: kind === 'both' ? ['iqn', 'flow'] : [kind as 'iqn' | 'flow'],
        members: integerOption('members', values.members, 3, 1),
        budget: steps ? { generatorSteps: steps } : undefined,
        createdAt: new Date().toISOString(),
        log: (l) => process.stderr.write(l + '\n'),
        heartbeat: (d) => {
          const x = d as { stage?: string; step?: number; done?: number; total?: number };
          if ((x.step ?? 0) % 500 === 0 || x.done === x.total) process.stderr.write(`  ${JSON.stringify(d)}\n`);
        },
      });
      const sel = out.models.find((m) => m.id === out.selected);
      if (sel) updateModelMeta(sel.path, { selected: true });
      if (values.json) printJson(out);
      else {
        for (const m of out.models) {
          process.stdout.write(`\n${m.id}  (${m.path})\n`);
          if (m.meta.metrics) process.stdout.write(validationTable(m.meta.metrics));
        }
        process.stdout.write(`\nselected by validation: ${out.selected} (backend ${out.backend})\n`);
      }
      return 0;
    }
    if (sub === 'validate') {
      const { values, positionals } = parseCli(rest, { json: { type: 'boolean' }, rerun: { type: 'boolean' } });
      if (positionals.length !== 1) throw new InputError('MODEL', 'name one model id (sigmap surrogate list)');
      if (values.rerun) await revalidate(positionals[0], (l) => process.stderr.write(l + '\n'));
      const { artefact } = findModel(positionals[0]);
      const r = artefact.meta.metrics;
      if (!r) throw new InputError('MODEL', `${artefact.meta.id} has no stored validation`);
      if (values.json) printJson(artefact.meta);
      else {
        const m = artefact.meta;
        process.stdout.write(
          `${m.id}: ${m.kind}, ${m.members} members, trained on ${m.trainingEvents} full events of ${m.families.join(', ')} (${m.trainingObjects} truth objects, sha256 ${m.trainingDataDigest.slice(0, 16)}), seed ${m.seed}, backend ${m.backend}\n`,
        );
        process.stdout.write(validationTable(r));
      }
      return 0;
    }
    if (sub === 'list') {
      const { values } = parseCli(rest, { json: { type: 'boolean' } }, false);
      const ms = listModels();
      if (values.json) printJson(ms);
      else
        process.stdout.write(
          formatTable(
            ['id', 'object', 'kind', 'K', 'max W1/floor', 'AUC', 'backend', 'created', 'path'],
            ms.map(({ meta: m, path }) => [
              m.id + (m.selected ? ' *' : ''),
              m.object,
              m.kind,
              m.members,
              m.metrics?.maxRatio ?? NaN,
              m.metrics?.auc ?? NaN,
              m.backend,
              m.createdAt,
              path,
            ]),
          ),
        );
      return 0;
    }
    if (sub === 'select') {
      const { values } = parseCli(rest, { object: { type: 'string' } }, false);
      if (!values.object || !isObjectType(values.object))
        throw new InputError('--object', `expected one of ${OBJECT_TYPES.join(', ')}, got '${values.object ?? ''}'`);
      const candidates = listModels()
        .filter((m) => m.meta.object === values.object && m.meta.metrics)
        .map((m) => ({ ...m, report: m.meta.metrics! }));
      if (candidates.length === 0) throw new InputError('--object', `no validated ${values.object} model (sigmap surrogate train)`);
      const best = chooseByValidation(candidates);
      for (const c of candidates) if (c === best || c.meta.selected) updateModelMeta(c.path, { selected: c === best });
      process.stdout.write(
        `selected ${best.meta.id}${passesValidation(best.report) ? '' : ' (no candidate passes every check)'} among ${candidates.map((c) => c.meta.id).join(', ')}\n`,
      );
      return 0;
    }
    throw new InputError('surrogate', `expected train, validate, select or list\n${USAGE}`);
  },
};
