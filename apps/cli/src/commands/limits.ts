import { InputError } from '@sigmap/contracts';
import { combine, drivingSearch, evaluateSearch, family, loadCatalogue, parsePoint, type SearchLimit } from '@sigmap/catalogue';
import { parseCli, printJson } from '../args';
import type { CliCommand } from '../command';
import { formatNumber, formatTable } from '../output';

const USAGE = `usage: sigmap limits --family F --point k=v,... [--point ...] [--searches ID,ID] [--upper-limit] [--json]
Per search constraining the family at the point: CLs at mu=1 (observed; expected band for full likelihoods, median
for counting likelihoods), 95% CL upper limits on mu, r = sigma x BR / sigma_UL, and the region / signal region used;
then the combination of the searches declared orthogonal and the search that drives the limit.
A point off a published patch grid or outside an upper-limit / efficiency grid is reported as such, never extrapolated.
  --upper-limit   also compute mu_up for full-likelihood (pyhf) searches (extra fits)
  --point         repeatable; with several points --json prints an array, one object per point`;

const fmt = (x: number | undefined) => (x === undefined ? '-' : formatNumber(x));
const median = (a: number[] | undefined) => (a && a.length ? a[Math.floor(a.length / 2)] : undefined);

export const command: CliCommand = {
  summary: 'per-search CLs / r-values / mu_up of a model point, their combination and the driving search',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseCli(argv, {
      family: { type: 'string' },
      point: { type: 'string', multiple: true },
      searches: { type: 'string' },
      'upper-limit': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (positionals.length) throw new InputError('arguments', `unexpected '${positionals[0]}'`);
    if (!values.family) throw new InputError('--family', 'is required');
    if (!values.point?.length) throw new InputError('--point', 'is required (k=v,...)');
    const fam = family(values.family);
    const points = values.point.map((text) => {
      const p = parsePoint(text);
      fam.validate(p);
      return p;
    });
    const catalogue = loadCatalogue().map((e) => e.record);
    let records = catalogue.filter((r) => r.families.includes(fam.name));
    if (values.searches) {
      const ids = values.searches.split(',').map((s) => s.trim()).filter(Boolean);
      for (const id of ids) {
        const r = catalogue.find((x) => x.id === id);
        if (!r) throw new InputError('--searches', `unknown search '${id}' (sigmap catalogue lists them)`);
        if (!r.families.includes(fam.name)) throw new InputError('--searches', `${id} does not constrain family ${fam.name}`);
      }
      records = records.filter((r) => ids.includes(r.id));
    }
    if (records.length === 0) throw new InputError('--family', `no registered search constrains ${fam.name}`);
    const results = points.map((point) => {
      const limits: SearchLimit[] = records.map((r) => evaluateSearch(r, fam, point, { upperLimit: values['upper-limit'] }));
      return { family: fam.name, point, limits, combination: combine(records, limits), driving: drivingSearch(limits) };
    });
    if (values.json) {
      const out = results.map(({ limits, ...rest }) => ({ ...rest, searches: limits.map(({ counting: _c, ...l }) => (void _c, l)) }));
      printJson(out.length === 1 ? out[0] : out);
      return 0;
    }
    for (const { point, limits, combination: c, driving } of results) {
      process.stdout.write(`family ${fam.name} at ${Object.entries(point).map(([k, v]) => `${k}=${v}`).join(', ')}\n`);
      process.stdout.write(
        formatTable(
          ['search', 'status', 'CLs_obs', 'CLs_exp', 'mu_up_obs', 'mu_up_exp', 'r_obs', 'r_exp', 'used'],
          limits.map((l) => [l.search, l.status, fmt(l.clsObs), fmt(median(l.clsExp)), fmt(l.muUpObs), fmt(median(l.muUpExp)), fmt(l.rObs), fmt(l.rExp), l.selected ?? l.message ?? '']),
        ),
      );
      for (const l of limits)
        if (l.srCombination)
          process.stdout.write(
            `${l.search}: signal regions combined in ${l.srCombination.workspace} (pyhf, ${l.srCombination.selection}): CLs_obs ${fmt(l.srCombination.clsObs)}, CLs_exp ${fmt(median(l.srCombination.clsExp))}\n`,
          );
      process.stdout.write(
        c.clsObs !== undefined
          ? `combination of ${c.searches.join(' + ')}: CLs_obs ${fmt(c.clsObs)}, CLs_exp ${fmt(median(c.clsExp))}, mu_up_obs ${fmt(c.muUpObs)}\n`
          : `combination: ${c.message}\n`,
      );
      process.stdout.write(driving ? `driving search: ${driving.search} (${driving.by})\n` : 'driving search: none (no search has a result at this point)\n');
    }
    return 0;
  },
};
