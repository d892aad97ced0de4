/**
 * `fast` fidelity: Delphes-style parametric detector (de Favereau et al., JHEP 1402:057). Truth particles are selected
 * with per-object efficiencies and smeared with the design resolutions of design.ts; jets are anti-kT clusters of
 * the visible truth particles, smeared with the design jet resolution; MET is the negative vector sum of the
 * reconstructed objects and the unclustered visible particles.
 */
import { type Rng, normal } from '@sigmap/contracts';
import { EventRecord } from '../generator/event';
import { type P4, deltaR, eta, phi, pt } from '../generator/vec';
import { DESIGN, relResolution } from './design';
import { antiKt } from './jets';
import { type BTagWorkingPoint, bTag, fatJetLabel, jetLabel, tauTag, topTag, vTag } from './tagging';
import { truthInfo } from './truth';
import type { Constituent, RecoEvent, RecoFatJet, RecoJet, RecoObject } from './types';

const scaled = (p: P4, f: number): P4 => ({ E: p.E * f, px: p.px * f, py: p.py * f, pz: p.pz * f });
const obj = (p: P4, charge: number): RecoObject => ({ p, pt: pt(p), eta: eta(p), phi: phi(p), charge });

/** Prompt = not a fragmentation or hadronic-tau product. */
const isPrompt = (label?: string) => label === undefined || label === 'fromTau' || label === 'fromTop';

/**
 * Options of the fast detector: `btag` replaces the default (ATLAS) b-tagging working point, e.g. for a CMS recast;
 * `fatJets: false` skips the large-R jets (their R = 1.0 clustering is most of the detector's time on a hadronic
 * event; the caller then gets none, and the random stream of the later events of a batch differs from a run with them).
 */
export interface FastDetectorOptions {
  btag?: BTagWorkingPoint;
  fatJets?: boolean;
}

export function fastDetector(ev: EventRecord, rng: Rng, opts: FastDetectorOptions = {}): RecoEvent {
  const finals = ev.visibleFinals();
  const truth = truthInfo(ev);
  const electrons: RecoObject[] = [];
  const photons: RecoObject[] = [];
  const muons: RecoObject[] = [];
  const used = new Set<number>();
  const iso = (k: number) => {
    const p = finals[k];
    let s = 0;
    for (let j = 0; j < finals.length; j++) if (j !== k && deltaR(eta(p.p), phi(p.p), eta(finals[j].p), phi(finals[j].p)) < 0.3) s += pt(finals[j].p);
    return s;
  };
  finals.forEach((p, k) => {
    const ptv = pt(p.p);
    const et = Math.abs(eta(p.p));
    if (p.kind === 'mu') {
      used.add(k);
      if (ptv > DESIGN.muon.ptMin && et < DESIGN.muon.etaMax && rng.uniform() < DESIGN.muon.eff && iso(k) < 0.15 * ptv) {
        const f = 1 + normal(rng) * relResolution(1, 0, Math.hypot(DESIGN.muon.b, DESIGN.muon.a * ptv));
        muons.push(obj(scaled(p.p, Math.max(f, 0.05)), p.charge));
      }
      return;
    }
    if ((p.kind === 'e' || p.kind === 'gamma') && isPrompt(p.label)) {
      const d = p.kind === 'e' ? DESIGN.electron : DESIGN.photon;
      if (ptv > d.ptMin && et < d.etaMax && iso(k) < 0.1 * ptv && rng.uniform() < d.eff) {
        const f = 1 + normal(rng) * relResolution(p.p.E, DESIGN.em.a, DESIGN.em.b, DESIGN.em.noisePerClusterGeV);
        (p.kind === 'e' ? electrons : photons).push(obj(scaled(p.p, Math.max(f, 0.05)), p.charge));
        used.add(k);
      }
    }
  });
  const inputs: Constituent[] = [];
  const inputIdx: number[] = [];
  finals.forEach((p, k) => {
    if (!used.has(k) && Math.abs(eta(p.p)) < 4.9) {
      inputs.push(p.p);
      inputIdx.push(k);
    }
  });
  const jets: RecoJet[] = [];
  let mx = 0;
  let my = 0;
  for (const o of [...electrons, ...photons, ...muons]) {
    mx -= o.p.px;
    my -= o.p.py;
  }
  for (const j of antiKt(inputs, DESIGN.jets.R, 0)) {
    if (j.pt < 15) {
      mx -= j.px;
      my -= j.py;
      continue;
    }
    const f = Math.max(0.05, 1 + normal(rng) * relResolution(j.E, DESIGN.jet.a, DESIGN.jet.b, DESIGN.jet.noisePerJetGeV));
    const p = scaled(j, f);
    mx -= p.px;
    my -= p.py;
    const o = obj(p, 0);
    if (o.pt < DESIGN.jets.ptMin || Math.abs(o.eta) > DESIGN.jets.etaMax) continue;
    const label = jetLabel(o.eta, o.phi, truth);
    const nTracks = j.constituents.filter((c) => finals[inputIdx[c]].charge !== 0 && pt(finals[inputIdx[c]].p) > 1).length;
    jets.push({ ...o, label, btag: bTag(label, o.pt, o.eta, rng, opts.btag), tautag: tauTag(label, o.pt, o.eta, rng), nTracks });
  }
  const fatjets: RecoFatJet[] = [];
  for (const j of opts.fatJets === false ? [] : antiKt(inputs, DESIGN.jets.fatR, DESIGN.jets.fatPtMin * 0.8)) {
    const f = Math.max(0.05, 1 + normal(rng) * relResolution(j.E, DESIGN.jet.a, DESIGN.jet.b, DESIGN.jet.noisePerJetGeV));
    const p = scaled(j, f);
    const o = obj(p, 0);
    if (o.pt < DESIGN.jets.fatPtMin || Math.abs(o.eta) > 2.0) continue;
    const mass = Math.max(0, j.mass * f * (1 + 0.08 * normal(rng)));
    const label = fatJetLabel(o.eta, o.phi, truth);
    fatjets.push({ ...o, mass, label, vtag: vTag(label, o.pt, mass, rng), toptag: topTag(label, o.pt, mass, rng) });
  }
  return { electrons, muons, photons, jets, fatjets, met: { px: mx, py: my, pt: Math.hypot(mx, my) }, weight: ev.weight };
}
