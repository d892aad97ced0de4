import type { P4 } from './vec';

/**
 * Particle kinds in the generated record.
 * Partons: q (u, d, s), c, b, g. Heavy SM states: t, W, Z, H, tau. Invisible: nu, lsp.
 * After fragmentation: hadron (charged), hadron0 (neutral hadron), gamma (also from pi0).
 * BSM resonances and sparticles carry their own names (e.g. 'Zprime', 'stop').
 */
export type Kind = string;

export interface Particle {
  kind: Kind;
  /** Electric charge in units of e. */
  charge: number;
  p: P4;
  /** Pole or generated (off-shell) mass. */
  m: number;
  /** Index of the mother in the record, -1 for the hard process. */
  mother: number;
  /** true for stable particles that reach the detector (or escape it: nu, lsp). */
  final: boolean;
  /** Tags for truth labelling: 'b' / 'c' / 'light' for fragmentation products, 'tauh' for hadronic tau products, 'prompt' for leptons and photons from a hard decay chain. */
  label?: string;
  /** Index of the parton (or tau) a fragmentation product belongs to. */
  origin?: number;
}

export class EventRecord {
  readonly particles: Particle[] = [];
  /** Weight of this event (1 for unweighted generation). */
  weight = 1;

  add(p: Particle): number {
    this.particles.push(p);
    return this.particles.length - 1;
  }

  finals(): Particle[] {
    return this.particles.filter((p) => p.final);
  }

  /** Final-state particles a detector can see: not neutrinos or LSPs, not the bookkeeping '_system' entry. */
  visibleFinals(): Particle[] {
    return this.particles.filter((p) => p.final && !INVISIBLE.has(p.kind) && p.kind !== '_system');
  }

  daughters(i: number): number[] {
    const out: number[] = [];
    this.particles.forEach((p, j) => {
      if (p.mother === i) out.push(j);
    });
    return out;
  }
}

const INVISIBLE = new Set(['nu', 'lsp']);
