import { listFamilies, spinTable } from '@sigmap/physics';
import { parseCli, printJson } from '../args';
import type { CliCommand } from '../command';
import { formatTable } from '../output';

export const command: CliCommand = {
  summary: 'list the model families (parameters, signatures with branching ratios, cross-section source)',
  usage: `usage: sigmap families [--json] [--all] [--spins]
  --json    machine-readable list (every family with parameters, signatures at the default point, sigma source)
  --all     include the generic resonances whose spin assignment the quantum-number rules forbid
  --spins   print the spin-rule table (J = 0, 1/2, 1, 3/2, 2) for the 55 pairs instead`,
  async run(argv) {
    const { values } = parseCli(argv, { json: { type: 'boolean' }, all: { type: 'boolean' }, spins: { type: 'boolean' } }, false);
    if (values.spins) {
      const table = spinTable();
      if (values.json) printJson(table);
      else process.stdout.write(formatTable(['pair', 'J=0', 'J=1/2', 'J=1', 'J=3/2', 'J=2'], table.map((r) => [r.key, ...r.verdicts.map((v) => (v.allowed ? 'yes' : 'NO'))])));
      return 0;
    }
    const fams = listFamilies().filter((f) => values.all || f.allowed);
    const rows = fams.map((f) => {
      let sigma: number | null = null;
      let sigs: { key: string; br: number }[] = [];
      if (f.allowed) {
        const p = f.validate({});
        sigma = f.crossSectionPb(p);
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
          xsecSource: f.xsecSource,
          xsecValidity: f.xsecValidity,
        })),
      );
      return 0;
    }
    process.stdout.write(
      formatTable(
        ['family', 'class', 'parameters', 'sigma@default [pb]', 'signatures (BR at default)'],
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
