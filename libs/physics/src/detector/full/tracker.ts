/**
 * Inner tracker and muon system (design.ts): charged particles with |eta| < 2.5 and pT > 0.5 GeV leave a track with
 * the design efficiency and sigma(pT)/pT = a pT (+) b; muons with |eta| < 2.7, pT > 5 GeV are reconstructed by the
 * muon system combined with the tracker.
 */
import { type Rng, normal } from '@sigmap/contracts';
import type { Particle } from '../../generator/event';
import { eta, phi, pt } from '../../generator/vec';
import { DESIGN } from '../design';

export interface Track {
  pt: number;
  eta: number;
  phi: number;
  charge: number;
  /** Index into the event's final-particle list. */
  source: number;
}

function trackResolution(ptv: number): number {
  return Math.hypot(DESIGN.tracker.a * ptv, DESIGN.tracker.b);
}

function muonResolution(ptv: number): number {
  return Math.hypot(DESIGN.muon.a * ptv, DESIGN.muon.b);
}

export function reconstructTracks(finals: readonly Particle[], rng: Rng): Track[] {
  const out: Track[] = [];
  finals.forEach((p, i) => {
    if (p.charge === 0 || p.kind === 'nu' || p.kind === 'lsp') return;
    const ptv = pt(p.p);
    const et = eta(p.p);
    const u = rng.uniform();
    if (ptv < DESIGN.tracker.ptMin || Math.abs(et) > DESIGN.tracker.etaMax) return;
    const eff = p.kind === 'e' ? DESIGN.tracker.eff.e : p.kind === 'mu' ? DESIGN.tracker.eff.mu : DESIGN.tracker.eff.hadron;
    if (u >= eff) return;
    // Resolution in 1/pT is Gaussian: smear the curvature.
    const k = (1 / ptv) * (1 + normal(rng) * trackResolution(ptv));
    out.push({ pt: k > 0 ? 1 / k : 1e5, eta: et, phi: phi(p.p), charge: Math.sign(p.charge), source: i });
  });
  return out;
}

export function reconstructMuon(p: Particle, rng: Rng): { pt: number; eta: number; phi: number } | null {
  const ptv = pt(p.p);
  const et = eta(p.p);
  const u = rng.uniform();
  if (ptv < DESIGN.muon.ptMin || Math.abs(et) > DESIGN.muon.etaMax || u >= DESIGN.muon.eff) return null;
  const k = (1 / ptv) * (1 + normal(rng) * muonResolution(ptv));
  return { pt: k > 0 ? 1 / k : 1e5, eta: et, phi: phi(p.p) };
}
