/** Truth information used for labelling reconstructed objects (the way ATLAS/CMS and Delphes label jets). */
import type { EventRecord } from '../generator/event';
import { type P4, add, eta, phi, pt } from '../generator/vec';

interface TruthDirection {
  eta: number;
  phi: number;
  pt: number;
}

export interface TruthInfo {
  bQuarks: TruthDirection[];
  cQuarks: TruthDirection[];
  /** Visible hadronic tau decays. */
  tauHad: (TruthDirection & { prongs: number })[];
  /** Hadronically decaying W/Z/top with the directions of their quarks. */
  boosted: { kind: 'W' | 'Z' | 'top'; dir: TruthDirection; quarks: TruthDirection[] }[];
}

const dir = (p: P4): TruthDirection => ({ eta: eta(p), phi: phi(p), pt: pt(p) });
const QUARKS = new Set(['q', 'c', 'b', 'g']);

export function truthInfo(ev: EventRecord): TruthInfo {
  const ps = ev.particles;
  const bQuarks: TruthDirection[] = [];
  const cQuarks: TruthDirection[] = [];
  const tauVis = new Map<number, { p: P4; prongs: number }>();
  const boosted: TruthInfo['boosted'] = [];
  const kids = new Map<number, number[]>();
  ps.forEach((p, i) => {
    if (p.mother >= 0) {
      const k = kids.get(p.mother) ?? [];
      k.push(i);
      kids.set(p.mother, k);
    }
  });
  const hadronicV = (i: number): number[] | null => {
    const k = (kids.get(i) ?? []).filter((j) => !ps[j].label || ps[j].label === 'fromTop');
    const partons = k.filter((j) => QUARKS.has(ps[j].kind));
    return partons.length === 2 ? partons : null;
  };
  ps.forEach((p, i) => {
    if (p.kind === 'b' && pt(p.p) > 5) bQuarks.push(dir(p.p));
    if (p.kind === 'c' && pt(p.p) > 5) cQuarks.push(dir(p.p));
    if (p.label === 'tauh' && p.final && p.origin !== undefined) {
      const t = tauVis.get(p.origin) ?? { p: { E: 0, px: 0, py: 0, pz: 0 }, prongs: 0 };
      t.p = add(t.p, p.p);
      if (p.charge !== 0) t.prongs++;
      tauVis.set(p.origin, t);
    }
    if ((p.kind === 'W' || p.kind === 'Z') && !p.final) {
      const q = hadronicV(i);
      if (q) boosted.push({ kind: p.kind, dir: dir(p.p), quarks: q.map((j) => dir(ps[j].p)) });
    }
    if (p.kind === 't' && !p.final) {
      const k = kids.get(i) ?? [];
      const w = k.find((j) => ps[j].kind === 'W');
      const b = k.find((j) => ps[j].kind === 'b');
      const q = w !== undefined ? hadronicV(w) : null;
      if (q && b !== undefined) boosted.push({ kind: 'top', dir: dir(p.p), quarks: [...q.map((j) => dir(ps[j].p)), dir(ps[b].p)] });
    }
  });
  return { bQuarks, cQuarks, tauHad: [...tauVis.values()].filter((t) => pt(t.p) > 10).map((t) => ({ ...dir(t.p), prongs: t.prongs })), boosted };
}
