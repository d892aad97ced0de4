import { InputError } from '@sigmap/contracts';
import type { Slha } from './slha';

/**
 * Decomposition of a spectrum into simplified-model topologies, as SModelS 3.2.1 does it
 * (smodels/decomposition/decomposer.py `decompose`, theorySMS.py `massCompress` / `invisibleCompress`,
 * base/model.py `updateParticles` / `setDecays`, defaults from smodels/etc/parameters_default.ini):
 * - particles: SModelS's MSSM model (share/models/mssm.py) and its SM list (share/models/SMparticles.py), masses
 *   |MASS| rounded to 0.1 GeV; widths below 1e-25 GeV are stable, above 1e-11 GeV prompt, in between both a
 *   decaying and an undecayed (long-lived) option, each with weight 1 before lifetime reweighting;
 * - production: XSECTION pairs of model particles (not both SM), highest QCD order per pair and sqrt(s);
 * - decays by BR down to stable states; an SMS is kept when sigma x BR (largest over sqrt(s)) >= sigmacut
 *   (0.005 fb); identical SMS are merged (weights added);
 * - mass compression (a prompt BSM state and its SM daughters removed when m_mom - m_daughter < minmassgap = 5 GeV,
 *   with the pure-ISR rule of minmassgapISR = 1 GeV) and invisible compression (a BSM state whose daughters are
 *   all invisible leaves becomes one invisible leaf), repeated until nothing changes; compressed SMS are added
 *   next to their ancestors, which the theory predictions use to avoid double counting.
 */
export interface ParticleInfo {
  pdg: number;
  label: string;
  isSM: boolean;
  charge: number;
  colordim: number;
  spin: number;
  /** SModelS `_isInvisible = False` (photon, Z, higgs, A0, H0): never MET-like in compression. */
  visible?: boolean;
}

export interface SpectrumParticle extends ParticleInfo {
  mass: number;
  width: number;
  prompt: boolean;
  stable: boolean;
  decays: { br: number; daughters: number[] }[];
}

export interface TNode {
  p: SpectrumParticle;
  /** Set by invisible compression: this leaf stands for an invisible subtree. */
  invisible?: boolean;
  daughters: TNode[];
}

export interface TheoryElement {
  id: number;
  root: TNode;
  /** sigma x BR per sqrt(s) (TeV), pb. */
  weight: Map<number, number>;
  /** Original (uncompressed) SMS this one derives from: related SMS are never counted twice. */
  ancestors: Set<number>;
  key: string;
  /** Produced states (signed pdgs): a pair, or one resonance. */
  production: number[];
}

export interface DecompositionOptions {
  sigmacutFb?: number;
  minmassgap?: number;
  minmassgapISR?: number;
  massCompress?: boolean;
  invisibleCompress?: boolean;
  /** Extra BSM particles (e.g. a Z' resonance) beyond SModelS's MSSM model. */
  extraParticles?: ParticleInfo[];
}

export interface Decomposition {
  elements: TheoryElement[];
  particles: Map<number, SpectrumParticle>;
  /** Total production cross section per sqrt(s) above the sigma cut, pb. */
  totalXsecPb: Map<number, number>;
}

const third = 1 / 3;
const SM_BASE: [number, string, number, number, number, boolean?][] = [
  [11, 'e-', -1, 1, 0.5],
  [13, 'mu-', -1, 1, 0.5],
  [15, 'ta-', -1, 1, 0.5],
  [12, 'nue', 0, 1, 0.5],
  [14, 'numu', 0, 1, 0.5],
  [16, 'nuta', 0, 1, 0.5],
  [1, 'd', -third, 3, 0.5],
  [2, 'u', 2 * third, 3, 0.5],
  [3, 's', -third, 3, 0.5],
  [4, 'c', 2 * third, 3, 0.5],
  [5, 'b', -third, 3, 0.5],
  [6, 't+', 2 * third, 3, 0.5],
  [21, 'g', 0, 8, 1],
  [22, 'photon', 0, 1, 1, true],
  [23, 'Z', 0, 1, 1, true],
  [24, 'W+', 1, 1, 1],
  [25, 'higgs', 0, 1, 0, true],
  [211, 'pi+', 1, 1, 0],
  [111, 'pi0', 0, 1, 0],
];
const SELF_CONJUGATE = new Set([21, 22, 23, 25, 111, 1000021, 1000022, 1000023, 1000025, 1000035, 1000039, 35, 36]);
const MSSM: [number, string, number, number, number, boolean?][] = [
  [1000001, 'sd_L', -third, 3, 0],
  [1000002, 'su_L', 2 * third, 3, 0],
  [2000001, 'sd_R', -third, 3, 0],
  [2000002, 'su_R', 2 * third, 3, 0],
  [1000003, 'ss_L', -third, 3, 0],
  [1000004, 'sc_L', 2 * third, 3, 0],
  [2000003, 'ss_R', -third, 3, 0],
  [2000004, 'sc_R', 2 * third, 3, 0],
  [1000005, 'sb_1', -third, 3, 0],
  [1000006, 'st_1', 2 * third, 3, 0],
  [2000005, 'sb_2', -third, 3, 0],
  [2000006, 'st_2', 2 * third, 3, 0],
  [1000011, 'se_L', -1, 1, 0],
  [1000012, 'sne_L', 0, 1, 0],
  [2000011, 'se_R', -1, 1, 0],
  [1000013, 'smu_L', -1, 1, 0],
  [1000014, 'snmu_L', 0, 1, 0],
  [2000013, 'smu_R', -1, 1, 0],
  [1000015, 'sta_1', -1, 1, 0],
  [1000016, 'snta_L', 0, 1, 0],
  [2000015, 'sta_2', -1, 1, 0],
  [1000021, 'gluino', 0, 8, 0.5],
  [1000022, 'N1', 0, 1, 0.5],
  [1000023, 'N2', 0, 1, 0.5],
  [1000025, 'N3', 0, 1, 0.5],
  [1000035, 'N4', 0, 1, 0.5],
  [1000039, 'G', 0, 1, 1.5],
  [1000024, 'C1+', 1, 1, 0.5],
  [1000037, 'C2+', 1, 1, 0.5],
  [37, 'H+', 1, 1, 0],
  [36, 'A0', 0, 1, 0, true],
  [35, 'H0', 0, 1, 0, true],
];

function withConjugates(list: [number, string, number, number, number, boolean?][], isSM: boolean): ParticleInfo[] {
  const out: ParticleInfo[] = [];
  for (const [pdg, label, charge, colordim, spin, visible] of list) {
    out.push({ pdg, label, isSM, charge, colordim, spin, visible });
    if (!SELF_CONJUGATE.has(pdg)) out.push({ pdg: -pdg, label: `${label}~`, isSM, charge: -charge, colordim, spin, visible });
  }
  return out;
}

export const SM_PARTICLES: ParticleInfo[] = withConjugates(SM_BASE, true);
export const MSSM_PARTICLES: ParticleInfo[] = withConjugates(MSSM, false);
const SM_MASS: Record<number, number> = { 6: 173.1, 23: 91, 24: 80, 25: 125, 5: 4.7, 4: 1.28, 15: 1.777, 13: 0.106, 11: 0.0005, 211: 0.14, 111: 0.14 };
const SM_WIDTH: Record<number, number> = { 6: 1.4, 23: 2.5, 24: 2.0 };

const PROMPT_WIDTH = 1e-11;
const STABLE_WIDTH = 1e-25;

/** The particles of a spectrum: SM (fixed properties) and the model's BSM states with masses, widths and decays. */
function spectrumFromSlha(slha: Slha, extra: ParticleInfo[] = []): Map<number, SpectrumParticle> {
  const parts = new Map<number, SpectrumParticle>();
  for (const p of SM_PARTICLES)
    parts.set(p.pdg, { ...p, mass: SM_MASS[Math.abs(p.pdg)] ?? 0, width: SM_WIDTH[Math.abs(p.pdg)] ?? 0, prompt: false, stable: true, decays: [] });
  const bsm = [
    ...MSSM_PARTICLES,
    ...extra.flatMap((p) =>
      p.pdg > 0 && !extra.some((q) => q.pdg === -p.pdg) && p.charge !== 0 ? [p, { ...p, pdg: -p.pdg, label: `${p.label}~`, charge: -p.charge }] : [p],
    ),
  ];
  for (const p of bsm) {
    const m = slha.masses.get(Math.abs(p.pdg));
    if (m === undefined) continue;
    // SModelS Model.setMasses: |mass| rounded to 1 digit, at least 1 GeV
    const mass = Math.max(Math.round(Math.abs(m) * 10) / 10, 1);
    parts.set(p.pdg, { ...p, mass, width: 0, prompt: false, stable: true, decays: [] });
  }
  for (const p of parts.values()) {
    if (p.isSM) continue;
    const own = slha.decays.get(p.pdg);
    const conj = own ? undefined : slha.decays.get(-p.pdg);
    const d = own ?? conj;
    // pyslha gives every particle of BLOCK MASS an entry without decays: no DECAY block = stable
    if (!d) continue;
    const sign = own ? 1 : -1;
    p.width = Math.abs(d.width);
    if (p.width < STABLE_WIDTH) continue;
    p.prompt = p.width > PROMPT_WIDTH;
    for (const dec of d.decays) {
      if (dec.daughters.some((id) => !parts.has(id) && !parts.has(-id))) continue; // not in the model: ignored, as SModelS
      const ids = dec.daughters.map((id) => (parts.has(id * sign) ? id * sign : id));
      if (ids.some((id) => !parts.has(id))) continue;
      p.decays.push({ br: dec.br, daughters: ids });
    }
    // no valid decay: stable with zero width (SModelS setDecays); a long-lived state keeps both options
    if (p.decays.length === 0) p.width = 0;
    else p.stable = !p.prompt;
  }
  return parts;
}

function nodeKey(n: TNode): string {
  if (n.daughters.length === 0) return n.invisible ? `${n.p.pdg}i` : `${n.p.pdg}`;
  return `${n.p.pdg}(${n.daughters.map(nodeKey).sort().join(',')})`;
}

interface Sub {
  node: TNode;
  br: number;
}

function subtrees(pdg: number, parts: Map<number, SpectrumParticle>, minBR: number, memo: Map<number, Sub[]>): Sub[] {
  const hit = memo.get(pdg);
  if (hit) return hit;
  const p = parts.get(pdg)!;
  const out: Sub[] = [];
  if (p.isSM || p.decays.length === 0 || !p.prompt) out.push({ node: { p, daughters: [] }, br: 1 });
  if (!p.isSM && p.width >= STABLE_WIDTH)
    for (const d of p.decays) {
      if (d.br < minBR) continue;
      let combos: Sub[] = [{ node: { p, daughters: [] }, br: d.br }];
      for (const id of d.daughters) {
        const opts = subtrees(id, parts, minBR, memo);
        const next: Sub[] = [];
        for (const c of combos)
          for (const o of opts) {
            const br = c.br * o.br;
            if (br < minBR) continue;
            next.push({ node: { p, daughters: [...c.node.daughters, o.node] }, br });
          }
        combos = next;
      }
      out.push(...combos);
    }
  memo.set(pdg, out);
  return out;
}

const PV: SpectrumParticle = { pdg: 0, label: 'PV', isSM: true, charge: 0, colordim: 1, spin: 0, mass: 0, width: 0, prompt: false, stable: true, decays: [] };

/** Decompose a spectrum with its production cross sections (pb per sqrt(s), per signed pdg pair). */
export function decomposeProduction(
  parts: Map<number, SpectrumParticle>,
  production: { pids: number[]; xsecPb: Map<number, number> }[],
  opts: DecompositionOptions = {},
): Decomposition {
  const sigmacut = (opts.sigmacutFb ?? 0.005) / 1000;
  const byKey = new Map<string, TheoryElement>();
  const totalXsecPb = new Map<number, number>();
  let nextId = 0;
  // one memo for all pairs, built at the loosest BR cut (that of the largest cross section), as SModelS's cache
  const memo = new Map<number, Sub[]>();
  const sorted = production
    .map((p) => ({ ...p, max: Math.max(...p.xsecPb.values()) }))
    .filter((p) => p.max >= sigmacut)
    .sort((a, b) => b.max - a.max);
  const minBR = sorted.length ? sigmacut / sorted[0].max : 1;
  for (const prod of sorted) {
    for (const [s, x] of prod.xsecPb) totalXsecPb.set(s, (totalXsecPb.get(s) ?? 0) + x);
    for (const id of prod.pids) if (!parts.has(id)) throw new InputError('production', `particle ${id} is not in the spectrum`);
    let combos: Sub[][] = [[]];
    for (const id of prod.pids) combos = combos.flatMap((c) => subtrees(id, parts, minBR, memo).map((s) => [...c, s]));
    for (const combo of combos) {
      const br = combo.reduce((s, x) => s * x.br, 1);
      if (br * prod.max < sigmacut) continue;
      const root: TNode = { p: PV, daughters: combo.map((x) => x.node) };
      const key = nodeKey(root);
      const weight = new Map([...prod.xsecPb].map(([s, v]) => [s, v * br]));
      const old = byKey.get(key);
      if (old) for (const [s, v] of weight) old.weight.set(s, (old.weight.get(s) ?? 0) + v);
      else {
        const id = nextId++;
        byKey.set(key, { id, root, weight, ancestors: new Set([id]), key, production: prod.pids });
      }
    }
  }
  const elements = [...byKey.values()];
  if (opts.massCompress !== false || opts.invisibleCompress !== false) {
    for (const el of elements.slice()) {
      for (const c of compressAll(el, opts)) {
        const old = byKey.get(c.key);
        if (old) {
          for (const [s, v] of c.weight) old.weight.set(s, (old.weight.get(s) ?? 0) + v);
          for (const x of c.ancestors) old.ancestors.add(x);
        } else {
          const e = { ...c, id: nextId++ };
          e.ancestors = new Set([...c.ancestors, e.id]);
          byKey.set(c.key, e);
          elements.push(e);
        }
      }
    }
  }
  return { elements, particles: parts, totalXsecPb };
}

/** SModelS TheorySMS.compress: keep applying both compressions to the SMS derived so far. */
function compressAll(el: TheoryElement, opts: DecompositionOptions): TheoryElement[] {
  const gap = opts.minmassgap ?? 5;
  const gapISR = opts.minmassgapISR ?? 1;
  const list: TNode[] = [el.root];
  const keys = new Set([el.key]);
  for (let added = true; added;) {
    added = false;
    for (const fn of [
      opts.massCompress !== false ? (r: TNode) => massCompress(r, gap, gapISR) : undefined,
      opts.invisibleCompress !== false ? invisibleCompress : undefined,
    ]) {
      if (!fn) continue;
      for (const r of list.slice()) {
        const c = fn(r);
        if (!c) continue;
        const k = nodeKey(c);
        if (keys.has(k)) continue;
        keys.add(k);
        list.push(c);
        added = true;
      }
    }
  }
  return list
    .slice(1)
    .map((root) => ({ id: -1, root, weight: new Map(el.weight), ancestors: new Set(el.ancestors), key: nodeKey(root), production: el.production }));
}

function massCompress(root: TNode, gap: number, gapISR: number): TNode | undefined {
  let maxDiff: number | undefined;
  let changed = false;
  const visit = (n: TNode): TNode => {
    if (n !== root && !n.p.isSM && n.daughters.length) {
      const bsm = n.daughters.filter((d) => !(d.p.isSM && d.daughters.length === 0));
      if (bsm.length === 1) {
        const diff = n.p.mass - bsm[0].p.mass;
        if (diff < gap && n.p.prompt) {
          changed = true;
          maxDiff = maxDiff === undefined ? diff : Math.max(maxDiff, diff);
          return visit(bsm[0]);
        }
      }
    }
    return n.daughters.length ? { ...n, daughters: n.daughters.map(visit) } : n;
  };
  const out = visit(root);
  if (!changed) return undefined;
  // pure-ISR rule: PV > MET, MET only when every compressed gap is below minmassgapISR
  if (maxDiff !== undefined && maxDiff >= gapISR && out.daughters.every((d) => d.daughters.length === 0 && isMetLike(d)))
    return massCompress(root, 0.999 * maxDiff, gapISR);
  return out;
}

function isMetLike(n: TNode): boolean {
  return n.invisible === true || (n.p.charge === 0 && n.p.colordim === 1 && !n.p.visible);
}

function invisibleCompress(root: TNode): TNode | undefined {
  let changed = false;
  const visit = (n: TNode): TNode => {
    if (!n.daughters.length) return n;
    const kids = n.daughters.map(visit);
    if (n !== root && kids.every((d) => d.daughters.length === 0 && isMetLike(d)) && (isMetLike({ p: n.p, daughters: [] }) || n.p.prompt)) {
      changed = true;
      return { p: { ...n.p, width: Math.max(...kids.map((d) => d.p.width)), charge: 0, colordim: 1 }, invisible: true, daughters: [] };
    }
    return { ...n, daughters: kids };
  };
  const out = visit(root);
  return changed ? out : undefined;
}

/** Production pairs from the SLHA XSECTION blocks: highest QCD order per pair and sqrt(s) (SModelS removeLowerOrder). */
function productionFromSlha(slha: Slha, parts: Map<number, SpectrumParticle>): { pids: number[]; xsecPb: Map<number, number> }[] {
  const best = new Map<string, { pids: [number, number]; order: Map<number, number>; xsec: Map<number, number> }>();
  for (const x of slha.xsections) {
    const [a, b] = x.pids;
    if (!parts.has(a) || !parts.has(b)) continue;
    if (parts.get(a)!.isSM && parts.get(b)!.isSM) continue;
    const key = `${a},${b}`;
    let e = best.get(key);
    if (!e) best.set(key, (e = { pids: [a, b], order: new Map(), xsec: new Map() }));
    const s = Math.round(x.sqrtsTeV * 1000) / 1000;
    const o = e.order.get(s);
    if (o === undefined || x.qcdOrder > o) {
      e.order.set(s, x.qcdOrder);
      e.xsec.set(s, x.xsecPb);
    } else if (x.qcdOrder === o) e.xsec.set(s, Math.max(e.xsec.get(s)!, x.xsecPb));
  }
  return [...best.values()].map((e) => ({ pids: e.pids, xsecPb: e.xsec }));
}

export function decomposeSlha(slha: Slha, opts: DecompositionOptions = {}): Decomposition {
  const parts = spectrumFromSlha(slha, opts.extraParticles);
  return decomposeProduction(parts, productionFromSlha(slha, parts), opts);
}

/** SModelS-style text of an SMS: PV > (gluino > q,q~,N1), ... */
export function elementString(n: TNode): string {
  const l = n.invisible ? `inv[${n.p.label}]` : n.p.label;
  return n.daughters.length ? `${l}(${n.daughters.map(elementString).join(',')})` : l;
}
