/**
 * Truth objects and their reco counterparts, per object type, built from physics' public event and reco types.
 *
 * Truth objects (what the surrogate conditions on):
 *  - electron / photon: final-state prompt e / gamma (not a fragmentation product; from a hard decay, a tau or a top),
 *    pT > 5 GeV, |eta| < 2.7;  muon: final-state mu, pT > 3 GeV, |eta| < 2.9;
 *  - jet: anti-kT R = 0.4 clusters (physics' antiKt) of the visible final-state particles except muons and the prompt
 *    e / gamma above, pT > 12 GeV, |eta| < 4.7, with the flavour label of physics' tagging convention (b quark with
 *    pT > 5 GeV within Delta R < 0.3, else c, else a visible hadronic tau with pT > 10 GeV, else light).
 * Reco objects are matched to truth objects greedily in decreasing truth pT, nearest first, within Delta R < 0.2
 * (leptons, photons) or 0.3 (jets). Reco objects left unmatched are fakes: counted (fake rate) but not modelled.
 *
 * Variables (the reco "given truth" response, chosen to be O(1) and nearly independent of the truth scale):
 *  - cond: log pT_true, eta_true, [jets: m_true / pT_true, flavour one-hot b, c, tau, light]
 *  - cont: log(pT_reco / pT_true), eta_reco - eta_true, dphi(reco, true), [jets: m_reco / pT_reco - m_true / pT_true]
 *  - flags: [jets: btag, tautag]
 *  - matched: 1 when a reco object was found (efficiency x acceptance of the reconstruction).
 */
import { type EventRecord, type Particle, type RecoEvent, type RecoObject, antiKt, deltaPhi, deltaR, eta, mass, phi, pt } from '@sigmap/physics';

export const OBJECT_TYPES = ['electron', 'muon', 'photon', 'jet'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

export interface ObjectSpec {
  object: ObjectType;
  cond: string[];
  cont: string[];
  flags: string[];
  matchDr: number;
}

const LEPTON_CONT = ['log_pt_ratio', 'd_eta', 'd_phi'];
export const OBJECT_SPECS: Record<ObjectType, ObjectSpec> = {
  electron: { object: 'electron', cond: ['log_pt', 'eta'], cont: LEPTON_CONT, flags: [], matchDr: 0.2 },
  muon: { object: 'muon', cond: ['log_pt', 'eta'], cont: LEPTON_CONT, flags: [], matchDr: 0.2 },
  photon: { object: 'photon', cond: ['log_pt', 'eta'], cont: LEPTON_CONT, flags: [], matchDr: 0.2 },
  jet: {
    object: 'jet',
    cond: ['log_pt', 'eta', 'm_over_pt', 'is_b', 'is_c', 'is_tau', 'is_light'],
    cont: [...LEPTON_CONT, 'd_m_over_pt'],
    flags: ['btag', 'tautag'],
    matchDr: 0.3,
  },
};

export function isObjectType(x: string): x is ObjectType {
  return (OBJECT_TYPES as readonly string[]).includes(x);
}

export interface TruthObject {
  object: ObjectType;
  pt: number;
  eta: number;
  phi: number;
  m: number;
  charge: number;
  /** Jets: 'b' | 'c' | 'tau' | 'light'. */
  label: string;
  px: number;
  py: number;
}

const JET_LABELS = ['b', 'c', 'tau', 'light'];
const isPrompt = (label?: string) => label === undefined || label === 'fromTau' || label === 'fromTop';

export function condVector(t: TruthObject): number[] {
  const base = [Math.log(t.pt), t.eta];
  if (t.object !== 'jet') return base;
  return [...base, t.m / t.pt, ...JET_LABELS.map((l) => (t.label === l ? 1 : 0))];
}

/** Truth objects of every type in one generated (fragmented) event. */
export function truthObjects(ev: EventRecord): Record<ObjectType, TruthObject[]> {
  const finals = ev.visibleFinals();
  const out: Record<ObjectType, TruthObject[]> = { electron: [], muon: [], photon: [], jet: [] };
  const mk = (object: ObjectType, p: Particle, label = ''): TruthObject => ({
    object,
    pt: pt(p.p),
    eta: eta(p.p),
    phi: phi(p.p),
    m: 0,
    charge: p.charge,
    label,
    px: p.p.px,
    py: p.p.py,
  });
  const jetInputs: Particle[] = [];
  for (const p of finals) {
    const ptv = pt(p.p);
    if (ptv < 1e-6) continue;
    const et = Math.abs(eta(p.p));
    if (p.kind === 'mu') {
      if (ptv > 3 && et < 2.9) out.muon.push(mk('muon', p));
      continue;
    }
    if ((p.kind === 'e' || p.kind === 'gamma') && isPrompt(p.label)) {
      if (ptv > 5 && et < 2.7) out[p.kind === 'e' ? 'electron' : 'photon'].push(mk(p.kind === 'e' ? 'electron' : 'photon', p));
      continue;
    }
    if (et < 4.9) jetInputs.push(p);
  }
  // Flavour-labelling inputs, as physics' tagging.ts: b / c quarks with pT > 5 GeV, visible hadronic taus with pT > 10 GeV.
  const bq: { eta: number; phi: number }[] = [];
  const cq: { eta: number; phi: number }[] = [];
  const tauVis = new Map<number, { px: number; py: number; pz: number; E: number }>();
  for (const p of ev.particles) {
    if ((p.kind === 'b' || p.kind === 'c') && pt(p.p) > 5) (p.kind === 'b' ? bq : cq).push({ eta: eta(p.p), phi: phi(p.p) });
    if (p.label === 'tauh' && p.final && p.origin !== undefined) {
      const t = tauVis.get(p.origin) ?? { px: 0, py: 0, pz: 0, E: 0 };
      t.px += p.p.px;
      t.py += p.p.py;
      t.pz += p.p.pz;
      t.E += p.p.E;
      tauVis.set(p.origin, t);
    }
  }
  const taus = [...tauVis.values()].filter((t) => pt(t) > 10).map((t) => ({ eta: eta(t), phi: phi(t) }));
  const near = (e: number, f: number, xs: { eta: number; phi: number }[]) => xs.some((x) => deltaR(e, f, x.eta, x.phi) < 0.3);
  const prompts = [...out.electron, ...out.photon].filter((o) => o.pt > 10);
  for (const j of antiKt(
    jetInputs.map((p) => p.p),
    0.4,
    12,
  )) {
    if (Math.abs(j.eta) > 4.7) continue;
    if (prompts.some((o) => deltaR(o.eta, o.phi, j.eta, j.phi) < 0.2)) continue;
    const label = near(j.eta, j.phi, bq) ? 'b' : near(j.eta, j.phi, cq) ? 'c' : near(j.eta, j.phi, taus) ? 'tau' : 'light';
    out.jet.push({ object: 'jet', pt: j.pt, eta: j.eta, phi: j.phi, m: j.mass, charge: 0, label, px: j.px, py: j.py });
  }
  for (const k of OBJECT_TYPES) out[k].sort((a, b) => b.pt - a.pt);
  return out;
}

export function recoObjectsOf(reco: RecoEvent, object: ObjectType): RecoObject[] {
  return object === 'electron' ? reco.electrons : object === 'muon' ? reco.muons : object === 'photon' ? reco.photons : reco.jets;
}

/** One truth object with its matched reco object (or null). */
interface MatchedPair {
  truth: TruthObject;
  reco: RecoObject | null;
}

export function matchObjects(truth: readonly TruthObject[], reco: readonly RecoObject[], dr: number): { pairs: MatchedPair[]; fakes: number } {
  const used = new Set<number>();
  const pairs: MatchedPair[] = [];
  for (const t of truth) {
    let best = -1;
    let bd = dr;
    reco.forEach((r, i) => {
      if (used.has(i)) return;
      const d = deltaR(t.eta, t.phi, r.eta, r.phi);
      if (d < bd) {
        bd = d;
        best = i;
      }
    });
    if (best >= 0) used.add(best);
    pairs.push({ truth: t, reco: best >= 0 ? reco[best] : null });
  }
  return { pairs, fakes: reco.length - used.size };
}

const recoMass = (r: RecoObject) => mass(r.p);

/** Continuous response variables of a matched pair (see the file comment). */
export function contVector(object: ObjectType, t: TruthObject, r: RecoObject): number[] {
  const base = [Math.log(r.pt / t.pt), r.eta - t.eta, deltaPhi(r.phi, t.phi)];
  if (object !== 'jet') return base;
  return [...base, recoMass(r) / r.pt - t.m / t.pt];
}

export function flagVector(object: ObjectType, r: RecoObject): number[] {
  if (object !== 'jet') return [];
  const j = r as RecoObject & { btag?: boolean; tautag?: boolean };
  return [j.btag ? 1 : 0, j.tautag ? 1 : 0];
}

/** The reco kinematics implied by a truth object and sampled response variables. */
export function recoKinematics(object: ObjectType, t: TruthObject, cont: readonly number[]): { pt: number; eta: number; phi: number; m: number } {
  const ptR = t.pt * Math.exp(cont[0]);
  const etaR = t.eta + cont[1];
  let phiR = t.phi + cont[2];
  if (phiR > Math.PI) phiR -= 2 * Math.PI;
  if (phiR < -Math.PI) phiR += 2 * Math.PI;
  const m = object === 'jet' ? Math.max(0, (t.m / t.pt + cont[3]) * ptR) : object === 'muon' ? 0.10566 : 0;
  return { pt: ptR, eta: etaR, phi: phiR, m };
}
