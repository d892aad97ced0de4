/**
 * The surrogate of one object type: p(reco | truth) factorised as
 *   p(found | c) * p(cont | c, found) * prod_j p(flag_j | c, cont, flag_<j)
 * with a Bernoulli efficiency head, a conditional generator for the continuous response (autoregressive IQN or
 * conditional flow), and autoregressive Bernoulli heads for the tag flags. An ensemble of K such models, each trained
 * from a different seed on a bootstrap resample of the training table (Lakshminarayanan et al., arXiv:1612.01474),
 * gives the epistemic spread.
 */
import { type Rng, createRng } from '@sigmap/contracts';
import { Bernoulli, type BernoulliState } from './bernoulli';
import type { ObjectTable } from './data';
import { Flow, type FlowState } from './flow';
import { Iqn, type IqnState } from './iqn';
import type { ObjectType } from './objects';

export type GeneratorKind = 'iqn' | 'flow';

export interface TrainBudget {
  /** Optimiser steps of the generator (IQN / flow). */
  generatorSteps: number;
  /** Optimiser steps of each Bernoulli head. */
  headSteps: number;
  hidden: number[];
  flowLayers: number;
}

export const DEFAULT_BUDGET: TrainBudget = { generatorSteps: 1500, headSteps: 400, hidden: [48, 48], flowLayers: 4 };

export interface ObjectModelState {
  object: ObjectType;
  kind: GeneratorKind;
  /** Per response variable: its constant value when it is deterministic in the training data (else null). */
  fixed?: (number | null)[];
  eff: BernoulliState;
  gen: IqnState | FlowState;
  flags: BernoulliState[];
}

interface SampledResponse {
  found: boolean[];
  /** Continuous response per truth object (empty for lost ones). */
  cont: number[][];
  flags: number[][];
}

export class ObjectModel {
  constructor(
    readonly object: ObjectType,
    readonly kind: GeneratorKind,
    readonly eff: Bernoulli,
    readonly gen: Iqn | Flow,
    readonly flags: Bernoulli[],
    /** Response variables that are constant in full simulation (e.g. muon eta / phi residuals): not generated. */
    readonly fixed: (number | null)[] = [],
  ) {}

  static async train(
    t: ObjectTable,
    kind: GeneratorKind,
    seed: number,
    budget: TrainBudget = DEFAULT_BUDGET,
    progress?: (stage: string, step: number, loss: number) => void,
  ): Promise<ObjectModel> {
    if (t.condM.length < 20) throw new Error(`too few reconstructed ${t.object} objects to train on (${t.condM.length})`);
    const dc = t.cond[0].length;
    // Response variables with no spread at all in full simulation are reproduced exactly, not generated.
    const fixed = t.cont[0].map((v0, k) => (t.cont.every((r) => Math.abs(r[k] - v0) < 1e-12) ? v0 : null));
    const free = fixed.map((f, k) => (f === null ? k : -1)).filter((k) => k >= 0);
    if (free.length === 0) throw new Error(`every ${t.object} response variable is constant: nothing to learn`);
    const cont = t.cont.map((r) => free.map((k) => r[k]));
    const dx = free.length;
    const eff = Bernoulli.create(t.cond, { seed: seed + 1, hidden: [32, 32] }, t.matched);
    await eff.train(t.cond, t.matched, { steps: budget.headSteps, seed: seed + 1 });
    progress?.('efficiency', budget.headSteps, eff.loss);
    let gen: Iqn | Flow;
    if (kind === 'iqn') {
      const g = Iqn.create(dc, dx, t.condM, cont, { seed: seed + 2, hidden: budget.hidden });
      await g.train(t.condM, cont, { steps: budget.generatorSteps, seed: seed + 2 }, (s, l) => progress?.('iqn', s, l));
      gen = g;
    } else {
      const g = Flow.create(dc, dx, t.condM, cont, { seed: seed + 2, hidden: budget.hidden, layers: budget.flowLayers });
      await g.train(t.condM, cont, { steps: budget.generatorSteps, seed: seed + 2 }, (s, l) => progress?.('flow', s, l));
      gen = g;
    }
    const flags: Bernoulli[] = [];
    const nf = t.flags[0]?.length ?? 0;
    for (let j = 0; j < nf; j++) {
      const inputs = t.condM.map((c, i) => [...c, ...t.cont[i], ...t.flags[i].slice(0, j)]);
      const y = t.flags.map((f) => f[j]);
      const h = Bernoulli.create(inputs, { seed: seed + 10 + j, hidden: [32, 32] }, y);
      await h.train(inputs, y, { steps: budget.headSteps, seed: seed + 10 + j });
      progress?.(`flag${j}`, budget.headSteps, h.loss);
      flags.push(h);
    }
    return new ObjectModel(t.object, kind, eff, gen, flags, fixed);
  }

  /** Response of each truth object (by condition vector). */
  sample(cond: readonly number[][], rng: Rng): SampledResponse {
    const found = this.eff.sample(cond, rng).map((v) => v === 1);
    const condM = cond.filter((_, i) => found[i]);
    const free = condM.length ? this.gen.sample(condM, rng) : [];
    const cont = this.fixed.length
      ? free.map((g) => {
          let j = 0;
          return this.fixed.map((f) => (f === null ? g[j++] : f));
        })
      : free;
    const flags: number[][] = cont.map(() => []);
    for (const h of this.flags) {
      const bits = h.sample(
        condM.map((c, i) => [...c, ...cont[i], ...flags[i]]),
        rng,
      );
      bits.forEach((b, i) => flags[i].push(b));
    }
    return { found, cont, flags };
  }

  state(): ObjectModelState {
    return { object: this.object, kind: this.kind, fixed: this.fixed, eff: this.eff.state(), gen: this.gen.state(), flags: this.flags.map((f) => f.state()) };
  }

  static fromState(s: ObjectModelState): ObjectModel {
    const gen = s.gen.kind === 'iqn' ? Iqn.fromState(s.gen) : Flow.fromState(s.gen);
    return new ObjectModel(
      s.object,
      s.kind,
      Bernoulli.fromState(s.eff),
      gen,
      s.flags.map((f) => Bernoulli.fromState(f)),
      s.fixed ?? [],
    );
  }

  dispose(): void {
    this.eff.dispose();
    this.gen.dispose();
    for (const f of this.flags) f.dispose();
  }
}

/** A bootstrap resample of a table's truth objects (seeded). */
function bootstrap(t: ObjectTable, rng: Rng): ObjectTable {
  const n = t.cond.length;
  const matchedIdx: number[] = [];
  let m = 0;
  for (let i = 0; i < n; i++) matchedIdx.push(t.matched[i] ? m++ : -1);
  const out: ObjectTable = { object: t.object, cond: [], matched: [], condM: [], cont: [], flags: [], fakes: t.fakes, recoTotal: t.recoTotal };
  for (let k = 0; k < n; k++) {
    const i = Math.floor(rng.uniform() * n);
    out.cond.push(t.cond[i]);
    out.matched.push(t.matched[i]);
    if (t.matched[i]) {
      out.condM.push(t.condM[matchedIdx[i]]);
      out.cont.push(t.cont[matchedIdx[i]]);
      out.flags.push(t.flags[matchedIdx[i]]);
    }
  }
  return out;
}

/** K members; member 0 trains on the full table, the others on bootstrap resamples, each from its own seed. */
export async function trainEnsemble(
  t: ObjectTable,
  kind: GeneratorKind,
  members: number,
  seed: number,
  budget: TrainBudget = DEFAULT_BUDGET,
  progress?: (member: number, stage: string, step: number, loss: number) => void,
): Promise<ObjectModel[]> {
  const out: ObjectModel[] = [];
  for (let k = 0; k < members; k++) {
    const table = k === 0 ? t : bootstrap(t, createRng(seed).fork(k));
    out.push(await ObjectModel.train(table, kind, seed + 1000 * k, budget, (s, st, l) => progress?.(k, s, st, l)));
  }
  return out;
}
