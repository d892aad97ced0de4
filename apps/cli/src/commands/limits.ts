import { readFileSync } from 'node:fs';
import { InputError } from '@sigmap/contracts';
import {
  combine,
  decomposeSlha,
  drivingSearch,
  ENGINE_FAMILIES,
  evaluateSearch,
  families as catalogueFamilies,
  family as catalogueFamily,
  familyDecomposition,
  loadCatalogue,
  parsePoint,
  parseSlha,
  smodelsDatabase,
  theoryPredictions,
  type DatabasePredictions,
  type Decomposition,
  type Prediction,
  type SearchLimit,
} from '@sigmap/catalogue';
import { getFamily } from '@sigmap/physics';
import { parseCli, printJson } from '../args';
import type { CliCommand } from '../command';
import { formatNumber, formatTable } from '../output';

const USAGE = `usage: sigmap limits --slha FILE [--slha FILE ...] [--best-sr] [--no-pyhf] [--json]
       sigmap limits --family F --point k=v,... [--point ...] [--searches ID,ID] [--upper-limit] [--best-sr] [--json]
--slha: an SModelS-like reinterpretation of a spectrum against the whole SModelS database: decays and cross sections
from the SLHA blocks (XSECTION as SModelS reads them), decomposition into simplified-model topologies (sigma cut
0.005 fb, mass and invisible compression), r = sigma / sigma_UL per analysis (the combined-SR likelihood where the
database gives a covariance or pyhf workspaces), the most constraining analysis, the verdict, and the missing
topologies (cross section that no result tests).
--family: the same engine for a simplified-model family (${Object.keys(ENGINE_FAMILIES).join(', ')}), plus the
bundled catalogue searches: CLs at mu=1, upper limits on mu, r, their combination and the driving search.
A point outside every grid is reported as such, never extrapolated.
  --best-sr       best signal region by expected r only (SModelS's default combineSRs = False)
  --no-pyhf       skip the pyhf combinations of ATLAS full likelihoods (faster)
  --upper-limit   also compute mu_up for the bundled full-likelihood (pyhf) searches (extra fits)
  --point         repeatable; with several points --json prints an array, one object per point`;

const fmt = (x: number | undefined) => (x === undefined ? '-' : formatNumber(x));
const median = (a: number[] | undefined) => (a && a.length ? a[Math.floor(a.length / 2)] : undefined);

interface Verdict {
  excluded: boolean;
  by?: string;
  rObs?: number;
  clsObs?: number;
  rule: string;
}

function verdictOf(db: DatabasePredictions | undefined, bundled: SearchLimit[]): Verdict {
  const cands: { by: string; rObs?: number; clsObs?: number }[] = [];
  const top = db?.mostConstraining;
  if (top?.rObs !== undefined)
    cands.push({ by: `${top.resultFolder} (${top.dataType === 'combined' ? 'combined SRs' : (top.dataset ?? top.txNames.join(','))})`, rObs: top.rObs });
  for (const l of bundled.filter((x) => x.status === 'ok')) cands.push({ by: `${l.search} (bundled: ${l.selected ?? ''})`, rObs: l.rObs, clsObs: l.clsObs });
  if (!cands.length) return { excluded: false, rule: 'no analysis constrains this point' };
  const excl = (c: (typeof cands)[number]) => (c.rObs !== undefined ? c.rObs >= 1 : c.clsObs !== undefined && c.clsObs < 0.05);
  const withR = cands.filter((c) => c.rObs !== undefined);
  const best = withR.length ? withR.reduce((a, b) => (b.rObs! > a.rObs! ? b : a)) : cands.reduce((a, b) => ((b.clsObs ?? 1) < (a.clsObs ?? 1) ? b : a));
  const anyExcl = cands.find(excl);
  const driver = anyExcl && !excl(best) ? anyExcl : best;
  return {
    excluded: excl(driver),
    by: driver.by,
    rObs: driver.rObs,
    clsObs: driver.clsObs,
    rule: 'excluded when the driving r_obs >= 1 (or CLs_obs < 0.05 where only CLs exists); combined SRs used where they exist',
  };
}

function predictionRows(p: Prediction[]): string[][] {
  return p.map((x) => [
    x.resultFolder,
    `${x.sqrtsTeV}`,
    x.dataType === 'combined'
      ? `combined (${x.combination?.method}, ${x.combination?.regions} SRs)`
      : x.dataType === 'efficiencyMap'
        ? `EM ${x.dataset}`
        : 'UL',
    x.txNames.join(',') || (x.bestSR ? `best SR ${x.bestSR.dataset}` : ''),
    fmt(x.xsecFb),
    fmt(x.rObs),
    fmt(x.rExp),
  ]);
}

function printDatabase(db: DatabasePredictions, header: string): void {
  process.stdout.write(`${header}\n`);
  const shown = db.predictions.filter((p) => p.rObs !== undefined);
  if (!shown.length) process.stdout.write('  no SModelS-database analysis constrains this point\n');
  else process.stdout.write(formatTable(['analysis', 'sqrts', 'result', 'txnames', 'sigma_fb', 'r_obs', 'r_exp'], predictionRows(shown)));
  const m = db.mostConstraining;
  if (m)
    process.stdout.write(
      `most constraining analysis: ${m.resultFolder} r_obs ${fmt(m.rObs)} r_exp ${fmt(m.rExp)}${m.bestSR && m.dataType === 'combined' ? ` (best single SR ${m.bestSR.dataset}: r_obs ${fmt(m.bestSR.rObs)})` : ''}\n`,
    );
  process.stdout.write(`missing topologies at ${db.sqrtsTeV} TeV: ${fmt(db.missingXsecFb)} fb of ${fmt(db.totalXsecFb)} fb not tested by any result\n`);
  for (const t of db.missing.slice(0, 5)) process.stdout.write(`  ${t.topology}: ${fmt(t.xsecFb)} fb\n`);
}

function printVerdict(v: Verdict): void {
  process.stdout.write(
    v.by
      ? `verdict: ${v.excluded ? 'EXCLUDED' : 'allowed'} (driving: ${v.by}, r_obs ${fmt(v.rObs)}${v.clsObs !== undefined ? `, CLs_obs ${fmt(v.clsObs)}` : ''}; ${v.rule})\n`
      : `verdict: allowed (${v.rule})\n`,
  );
}

function jsonDb(db: DatabasePredictions) {
  return {
    predictions: db.predictions,
    mostConstraining: db.mostConstraining,
    missingXsecFb: db.missingXsecFb,
    totalXsecFb: db.totalXsecFb,
    missing: db.missing.slice(0, 20),
  };
}

/** The family's sigma x BR and decays as the engine's spectrum. */
function familySpectrum(name: string, point: Record<string, number>): Decomposition | undefined {
  if (!(name in ENGINE_FAMILIES)) return undefined;
  const cat = catalogueFamilies.find((f) => f.name === name);
  const xsecPb = new Map<number, number>();
  if (cat) {
    for (const s of [8, 13]) {
      const x = cat.xsec(point, s);
      if (x.inRange) xsecPb.set(s, x.xsecPb);
    }
    return familyDecomposition({ family: name, point, xsecPb });
  }
  const fam = getFamily(name);
  const p = fam.validate(point);
  // sigma at 8 and 13 TeV where the family computes it from the PDFs (resonances); the table families have 13 TeV only,
  // so 8 TeV results then have no prediction
  for (const s of [8, 13]) if (fam.xsecSqrtS === 'any' || fam.xsecSqrtS.includes(1000 * s)) xsecPb.set(s, fam.crossSectionPb(p, 1000 * s));
  if (name === 'zprime-ssm') {
    const keys: Record<string, string> = { 'e-e': 'e', 'mu-mu': 'mu', 'tau-tau': 'tau', 'j-j': 'j', 'b-b': 'b', 't-t': 't' };
    const br: Record<string, number> = {};
    for (const s of fam.signatures(p)) if (keys[s.key]) br[keys[s.key]] = s.br;
    const ctx = fam.prepare(p) as { width?: number };
    if (typeof ctx.width !== 'number') throw new InputError('--family', "zprime-ssm did not give the Z' width");
    return familyDecomposition({ family: name, point: p, xsecPb, resonance: { br, widthGeV: ctx.width } });
  }
  return familyDecomposition({ family: name, point: p, xsecPb });
}

export const command: CliCommand = {
  summary: 'r-values of a spectrum (--slha) or family point against the SModelS database and the bundled searches, with one verdict',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseCli(argv, {
      family: { type: 'string' },
      point: { type: 'string', multiple: true },
      slha: { type: 'string', multiple: true },
      searches: { type: 'string' },
      'upper-limit': { type: 'boolean' },
      'best-sr': { type: 'boolean' },
      'no-pyhf': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (positionals.length) throw new InputError('arguments', `unexpected '${positionals[0]}'`);
    const predOpts = { combineSRs: !values['best-sr'], pyhf: !values['no-pyhf'] };
    if (values.slha?.length) {
      if (values.family || values.point) throw new InputError('--slha', 'give either --slha or --family/--point, not both');
      const db = smodelsDatabase();
      // SModelS's default selection: every result of the database, superseded ones included
      const results = db.results;
      const out = values.slha.map((file) => {
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (e) {
          throw new InputError('--slha', `cannot read ${file} (${(e as Error).message})`);
        }
        const dec = decomposeSlha(parseSlha(text, file));
        const preds = theoryPredictions(dec, results, predOpts);
        return { file, elements: dec.elements.length, preds, verdict: verdictOf(preds, []) };
      });
      if (values.json) {
        const j = out.map((o) => ({
          slha: o.file,
          database: { version: db.version, results: results.length },
          elements: o.elements,
          ...jsonDb(o.preds),
          verdict: o.verdict,
        }));
        printJson(j.length === 1 ? j[0] : j);
        return 0;
      }
      for (const o of out) {
        printDatabase(o.preds, `${o.file}: ${o.elements} topologies after decomposition; SModelS database ${db.version} (${results.length} results)`);
        printVerdict(o.verdict);
      }
      return 0;
    }
    if (!values.family) throw new InputError('--family', 'is required (or --slha FILE)');
    if (!values.point?.length) throw new InputError('--point', 'is required (k=v,...)');
    const name = values.family;
    const isCatalogue = catalogueFamilies.some((f) => f.name === name);
    if (!isCatalogue && !(name in ENGINE_FAMILIES))
      throw new InputError(
        '--family',
        `unknown family '${name}' (known: ${[...new Set([...catalogueFamilies.map((f) => f.name), ...Object.keys(ENGINE_FAMILIES)])].join(', ')})`,
      );
    const points = values.point.map((text) => parsePoint(text));
    const catalogue = loadCatalogue().map((e) => e.record);
    let records = isCatalogue ? catalogue.filter((r) => r.families.includes(name)) : [];
    if (values.searches) {
      const ids = values.searches
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const id of ids) {
        const r = catalogue.find((x) => x.id === id);
        if (!r) throw new InputError('--searches', `unknown search '${id}' (sigmap catalogue lists them)`);
        if (!r.families.includes(name)) throw new InputError('--searches', `${id} does not constrain family ${name}`);
      }
      records = records.filter((r) => ids.includes(r.id));
    }
    const useDb = name in ENGINE_FAMILIES && !values.searches;
    if (records.length === 0 && !useDb) throw new InputError('--family', `no registered search constrains ${name}`);
    const dbResults = useDb ? smodelsDatabase().results : [];
    const results = points.map((point) => {
      let limits: SearchLimit[] = [];
      if (isCatalogue) {
        const fam = catalogueFamily(name);
        fam.validate(point);
        // evaluateSearch already lets a combined-SR likelihood replace the best SR (verdict, r)
        limits = records.map((r) => evaluateSearch(r, fam, point, { upperLimit: values['upper-limit'] }));
      }
      const dec = useDb ? familySpectrum(name, point) : undefined;
      const preds = dec ? theoryPredictions(dec, dbResults, predOpts) : undefined;
      return {
        family: name,
        point,
        limits,
        combination: limits.length ? combine(records, limits) : undefined,
        driving: drivingSearch(limits),
        database: preds,
        verdict: verdictOf(preds, limits),
      };
    });
    if (values.json) {
      const out = results.map(({ limits, database, ...rest }) => ({
        ...rest,
        searches: limits.map(({ counting: _c, ...l }) => (void _c, l)),
        database: database ? jsonDb(database) : undefined,
      }));
      printJson(out.length === 1 ? out[0] : out);
      return 0;
    }
    for (const { point, limits, combination: c, driving, database, verdict } of results) {
      process.stdout.write(
        `family ${name} at ${Object.entries(point)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}\n`,
      );
      if (limits.length) {
        process.stdout.write(
          formatTable(
            ['search', 'status', 'CLs_obs', 'CLs_exp', 'mu_up_obs', 'mu_up_exp', 'r_obs', 'r_exp', 'used'],
            limits.map((l) => [
              l.search,
              l.status,
              fmt(l.clsObs),
              fmt(median(l.clsExp)),
              fmt(l.muUpObs),
              fmt(median(l.muUpExp)),
              fmt(l.rObs),
              fmt(l.rExp),
              l.selected ?? l.message ?? '',
            ]),
          ),
        );
        for (const l of limits)
          if (l.srCombination)
            process.stdout.write(
              `${l.search}: signal regions combined in ${l.srCombination.workspace} (pyhf, ${l.srCombination.selection}): CLs_obs ${fmt(l.srCombination.clsObs)}, CLs_exp ${fmt(median(l.srCombination.clsExp))}; this combination is the search's result\n`,
            );
        if (c)
          process.stdout.write(
            c.clsObs !== undefined
              ? `combination of ${c.searches.join(' + ')}: CLs_obs ${fmt(c.clsObs)}, CLs_exp ${fmt(median(c.clsExp))}, mu_up_obs ${fmt(c.muUpObs)}\n`
              : `combination: ${c.message}\n`,
          );
        process.stdout.write(driving ? `driving search: ${driving.search} (${driving.by})\n` : 'driving search: none (no search has a result at this point)\n');
      }
      if (database) printDatabase(database, `SModelS database analyses constraining the point (${ENGINE_FAMILIES[name]}):`);
      printVerdict(verdict);
    }
    return 0;
  },
};
