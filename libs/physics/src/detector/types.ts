import type { P4 } from '../generator/vec';

export interface RecoObject {
  p: P4;
  pt: number;
  eta: number;
  phi: number;
  charge: number;
}

export interface RecoJet extends RecoObject {
  /** Truth label from Delta R matching: 'b' | 'c' | 'tau' | 'light'. */
  label: string;
  btag: boolean;
  tautag: boolean;
  /** Number of tracks within Delta R < 0.2 (full) or charged truth particles (fast). */
  nTracks: number;
}

export interface RecoFatJet extends RecoObject {
  mass: number;
  /** 'W' | 'Z' | 'top' | 'qcd': fully contained hadronic W/Z/top within Delta R < 1.0. */
  label: string;
  vtag: boolean;
  toptag: boolean;
}

export interface RecoEvent {
  electrons: RecoObject[];
  muons: RecoObject[];
  photons: RecoObject[];
  jets: RecoJet[];
  fatjets: RecoFatJet[];
  met: { px: number; py: number; pt: number };
  weight: number;
}

/** A four-momentum-like input to jet clustering. */
export interface Constituent {
  px: number;
  py: number;
  pz: number;
  E: number;
}
