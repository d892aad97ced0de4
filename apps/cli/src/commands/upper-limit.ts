import { InputError } from '@sigmap/contracts';
import { upperLimit } from '@sigmap/stats';
import { numberOption, parseCli, printJson } from '../args';
import type { CliCommand } from '../command';
import { loadModelInputs, modelOptions } from './cls';

export const command: CliCommand = {
  summary: 'upper limit on the signal strength mu (observed + expected band) at a confidence level',
  usage: `usage: sigmap upper-limit WORKSPACE.json [-p PATCH.json ...] [--patch-name NAME] [--cl 0.95] [--scan START:STOP:N]
                          [--normsys-interp code4] [--histosys-interp code4p] [--measurement NAME]
Prints {"mu_up_obs": x, "mu_up_exp": [5 numbers]}: the mu where CLs (q~_mu, asymptotics) crosses 1 - cl, by root finding,
or with --scan by linear interpolation on a grid of N points (pyhf linear_grid_scan).`,
  async run(argv) {
    const { values, positionals } = parseCli(argv, { ...modelOptions, cl: { type: 'string' }, scan: { type: 'string' } });
    if (positionals.length > 1) throw new InputError('arguments', `expected one workspace file, got ${positionals.length}`);
    const cl = numberOption('cl', values.cl, 0.95, (x) => x > 0 && x < 1, 'a number in (0, 1)');
    let scan: number[] | undefined;
    if (values.scan !== undefined) {
      const m = /^([^:]+):([^:]+):(\d+)$/.exec(values.scan);
      const [a, b, n] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [NaN, NaN, NaN];
      if (!m || !Number.isFinite(a) || !Number.isFinite(b) || !(b > a) || n < 2)
        throw new InputError('--scan', `expected START:STOP:N with STOP > START and N >= 2, got '${values.scan}'`);
      scan = Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
    }
    const { model, data } = loadModelInputs(positionals[0], values);
    const r = upperLimit(model, data, { cl, method: scan ? 'scan' : 'root', scan });
    printJson({ mu_up_obs: r.muUpObs, mu_up_exp: r.muUpExp });
    return 0;
  },
};
