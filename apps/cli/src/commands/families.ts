import { InputError } from '@sigmap/contracts';
import { listFamilies, spinTable } from '@sigmap/physics';
import { parseCli, printJson } from '../args';
import type { CliCommand } from '../command';
import { formatTable } from '../output';

export const command: CliCommand = {
  summary: 'list the model families (parameters, signatures with branching ratios, cross-section source)',
  usage: `usage: sigmap families [--json] [--all] [--spins] [--sqrts TEV]
  --json    machine-readable list (every family with parameters, signatures at the default point, sigma source)
  --sqrts   collider energy of the printed cross sections in TeV (default 13; families with a 13 TeV table show -)
  --all     include the generic resonances whose spin assignment the quantum-number rules forbid
  --spins   print the spin-rule table (J = 0, 1/2, 1, 3/2, 2) for the 55 pairs instead`,
  async run(argv) {
    const { values } = parseCli(argv, { json: { type: 'boolean' }, all: { type: 'boolean' }, spins: { type: 'boolean' }, sqrts: { type: 'string' } }, false);
    const tev = values.sqrts === undefined ? 13 : Number(values.sqrts);
    if (!(Number.isFinite(tev) && tev >= 1 && tev <= 100))
      throw new InputError('--sqrts', `expected a collider energy in TeV between 1 and 100, got '${values.sqrts}'`);
    const sqrtS = 1000 * tev;
    if (values.spins) {
      const table = spinTable();
      if (values.json) printJson(table);
      else
        process.stdout.write(
          formatTable(
            ['pair', 'J=0', 'J=1/2', 'J=1', 'J=3/2', 'J=2'],
            table.map((r) => [r.key, ...r.verdicts.map((v) => (v.allowed ? 'yes' : 'NO'))]),
          ),
        );
      return 0;
    }
    const fams = listFamilies().filter((f) => values.all || f.allowed);
    const rows = fams.map((f) => {
      let sigma: number | null = null;
      let sigs: { key: string; br: number }[] = [];
      if (f.allowed) {
        const p = f.validate({});
        if (f.xsecSqrtS === 'any' || f.xsecSqrtS.includes(sqrtS)) sigma = f.crossSectionPb(p, sqrtS);
        sigs = f.signatures(p).map((s) => ({ key: s.key, br: s.br }));
      }
      return { f, sigma, sigs };
    });
    if (values.json) {
      printJson(
        rows.map(({ f, sigma, sigs }) => ({
          id: f.id,
          label: f.label,
          description: f.description,
          class: f.signatureClass,
          allowed: f.allowed,
          reason: f.reason,
          params: f.params,
          signaturesAtDefault: sigs,
          crossSectionPbAtDefault: sigma,
          sqrtS,
          xsecSqrtS: f.xsecSqrtS,
          xsecSource: f.xsecSource,
          xsecValidity: f.xsecValidity,
        })),
      );
      return 0;
    }
    process.stdout.write(
      formatTable(
        ['family', 'class', 'parameters', `sigma@default [pb] (${tev} TeV)`, 'signatures (BR at default)'],
        rows.map(({ f, sigma, sigs }) => [
          f.allowed ? f.id : `${f.id} (forbidden)`,
          f.signatureClass,
          f.params.map((p) => `${p.name}[${p.min}-${p.max}${p.scale === 'log' ? ',log' : ''}]`).join(' '),
          sigma === null ? '-' : sigma,
          f.allowed ? sigs.map((s) => `${s.key}:${s.br.toPrecision(2)}`).join(' ') : (f.reason ?? ''),
        ]),
      ),
    );
    process.stdout.write(`${fams.length} families${values.all ? '' : ' (forbidden spin assignments hidden; --all shows them)'}\n`);
    return 0;
  },
};
