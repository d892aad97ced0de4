import { readFileSync } from 'node:fs';
import { InputError } from '@sigmap/contracts';
import {
  applyJsonPatch,
  buildModel,
  hypotest,
  observedData,
  parsePatchSet,
  parseWorkspace,
  type HistFactoryModel,
  type HistosysCode,
  type NormsysCode,
} from '@sigmap/stats';
import { integerOption, numberOption, parseCli, printJson } from '../args';
import type { CliCommand } from '../command';

/** Reads a JSON file; a missing file or bad JSON is an InputError naming the file. */
function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(path, `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new InputError(path, `not valid JSON (${(e as Error).message})`);
  }
}

export const modelOptions = {
  patch: { type: 'string', short: 'p', multiple: true },
  'patch-name': { type: 'string' },
  measurement: { type: 'string' },
  'normsys-interp': { type: 'string' },
  'histosys-interp': { type: 'string' },
} as const;

interface ModelInputs {
  model: HistFactoryModel;
  data: Float64Array;
}

/**
 * Workspace + patches -> model and observed data. A patch file is either a JSON Patch array or a pyhf PatchSet; a
 * PatchSet needs --patch-name unless it holds exactly one patch.
 */
export function loadModelInputs(
  workspacePath: string | undefined,
  values: { patch?: string[]; 'patch-name'?: string; measurement?: string; 'normsys-interp'?: string; 'histosys-interp'?: string },
): ModelInputs {
  if (!workspacePath) throw new InputError('WORKSPACE', 'give the workspace JSON file');
  let doc = readJsonFile(workspacePath);
  for (const p of values.patch ?? []) {
    const patch = readJsonFile(p);
    if (Array.isArray(patch)) doc = applyJsonPatch(doc, patch, p);
    else {
      const ps = parsePatchSet(patch);
      const name = values['patch-name'] ?? (ps.patches.length === 1 ? ps.patchNames[0] : undefined);
      if (!name)
        throw new InputError('--patch-name', `${p} is a PatchSet with ${ps.patches.length} patches: choose one with --patch-name (e.g. ${ps.patchNames[0]})`);
      doc = applyJsonPatch(doc, ps.byName(name), `${p}:${name}`);
    }
  }
  const ws = parseWorkspace(doc);
  const model = buildModel(ws, {
    measurement: values.measurement,
    normsysInterp: values['normsys-interp'] as NormsysCode | undefined,
    histosysInterp: values['histosys-interp'] as HistosysCode | undefined,
  });
  return { model, data: observedData(ws, model) };
}

export const command: CliCommand = {
  summary: 'CLs (observed + expected band) of a pyhf workspace, as `pyhf cls` prints it',
  usage: `usage: sigmap cls WORKSPACE.json [-p PATCH.json ...] [--patch-name NAME] [--test-poi 1] [--test-stat qtilde|q|q0]
                  [--calctype asymptotics|toys] [--ntoys 2000] [--seed 0] [--normsys-interp code4] [--histosys-interp code4p]
                  [--measurement NAME]
Prints {"CLs_obs": x, "CLs_exp": [5 numbers]} (band at +2..-2 sigma of the background-only test statistic).
A patch is a JSON Patch array or a pyhf PatchSet (then --patch-name picks the patch).`,
  async run(argv) {
    const { values, positionals } = parseCli(argv, {
      ...modelOptions,
      'test-poi': { type: 'string' },
      'test-stat': { type: 'string' },
      calctype: { type: 'string' },
      ntoys: { type: 'string' },
      seed: { type: 'string' },
    });
    if (positionals.length > 1) throw new InputError('arguments', `expected one workspace file, got ${positionals.length}`);
    const testStat = values['test-stat'] ?? 'qtilde';
    if (!['qtilde', 'q', 'q0'].includes(testStat)) throw new InputError('--test-stat', `expected qtilde, q or q0, got '${testStat}'`);
    const calctype = values.calctype ?? 'asymptotics';
    if (!['asymptotics', 'toys'].includes(calctype)) throw new InputError('--calctype', `expected asymptotics or toys, got '${calctype}'`);
    const testPoi = numberOption('test-poi', values['test-poi'], 1);
    const ntoys = integerOption('ntoys', values.ntoys, 2000);
    const seed = integerOption('seed', values.seed, 0, 0);
    const { model, data } = loadModelInputs(positionals[0], values);
    const r = hypotest(model, data, { testPoi, testStat: testStat as 'qtilde', calctype: calctype as 'asymptotics', ntoys, seed });
    if (!r.converged) process.stderr.write('warning: a maximum-likelihood fit did not converge to tolerance; the CLs values may be imprecise\n');
    printJson({ CLs_obs: r.clsObs, CLs_exp: r.clsExp });
    return 0;
  },
};
