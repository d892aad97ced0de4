/**
 * Validation of a surrogate against held-out `full` simulation, three ways:
 *  1. Per-feature Wasserstein-1 (metrics.ts) between the surrogate's reco objects and a held-out full sample A, with
 *     the floor set by full simulation against itself: the expected W1 between two independent full samples of the
 *     same size and generated distribution, estimated as the mean over FLOOR_SPLITS random event-level splits of
 *     A + B (B an independent full sample at the same points) into two halves of A's size (a permutation estimate:
 *     a single W1(B, A) is itself a random draw, and for a rare flag such as a tau tag it can lie far below its
 *     expectation). W1(B, A) is reported beside it. The surrogate is run on B's truth events, so the surrogate and
 *     A are independent event samples too. Features: pT, eta, phi, m (jets), tag-flag rates and the per-event multiplicity
 *     (which carries the efficiency).
 *  2. Classifier two-sample test (Lopez-Paz & Oquab, arXiv:1610.06545; Friedman's proposal): an MLP is trained to tell
 *     surrogate from full given the truth object and the reco response [c, found, found * cont, found * flags] on B's
 *     truth objects; the AUC on a held-out half is reported (0.5 = indistinguishable). Its power is checked by the
 *     same test against a deliberately broken surrogate (pT response spread doubled).
 *  3. Closure of the signal yields per search bin: on the same generated events, full yields vs the ensemble mean,
 *     within the ensemble standard deviation sigma_ens (strict), within sqrt(sigma_ens^2 + sigma_det^2) (adding the
 *     full detector's own noise on these events, see ClosureBin.sigmaDet) and within sqrt(sigma_ens^2 + sigma_MC^2)
 *     (adding the Poisson Monte Carlo error of the full yield).
 *  4. Calibration of the ensemble uncertainty (split conformal prediction: Vovk et al. 2005; Angelopoulos & Bates,
 *     arXiv:2107.07511, section 1) as production computes it: one pass of each member gives the yield y1_b (their
 *     mean) and the spread v_b (simulate.ts productionSpread: their standard deviation combined with the detector-level
 *     variance of where they put each event, floored at one event's yield). On calibration points, disjoint from the
 *     test points, the scores t_b = |full_b - y1_b| / v_b give the scale s = the ceil((n+1)(1-alpha))-th smallest
 *     score, floored at 1; for test bins exchangeable with the calibration bins, |full - y1| <= s v_b then holds with
 *     probability >= 1 - alpha. The closure reported for acceptance is that inequality on the test points.
 *     (u_b = sqrt(sigma_ens^2 + sigma_det^2), from all replicas, is reported beside it, uncalibrated.)
 */
import { createRng } from '@sigmap/contracts';
import { binIndex, getOwnSearch, mass } from '@sigmap/physics';
import { Bernoulli } from './bernoulli';
import type { SampledEvent } from './data';
import { type ObjectModels, surrogateDetector, type TruthEvent } from './detector';
import { rocAuc, wasserstein1 } from './metrics';
import type { ObjectModel } from './model';
import { OBJECT_SPECS, type ObjectType, condVector, contVector, flagVector, matchObjects, recoObjectsOf } from './objects';
import type { RecoEvent } from '@sigmap/physics';
import { type SurrogateSet, ensembleStats, memberCount, membersAt, occupancyVariance, productionSpread } from './ensemble';

/** Surrogate passes per member over the closure events. */
const CLOSURE_REPLICAS = 5;

/**
 * Coverage the ensemble spread is calibrated to. Conformal coverage is exact only on average (between the level and
 * level + 1/(n+1)); 95 % leaves room for the scatter of a closure count on ~25 test bins against the acceptance target
 * of 90 %, and errs on the side of a wider signal uncertainty, never a narrower one.
 */
export const CALIBRATION_LEVEL = 0.95;

/** Closure target on the test points: the share of bins within the calibrated spread. */
export const CLOSURE_TARGET = 0.9;

/** Acceptance of a validated model: every W1 within this multiple of its floor ... */
const W1_RATIO_MAX = 3;
/** ... and a classifier AUC below this. */
const AUC_MAX = 0.6;

/** True when a report meets every acceptance check: W1 ratios, AUC and (where measured) calibrated closure. */
export function passesValidation(r: ValidationReport): boolean {
  const closureOk = !r.closure || (r.closure.withinCalibrated !== undefined && r.closure.withinCalibrated >= CLOSURE_TARGET);
  return r.w1.every((w) => w.ratio <= W1_RATIO_MAX) && r.auc < AUC_MAX && closureOk;
}

/** Validation's pick among candidates for one object type: passing models first, then lowest max W1 ratio, then AUC. */
export function chooseByValidation<T extends { report: ValidationReport }>(candidates: readonly T[]): T {
  if (candidates.length === 0) throw new RangeError('no validated model to choose from');
  const key = (c: T) => [passesValidation(c.report) ? 0 : 1, c.report.maxRatio, c.report.auc];
  return [...candidates].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  })[0];
}

/**
 * Conformal score of a closure bin: |full - production yield| in units of the production spread (what the likelihood
 * would get for these events before calibration), so the calibrated spread covers what production computes.
 */
export function closureScore(b: Pick<ClosureBin, 'full' | 'surrogateSingle' | 'sigmaSingle'>): number {
  const d = Math.abs(b.full - b.surrogateSingle);
  return b.sigmaSingle > 0 ? d / b.sigmaSingle : d === 0 ? 0 : Infinity;
}

/**
 * Split-conformal calibration (header, 4.): s = the ceil((n+1) level)-th smallest score of the calibration bins,
 * floored at 1 (calibration never shrinks the spread). Null when n is too small for the level (n < level/(1-level)).
 */
export function calibrateSpread(bins: readonly ClosureBin[], level: number, search = ''): SpreadCalibration | null {
  if (!(level > 0 && level < 1)) throw new RangeError(`calibration level must be in (0, 1), got ${level}`);
  const scores = bins.map(closureScore).sort((a, b) => a - b);
  const k = Math.ceil((scores.length + 1) * level);
  if (k > scores.length || !Number.isFinite(scores[k - 1])) return null;
  const q = scores[k - 1];
  return { method: 'split-conformal', level, scale: Math.max(1, q), quantile: q, bins: bins.length, points: new Set(bins.map((b) => b.point)).size, search };
}

export interface W1Row {
  feature: string;
  w1: number;
  /** Expected full-vs-full W1 (mean over FLOOR_SPLITS splits of A + B). */
  floor: number;
  /** The single full-vs-full draw W1(B, A). */
  floorAB?: number;
  ratio: number;
}

/** Random event-level splits of A + B that estimate the full-vs-full W1 floor. */
export const FLOOR_SPLITS = 20;

export interface ClosureBin {
  point: number;
  search: string;
  bin: number;
  full: number;
  fullErr: number;
  surrogate: number;
  sigmaEns: number;
  /**
   * Detector-level noise of the full yield on these same generated events, sigma_det^2 = sum_i w_i^2 p_ib (1 - p_ib),
   * p_ib = the fraction of the surrogate passes (members x replicas) in which event i lands in bin b.
   */
  sigmaDet: number;
  /** The ensemble's predictive spread of this yield, u_b = sqrt(sigmaEns^2 + sigmaDet^2) (see the header, 4.). */
  sigmaPred: number;
  /** The yield as production computes it: the mean of one pass of each member (simulate.ts). */
  surrogateSingle: number;
  /** The spread production puts in the likelihood before calibration (simulate.ts productionSpread), from those passes. */
  sigmaSingle: number;
}

/** Split-conformal scale of the ensemble's predictive spread (header, 4.). */
export interface SpreadCalibration {
  method: 'split-conformal';
  /** Target coverage 1 - alpha. */
  level: number;
  /** s: the yield uncertainty entering the likelihood is s x the ensemble spread. */
  scale: number;
  /** The uncalibrated quantile (s before the floor at 1). */
  quantile: number;
  bins: number;
  points: number;
  search: string;
}

export interface ValidationReport {
  object: ObjectType;
  backend: string;
  eventsPerSample: number;
  objectsFull: number;
  objectsSurrogate: number;
  w1: W1Row[];
  maxRatio: number;
  auc: number;
  aucPowerCheck: number;
  classifierRows: number;
  closure: {
    search: string;
    bins: ClosureBin[];
    withinEnsemble: number;
    withinDetector?: number;
    withinDetector2?: number;
    pullRms?: number;
    withinCombined: number;
    /** Share of bins whose production yield lies within the calibrated production spread s v_b (header, 4.). */
    withinCalibrated?: number;
    calibration?: SpreadCalibration | null;
  } | null;
  note: string;
}

const asTruth = (e: SampledEvent): TruthEvent => ({ truth: e.truth, metTruth: e.metTruth, unclustered: e.unclustered, weight: e.reco.weight });

function features(object: ObjectType, events: readonly RecoEvent[]): Record<string, number[]> {
  const f: Record<string, number[]> = { pt: [], eta: [], phi: [], multiplicity: [] };
  if (object === 'jet') Object.assign(f, { m: [], btag: [], tautag: [] });
  for (const ev of events) {
    const objs = recoObjectsOf(ev, object);
    f.multiplicity.push(objs.length);
    for (const o of objs) {
      f.pt.push(o.pt);
      f.eta.push(o.eta);
      f.phi.push(o.phi);
      if (object === 'jet') {
        const j = o as RecoEvent['jets'][number];
        f.m.push(mass(o.p));
        f.btag.push(j.btag ? 1 : 0);
        f.tautag.push(j.tautag ? 1 : 0);
      }
    }
  }
  return f;
}

/** Features and response variables of full events (their own reco). */
function fullFeatures(object: ObjectType, events: readonly SampledEvent[]): Record<string, number[]> {
  const recos = events.map((e) => e.reco);
  return { ...features(object, recos), ...responses(object, events, recos) };
}

/**
 * Mean W1 per feature between the two halves of random event-level splits of `pool` (first half of size n): the
 * expected W1 of two independent full samples of size n (header, 1.).
 */
export function permutationFloors(object: ObjectType, pool: readonly SampledEvent[], n: number, seed: number, splits = FLOOR_SPLITS): Record<string, number> {
  const rng = createRng(seed);
  const idx = pool.map((_, i) => i);
  const sum: Record<string, number> = {};
  for (let s = 0; s < splits; s++) {
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    const x = fullFeatures(
      object,
      idx.slice(0, n).map((i) => pool[i]),
    );
    const y = fullFeatures(
      object,
      idx.slice(n).map((i) => pool[i]),
    );
    for (const k of Object.keys(x)) sum[k] = (sum[k] ?? 0) + wasserstein1(x[k], y[k]) / splits;
  }
  return sum;
}

/** Surrogate reco events for `events`, the members taking turns (the ensemble's predictive mixture). */
function surrogateEvents(events: readonly SampledEvent[], set: SurrogateSet, seed: number, transform?: (m: ObjectModels) => ObjectModels): RecoEvent[] {
  const only = Object.keys(set) as ObjectType[];
  const K = memberCount(set);
  const out: RecoEvent[] = new Array(events.length);
  for (let k = 0; k < K; k++) {
    const idx = events.map((_, i) => i).filter((i) => i % K === k);
    const models = transform ? transform(membersAt(set, k)) : membersAt(set, k);
    const reco = surrogateDetector(
      idx.map((i) => asTruth(events[i])),
      models,
      seed + k,
      only,
    );
    idx.forEach((i, j) => (out[i] = reco[j]));
  }
  return out;
}

/** Response variables of matched (truth, reco) pairs: reco/true pT, eta and phi residuals (and jet m/pT shift). */
function responses(object: ObjectType, events: readonly SampledEvent[], recos: readonly RecoEvent[]): Record<string, number[]> {
  const spec = OBJECT_SPECS[object];
  const names = ['resp_pt_ratio', 'resp_d_eta', 'resp_d_phi', ...(object === 'jet' ? ['resp_d_m_over_pt'] : [])];
  const out: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  events.forEach((e, i) => {
    for (const p of matchObjects(e.truth[object], recoObjectsOf(recos[i], object), spec.matchDr).pairs) {
      if (!p.reco) continue;
      const c = contVector(object, p.truth, p.reco);
      names.forEach((n, k) => out[n].push(k === 0 ? Math.exp(c[0]) : c[k]));
    }
  });
  return out;
}

function classifierRows(object: ObjectType, events: readonly SampledEvent[], recos: readonly RecoEvent[]): number[][] {
  const spec = OBJECT_SPECS[object];
  const rows: number[][] = [];
  events.forEach((e, i) => {
    const { pairs } = matchObjects(e.truth[object], recoObjectsOf(recos[i], object), spec.matchDr);
    for (const p of pairs) {
      const c = condVector(p.truth);
      if (p.reco) rows.push([...c, 1, ...contVector(object, p.truth, p.reco), ...flagVector(object, p.reco)]);
      else rows.push([...c, 0, ...new Array(spec.cont.length + spec.flags.length).fill(0)]);
    }
  });
  return rows;
}

/** AUC of a classifier trained on half the rows (full = 0, surrogate = 1), evaluated on the other half. */
async function classifierAuc(full: number[][], surr: number[][], seed: number, steps = 500): Promise<number> {
  const rng = createRng(seed);
  const all = [...full.map((r) => ({ r, y: 0 })), ...surr.map((r) => ({ r, y: 1 }))];
  const train: typeof all = [];
  const test: typeof all = [];
  for (const x of all) (rng.uniform() < 0.5 ? train : test).push(x);
  const clf = Bernoulli.create(
    train.map((x) => x.r),
    { seed, hidden: [64, 64] },
  );
  await clf.train(
    train.map((x) => x.r),
    train.map((x) => x.y),
    { steps, seed, learningRate: 3e-3 },
  );
  const p = clf.prob(test.map((x) => x.r));
  clf.dispose();
  return rocAuc(
    p,
    test.map((x) => x.y),
  );
}

/** A surrogate whose pT response spread about its median is doubled (the classifier test's power check). */
function broadened(m: ObjectModels, object: ObjectType): ObjectModels {
  const base = m[object]!;
  const proxy = Object.create(base) as ObjectModel;
  proxy.sample = (cond, rng) => {
    const r = base.sample(cond, rng);
    const med = [...r.cont.map((c) => c[0])].sort((a, b) => a - b)[Math.floor(r.cont.length / 2)] ?? 0;
    return { ...r, cont: r.cont.map((c) => [med + 2 * (c[0] - med), ...c.slice(1)]) };
  };
  return { ...m, [object]: proxy };
}

export interface ValidateRequest {
  object: ObjectType;
  /** Surrogate set: the model under test for `object`, plus the other types' models (needed for closure). */
  set: SurrogateSet;
  /** Two independent full samples of the same generated distribution. */
  fullA: readonly SampledEvent[];
  fullB: readonly SampledEvent[];
  /** Searches for the closure test, applied to fullB (points as in the sample) unless closureEvents are given. */
  searches?: string[];
  /** Full events at calibration points (disjoint from the closure points): calibrate the ensemble spread. */
  calibrationEvents?: readonly SampledEvent[];
  /** Full events at the closure test points (default fullB). */
  closureEvents?: readonly SampledEvent[];
  /** Target coverage of the calibrated spread (default CALIBRATION_LEVEL). */
  calibrationLevel?: number;
  seed: number;
  backend: string;
  classifierSteps?: number;
}

export async function validateSurrogate(req: ValidateRequest): Promise<ValidationReport> {
  const { object, fullA, fullB } = req;
  const n = Math.min(fullA.length, fullB.length);
  const A = fullA.slice(0, n);
  const B = fullB.slice(0, n);
  const onlyObject: SurrogateSet = { [object]: req.set[object] };
  const surrB = surrogateEvents(B, onlyObject, req.seed);
  const fa = features(
    object,
    A.map((e) => e.reco),
  );
  const fb = features(
    object,
    B.map((e) => e.reco),
  );
  const fs = features(object, surrB);
  const ra = responses(
    object,
    A,
    A.map((e) => e.reco),
  );
  const rb = responses(
    object,
    B,
    B.map((e) => e.reco),
  );
  const rs = responses(object, B, surrB);
  Object.assign(fa, ra);
  Object.assign(fb, rb);
  Object.assign(fs, rs);
  const floors = permutationFloors(object, [...A, ...B], n, req.seed + 3);
  const w1: W1Row[] = Object.keys(fa).map((k) => {
    const w = wasserstein1(fs[k], fa[k]);
    const floor = floors[k];
    // A feature that full simulation reproduces exactly (floor 0) passes only when the surrogate does too (ratio 1).
    return { feature: k, w1: w, floor, floorAB: wasserstein1(fb[k], fa[k]), ratio: floor > 0 ? w / floor : w === 0 ? 1 : Infinity };
  });
  const fullRows = classifierRows(
    object,
    B,
    B.map((e) => e.reco),
  );
  const surrRows = classifierRows(object, B, surrB);
  const auc = await classifierAuc(fullRows, surrRows, req.seed + 1, req.classifierSteps);
  const broken = surrogateEvents(B, onlyObject, req.seed, (m) => broadened(m, object));
  const aucPowerCheck = await classifierAuc(fullRows, classifierRows(object, B, broken), req.seed + 1, req.classifierSteps);
  let closure: ValidationReport['closure'] = null;
  let note = '';
  if (req.searches?.length) {
    const members = req.set[object]!;
    let calibration: SpreadCalibration | null = null;
    if (req.calibrationEvents?.length) {
      const cal = closureTest(req.calibrationEvents, object, members, req.searches, req.seed + 11);
      calibration = calibrateSpread(cal.bins, req.calibrationLevel ?? CALIBRATION_LEVEL, cal.search);
    }
    closure = closureTest(req.closureEvents ?? B, object, members, req.searches, req.seed + 7, CLOSURE_REPLICAS, calibration);
  } else note = 'closure skipped: no surrogate-capable search for this family';
  return {
    object,
    backend: req.backend,
    eventsPerSample: n,
    objectsFull: fa.pt.length,
    objectsSurrogate: fs.pt.length,
    w1,
    maxRatio: Math.max(...w1.filter((r) => Number.isFinite(r.ratio)).map((r) => r.ratio)),
    auc,
    aucPowerCheck,
    classifierRows: fullRows.length + surrRows.length,
    closure,
    note,
  };
}

/**
 * Per-bin closure on the same generated events: raw weighted counts of full vs each member (averaged over replicas) (searches' own bins,
 * separately per generated point). The object type under test is replaced by the surrogate's in each full reco event
 * (other object types stay as fully simulated, MET corrected by the momentum difference), so the test isolates this
 * model. Bins where both are empty are dropped.
 */
export function closureTest(
  events: readonly SampledEvent[],
  object: ObjectType,
  members: readonly ObjectModel[],
  searches: string[],
  seed: number,
  replicas = CLOSURE_REPLICAS,
  calibration: SpreadCalibration | null = null,
): NonNullable<ValidationReport['closure']> {
  const truth = events.map(asTruth);
  // Each member runs `replicas` times over the same events, so its replica-averaged yield carries little sampling noise.
  const memberEvents = members.map((m, k) => {
    const out: RecoEvent[][] = [];
    for (let r = 0; r < replicas; r++) {
      const surr = surrogateDetector(truth, { [object]: m }, seed + 1000 * r + k, [object]);
      out.push(events.map((e, i) => hybrid(e.reco, surr[i], object)));
    }
    return out;
  });
  const bins: ClosureBin[] = [];
  for (const sid of searches) {
    const s = getOwnSearch(sid);
    const nb = s.binEdges.length - 1;
    const points = [...new Set(events.map((e) => e.point))];
    for (const pt of points) {
      const idx = events.flatMap((e, i) => (e.point === pt ? [i] : []));
      const weights = idx.map((i) => events[i].reco.weight);
      const binOf = (r: RecoEvent) => {
        const x = s.select(r);
        return x === null ? -1 : binIndex(s.binEdges, x);
      };
      const full = new Float64Array(nb);
      const full2 = new Float64Array(nb);
      idx.forEach((i, j) => {
        const b = binOf(events[i].reco);
        if (b >= 0) {
          full[b] += weights[j];
          full2[b] += weights[j] ** 2;
        }
      });
      // passBins[k][r][j]: the bin member k's replica r puts event idx[j] in (-1: not selected)
      const passBins = memberEvents.map((reps) => reps.map((rep) => idx.map((i) => binOf(rep[i]))));
      // replica-averaged member yields (each replica carries weight / replicas)
      const mem = passBins.map((reps) => {
        const y = new Array<number>(nb).fill(0);
        idx.forEach((_, j) => reps.forEach((bins) => bins[j] >= 0 && (y[bins[j]] += weights[j] / replicas)));
        return y;
      });
      // one pass of each member (replica 0), as production runs them: yields and event counts per bin
      const single = passBins.map((reps) => {
        const y = new Array<number>(nb).fill(0);
        reps[0].forEach((b, j) => b >= 0 && (y[b] += weights[j]));
        return y;
      });
      const singleCount = passBins.map((reps) => {
        const c = new Array<number>(nb).fill(0);
        reps[0].forEach((b) => b >= 0 && c[b]++);
        return c;
      });
      // detector noise of the yield on these events, from where all member x replica passes put each event
      const det2 = occupancyVariance(passBins.flat(), weights, nb);
      const { mean, std } = ensembleStats(mem);
      const prod = productionSpread(
        single,
        singleCount,
        occupancyVariance(
          passBins.map((reps) => reps[0]),
          weights,
          nb,
        ),
      );
      for (let b = 0; b < nb; b++) {
        if (full[b] === 0 && mean[b] === 0 && prod.mean[b] === 0) continue;
        bins.push({
          point: pt,
          search: sid,
          bin: b,
          full: full[b],
          fullErr: Math.sqrt(full2[b]),
          surrogate: mean[b],
          sigmaEns: std[b],
          sigmaDet: Math.sqrt(det2[b]),
          sigmaPred: Math.hypot(std[b], Math.sqrt(det2[b])),
          surrogateSingle: prod.mean[b],
          sigmaSingle: prod.spread[b],
        });
      }
    }
  }
  const within = (f: (b: ClosureBin) => number) => (bins.length ? bins.filter((b) => Math.abs(b.surrogate - b.full) <= f(b)).length / bins.length : NaN);
  return {
    search: searches.join(','),
    bins,
    withinEnsemble: within((b) => b.sigmaEns),
    withinDetector: within((b) => b.sigmaPred),
    withinDetector2: within((b) => 2 * b.sigmaPred),
    pullRms: Math.sqrt(bins.reduce((a, b) => a + ((b.surrogate - b.full) / Math.max(b.sigmaPred, 1e-12)) ** 2, 0) / Math.max(bins.length, 1)),
    withinCombined: within((b) => Math.hypot(b.sigmaEns, b.fullErr)),
    // the acceptance figure: production's yield within production's calibrated spread
    ...(calibration
      ? { withinCalibrated: bins.length ? bins.filter((b) => closureScore(b) <= calibration.scale).length / bins.length : NaN, calibration }
      : { calibration: null }),
  };
}

/** A full reco event with one object type's list replaced by the surrogate's; MET moved by the momentum difference. */
function hybrid(full: RecoEvent, surr: RecoEvent, object: ObjectType): RecoEvent {
  const key = object === 'electron' ? 'electrons' : object === 'muon' ? 'muons' : object === 'photon' ? 'photons' : 'jets';
  let dx = 0;
  let dy = 0;
  for (const o of full[key]) {
    dx += o.p.px;
    dy += o.p.py;
  }
  for (const o of surr[key]) {
    dx -= o.p.px;
    dy -= o.p.py;
  }
  const px = full.met.px + dx;
  const py = full.met.py + dy;
  return { ...full, [key]: surr[key], met: { px, py, pt: Math.hypot(px, py) } };
}
