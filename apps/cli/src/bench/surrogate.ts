import { InputError } from '@sigmap/contracts';
import { DEFAULT_EVENTS, JsShowerEngine, type ShowerEngine, fullDetector, generatedBatches, getFamily, simulatePoint } from '@sigmap/physics';
import {
  DEFAULT_POLICY,
  TfShowerEngine,
  clsFromYields,
  ensureBackend,
  loadDefaultSet,
  multiFidelityPoint,
  searchesFor,
  simulateWithSurrogate,
  surrogateDetector,
  truthEvent,
} from '@sigmap/surrogate';
import { integerOption, parseCli } from '../args';
import type { CliCommand } from '../command';
import { formatTable, writeJsonFile } from '../output';

const USAGE = `usage: sigmap bench surrogate [--family x0-e-e] [--search ID] [--events 2000, the default statistics of a point] [--repeat 3] [--engine tf|js] [--grid N] [--mass LO:HI] [--coupling LO:HI] [--json FILE]
Throughput of the surrogate detector vs the \`full\` detector in one run on the same tfjs backend (events/s, seconds
per model point, and the detector stage alone, each the median of --repeat timings after a warm-up; full's showers
on the tfjs engine by default, as in sigmap simulate), then, with --grid N (N x N points; 0 to skip; default 5), a
multi-fidelity scan of the family's (mass, coupling) plane (log grid over --mass / --coupling, default the box) against an all-full scan: same excluded/allowed labels?
how much simulation time? CLs by @sigmap/stats (asymptotic q~mu) from the search's pyhf workspace.`;

interface Row {
  stage: string;
  full: number;
  surrogate: number;
  ratio: number;
}

/** (mass, second parameter) grid over the family's box; the coupling-like parameter log-spaced. */
function gridPoints(familyId: string, n: number, massRange?: [number, number], couplingRange?: [number, number]): Record<string, number>[] {
  const f = getFamily(familyId);
  const mass = f.params.find((p) => p.name === 'mass');
  const coupling = f.params.find((p) => ['kprod', 'g', 'br'].includes(p.name));
  if (!mass || !coupling) return [];
  const lg = (lo: number, hi: number, t: number) => Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo)));
  const [m0, m1] = massRange ?? [Math.max(mass.min, 500), Math.min(mass.max, 5000)];
  const [c0, c1] = couplingRange ?? [coupling.min, coupling.max];
  const pts: Record<string, number>[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      pts.push({ mass: Number(lg(m0, m1, i / Math.max(n - 1, 1)).toPrecision(4)), [coupling.name]: Number(lg(c0, c1, j / Math.max(n - 1, 1)).toPrecision(4)) });
  return pts.filter((p) => {
    try {
      f.validate(p);
      return true;
    } catch {
      return false;
    }
  });
}

export const bench: CliCommand = {
  summary: 'surrogate vs full simulation: events/s, cost per model point, multi-fidelity scan agreement and time',
  usage: USAGE,
  async run(argv) {
    const { values } = parseCli(
      argv,
      {
        family: { type: 'string' },
        search: { type: 'string' },
        events: { type: 'string' },
        engine: { type: 'string' },
        repeat: { type: 'string' },
        grid: { type: 'string' },
        mass: { type: 'string' },
        coupling: { type: 'string' },
        json: { type: 'string' },
      },
      false,
    );
    const range = (name: string, raw: string | undefined): [number, number] | undefined => {
      if (raw === undefined) return undefined;
      const [a, b] = raw.split(':').map(Number);
      if (!(a > 0) || !(b > a)) throw new InputError(`--${name}`, `expected LO:HI with 0 < LO < HI, got '${raw}'`);
      return [a, b];
    };
    const massRange = range('mass', values.mass);
    const couplingRange = range('coupling', values.coupling);
    const family = values.family ?? 'x0-e-e';
    const search = values.search ?? searchesFor(family)[0];
    const events = integerOption('events', values.events, DEFAULT_EVENTS, 10);
    const repeat = integerOption('repeat', values.repeat, 3, 1);
    const grid = integerOption('grid', values.grid, 5, 0);
    const backend = await ensureBackend();
    const engine: ShowerEngine = (values.engine ?? 'tf') === 'tf' ? new TfShowerEngine(backend) : new JsShowerEngine();
    const { set, ids, epistemicScale } = loadDefaultSet();
    process.stdout.write(
      `tfjs backend: ${backend}; full detector shower engine: ${engine.name}; surrogate models: ${Object.values(ids).join(', ')} (ensemble spread calibration scale ${epistemicScale.toFixed(2)})\n`,
    );

    // 1. End to end, one model point (default point), same events (same seed).
    const fam = getFamily(family);
    const point = fam.validate({});
    // Warm-up of both paths (JIT, tfjs kernels, lazily built tables), as bench sim does; then every timed section runs
    // `repeat` times and the median counts (these cores are shared: single timings scatter by tens of percent).
    await simulatePoint({ family, point, search, events: 64, fidelity: 'full', seed: 99, showerEngine: engine });
    await simulateWithSurrogate({ family, point, search, events: 64, seed: 99, models: set, backend, epistemicScale }, ids);
    const timed = async <T>(fn: () => Promise<T> | T): Promise<{ seconds: number; value: T }> => {
      const runs: { seconds: number; value: T }[] = [];
      for (let r = 0; r < repeat; r++) {
        const t0 = performance.now();
        const value = await fn();
        runs.push({ seconds: (performance.now() - t0) / 1000, value });
      }
      return runs.sort((x, y) => x.seconds - y.seconds)[Math.floor((repeat - 1) / 2)];
    };
    const { seconds: tFull, value: full } = await timed(() =>
      simulatePoint({ family, point, search, events, fidelity: 'full', seed: 11, showerEngine: engine }),
    );
    const { seconds: tSurr, value: surr } = await timed(() =>
      simulateWithSurrogate({ family, point, search, events, seed: 11, models: set, backend, epistemicScale }, ids),
    );
    // 2. Detector stage alone on the same generated events (generation + fragmentation excluded, it is shared).
    const ctx = fam.prepare(point);
    const { seconds: tGen, value: evs } = await timed(() => [...generatedBatches(fam, point, ctx, events, 5)].flatMap((b) => b.events));
    const { seconds: tFullDet } = await timed(() => fullDetector(evs, { engine, seed: 3 }));
    const { seconds: tTruth, value: truth } = await timed(() => evs.map((ev) => ({ ...truthEvent(ev), weight: ev.weight })));
    const one = Object.fromEntries(Object.entries(set).map(([o, ms]) => [o, ms![0]]));
    const { seconds: tNn } = await timed(() => surrogateDetector(truth, one, 3));
    const K = Math.min(...Object.values(set).map((m) => m!.length));
    const rows: Row[] = [
      { stage: `end to end (${K}-member ensemble), events/s`, full: events / tFull, surrogate: events / tSurr, ratio: tFull / tSurr },
      { stage: 'end to end, seconds per model point', full: tFull, surrogate: tSurr, ratio: tFull / tSurr },
      {
        stage: 'detector stage, one member, events/s (truth objects + NN vs showers + reco)',
        full: events / tFullDet,
        surrogate: events / (tTruth + tNn),
        ratio: tFullDet / (tTruth + tNn),
      },
      { stage: 'detector stage, NN sampling only, events/s', full: events / tFullDet, surrogate: events / tNn, ratio: tFullDet / tNn },
      // What no network can remove: generation, fragmentation and the truth objects (truth-jet clustering) it reads.
      {
        stage: 'end-to-end ceiling, network free: full / (generation + truth objects)',
        full: events / tFull,
        surrogate: events / (tGen + tTruth),
        ratio: tFull / (tGen + tTruth),
      },
    ];
    process.stdout.write(
      `\n${family} at ${JSON.stringify(point)}, ${search}, ${events} events (generation + fragmentation alone: ${(events / tGen).toFixed(0)} events/s)\n`,
    );
    process.stdout.write(
      formatTable(
        ['stage', 'full', 'surrogate', 'full / surrogate time'],
        rows.map((r) => [r.stage, r.full, r.surrogate, r.ratio]),
      ),
    );

    // 3. Multi-fidelity scan vs all-full on a grid.
    let scan: Record<string, unknown> | null = null;
    if (grid > 0) {
      const pts = gridPoints(family, grid, massRange, couplingRange);
      const results: Record<string, unknown>[] = [];
      let tAllFull = 0;
      let tMulti = 0;
      let agree = 0;
      let sent = 0;
      const closure = { bins: 0, withinEpistemic: 0 };
      for (const [i, p] of pts.entries()) {
        const s0 = performance.now();
        const f = await simulatePoint({ family, point: p, search, events, fidelity: 'full', seed: 100 + i, showerEngine: engine });
        const tf = (performance.now() - s0) / 1000;
        // The multi-fidelity path: surrogate + policy; when it asks for full, the full run above (same seed, same
        // result) is its answer and its time is charged to the multi-fidelity scan too.
        const mf = await multiFidelityPoint({
          family,
          point: p,
          search,
          events,
          seed: 100 + i,
          models: set,
          modelIds: ids,
          backend,
          epistemicScale,
          full: async () => f,
        });
        const ts = mf.secondsSurrogate;
        const clsFull = clsFromYields({ search, family, point: f.point, yields: f.yields, yieldErrors: f.yieldErrors }).clsObs;
        const d = mf.decision;
        const labelFull = clsFull < DEFAULT_POLICY.alpha;
        const labelMulti = mf.excluded;
        tAllFull += tf;
        tMulti += ts + (mf.fidelity === 'full' ? tf : 0);
        if (mf.fidelity === 'full') sent++;
        if (labelFull === labelMulti) agree++;
        // production closure: the surrogate set (every object type) vs full on the same generated events (same seed:
        // both runs generate each batch before its detector stage), so the difference is the detector response alone,
        // which the calibrated epistemic uncertainty (the one in the likelihood) is meant to cover
        const sy = mf.surrogate;
        f.yields.forEach((yf, b) => {
          if (yf === 0 && sy.yields[b] === 0) return;
          closure.bins++;
          if (Math.abs(sy.yields[b] - yf) <= sy.epistemic[b]) closure.withinEpistemic++;
        });
        results.push({
          point: f.point,
          clsFull,
          clsSurrogate: d.cls,
          clsShifted: [d.clsDown, d.clsUp],
          fidelity: mf.fidelity,
          reason: d.reason,
          excludedFull: labelFull,
          excludedMulti: labelMulti,
          secondsFull: tf,
          secondsSurrogate: ts,
        });
      }
      scan = {
        points: pts.length,
        agree,
        agreement: agree / pts.length,
        sentToFull: sent,
        secondsAllFull: tAllFull,
        secondsMultiFidelity: tMulti,
        timeRatio: tAllFull / tMulti,
        policy: DEFAULT_POLICY,
        closure,
        results,
      };
      process.stdout.write(`\nmulti-fidelity scan, ${pts.length} points of ${family} (${events} events each):\n`);
      process.stdout.write(
        formatTable(
          ['point', 'CLs full', 'CLs surrogate', 'CLs at -/+ k x calibrated spread', 'sent to', 'label full', 'label multi'],
          results.map((r) => [
            JSON.stringify(r.point),
            r.clsFull as number,
            r.clsSurrogate as number,
            (r.clsShifted as number[]).map((x) => x.toPrecision(3)).join(' / '),
            r.fidelity as string,
            r.excludedFull ? 'excluded' : 'allowed',
            r.excludedMulti ? 'excluded' : 'allowed',
          ]),
        ),
      );
      process.stdout.write(
        `surrogate set (every object type) vs full, same generated events: ${closure.withinEpistemic} of ${closure.bins} bins with events (${((100 * closure.withinEpistemic) / Math.max(closure.bins, 1)).toFixed(1)}%) within the calibrated epistemic uncertainty that enters the likelihood\n`,
      );
      process.stdout.write(
        `labels agree on ${agree}/${pts.length} (${((100 * agree) / pts.length).toFixed(1)}%); ${sent} points sent to full; simulation time all-full ${tAllFull.toFixed(1)} s vs multi-fidelity ${tMulti.toFixed(1)} s (${(tAllFull / tMulti).toFixed(2)}x less)\n`,
      );
    }
    const report = {
      bench: 'surrogate',
      backend,
      repeat,
      showerEngine: engine.name,
      family,
      search,
      events,
      point,
      models: ids,
      members: K,
      rows,
      endToEnd: { full: { seconds: tFull, yields: full.yields }, surrogate: { seconds: tSurr, yields: surr.yields, epistemic: surr.epistemic } },
      generationEventsPerSecond: events / tGen,
      scan,
    };
    writeJsonFile(values.json ?? 'reports/bench/surrogate.json', report);
    return 0;
  },
};
