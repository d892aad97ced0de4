import { fitStats, hypotest } from '@sigmap/stats';
// The sbottom points and the pyhf peer are shared with the cross-check in test/validation (@sigmap/peers): the benchmark
// and the agreement test run on the very same points.
import { runPyhfPeer, sbottomModel, sbottomPoints } from '@sigmap/peers';
import { integerOption, numberOption, parseCli } from '../args';
import type { CliCommand } from '../command';
import { formatTable, writeJsonFile } from '../output';

export const bench: CliCommand = {
  summary: 'hypotests per second on ATLAS sbottom points: sigmap vs pyhf (numpy, scipy), same run, one core each',
  usage: `usage: sigmap bench cls [--points-per-region 10] [--repeat 1] [--pyhf-tolerance FTOL] [--json FILE]
Runs a q~_mu hypotest at mu = 1 (normsys code4, histosys code4p) on the same sbottom signal points with sigmap and with
pyhf (one python process, OMP/BLAS threads = 1; SLSQP at its default tolerance unless --pyhf-tolerance), prints a table
and writes reports/bench/cls.json.`,
  async run(argv) {
    const { values } = parseCli(
      argv,
      { 'points-per-region': { type: 'string' }, repeat: { type: 'string' }, json: { type: 'string' }, 'pyhf-tolerance': { type: 'string' } },
      false,
    );
    const pyhfTolerance =
      values['pyhf-tolerance'] === undefined ? null : numberOption('pyhf-tolerance', values['pyhf-tolerance'], 0, (x) => x > 0, 'a positive number');
    const perRegion = integerOption('points-per-region', values['points-per-region'], 10);
    const repeat = integerOption('repeat', values.repeat, 1);
    const { regions, points } = sbottomPoints(perRegion);
    const bkg = new Map(regions.map((r) => [r.region, r.bkgOnly]));
    const prepared = points.map((p) => sbottomModel(bkg.get(p.region), p.patch));
    // warm-up (JIT) on the first point, outside the timed region
    hypotest(prepared[0].model, prepared[0].data);
    const stats0 = { ...fitStats };
    let evals = 0;
    let gradEvals = 0;
    const before = prepared.map((p) => ({ ...p.model.counters }));
    const t0 = performance.now();
    const ours: { clsObs: number; clsExp: number[]; converged: boolean }[] = [];
    for (let r = 0; r < repeat; r++)
      for (const p of prepared) {
        const h = hypotest(p.model, p.data);
        if (r === 0) ours.push(h);
      }
    const sigmapSeconds = (performance.now() - t0) / 1000;
    prepared.forEach((p, i) => {
      evals += p.model.counters.evals - before[i].evals;
      gradEvals += p.model.counters.gradEvals - before[i].gradEvals;
    });
    const fits = fitStats.fits - stats0.fits;
    const iterations = fitStats.iterations - stats0.iterations;
    const notConverged = fitStats.notConverged - stats0.notConverged;
    const hypotestsNotConverged = ours.filter((h) => !h.converged).length;
    // profile pass (not part of the throughput figure): the same hypotests with every -log L + gradient evaluation timed
    let likelihoodMs = 0;
    const t1 = performance.now();
    for (const p of prepared) {
      const timed = new Proxy(p.model, {
        get(target, key, receiver) {
          if (key !== 'nllCore') return Reflect.get(target, key, receiver);
          return (pars: Float64Array, data: ArrayLike<number>, grad: Float64Array | null) => {
            const s0 = performance.now();
            const v = target.nllCore(pars, data, grad);
            likelihoodMs += performance.now() - s0;
            return v;
          };
        },
      });
      hypotest(timed, p.data);
    }
    const profileMs = performance.now() - t1;
    const likelihoodShare = likelihoodMs / profileMs;
    const peer = runPyhfPeer(regions, points, { repeat, tolerance: pyhfTolerance });
    const n = points.length * repeat;
    const sigmapRate = n / sigmapSeconds;
    const pyhfRate = peer.hypotests / peer.seconds;
    let maxObs = 0;
    let maxExp = 0;
    let pyhfFailures = 0;
    ours.forEach((o, i) => {
      const p = peer.results[i];
      if (p.CLs_obs === null || p.CLs_exp.some((v) => v === null)) {
        pyhfFailures++;
        return;
      }
      const obs = p.CLs_obs;
      const exp = p.CLs_exp as number[];
      maxObs = Math.max(maxObs, Math.abs(o.clsObs - obs) / Math.abs(obs));
      o.clsExp.forEach((v, j) => (maxExp = Math.max(maxExp, Math.abs(v - exp[j]) / Math.abs(exp[j]))));
    });
    const report = {
      benchmark: 'cls',
      what: 'asymptotic q~_mu hypotest at mu=1 with the expected band, ATLAS SUSY-2018-31 sbottom points, normsys code4 / histosys code4p',
      points: points.length,
      repeat,
      regions: [...new Set(points.map((p) => p.region))],
      sigmap: {
        seconds: sigmapSeconds,
        hypotestsPerSecond: sigmapRate,
        node: process.versions.node,
        breakdown: {
          fits,
          fitsPerHypotest: fits / n,
          iterations,
          likelihoodEvaluations: evals + gradEvals,
          likelihoodWithGradient: gradEvals,
          likelihoodShare,
          profile: 'share of wall time inside -log L + gradient evaluations, from a second timed pass over the same points',
          fitsNotConverged: notConverged,
          hypotestsNotConverged,
        },
      },
      pyhf: {
        version: peer.pyhf_version,
        backend: 'numpy',
        optimizer: `scipy SLSQP, ${pyhfTolerance === null ? 'default tolerance (ftol 1e-6)' : `ftol ${pyhfTolerance}`}`,
        seconds: peer.seconds,
        hypotestsPerSecond: pyhfRate,
        threads: 1,
        failedHypotests: pyhfFailures,
      },
      ratio: sigmapRate / pyhfRate,
      agreement: {
        maxRelDiffClsObs: maxObs,
        maxRelDiffClsExp: maxExp,
        pointsCompared: points.length - pyhfFailures,
        note: 'pyhf at its default SLSQP ftol 1e-6 stops short of the optimum on these workspaces; test/validation compares at ftol 1e-10',
      },
    };
    process.stdout.write(
      formatTable(
        ['points', 'sigmap hypotests/s', 'pyhf hypotests/s', 'ratio', 'max rel diff CLs_obs', 'max rel diff band', 'pyhf NaN'],
        [[n, sigmapRate, pyhfRate, sigmapRate / pyhfRate, maxObs, maxExp, pyhfFailures]],
      ),
    );
    process.stdout.write(
      `sigmap time: ${fits} fits (${(fits / n).toFixed(1)}/hypotest), ${evals + gradEvals} likelihood+gradient evaluations; ` +
        `likelihood + gradient ${(100 * likelihoodShare).toFixed(0)}% of the time, the rest in the optimisers (L-BFGS, Newton polish) and bookkeeping\n`,
    );
    writeJsonFile(values.json ?? 'reports/bench/cls.json', report);
    return 0;
  },
};
