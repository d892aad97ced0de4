import type { RecoEvent } from '../detector/types';

export interface Inspiration {
  experiment: string;
  analysis: string;
  arXiv: string;
  /** INSPIRE id of the HEPData record, only where verified. */
  hepdata?: string;
  note: string;
}

/**
 * Background model: dN/dx = p0 (1 - x)^p1 x^-(p2 + p3 ln x), x = observable / sqrt(s) (the dijet function of CDF/CMS/
 * ATLAS resonance searches), normalised to `events` between the first and last bin edge. Shape parameters are chosen
 * to fall like the published background of the inspiring analysis; they are not fitted to data.
 */
export interface BackgroundModel {
  description: string;
  events: number;
  p1: number;
  p2: number;
  p3: number;
  /** Relative normalisation uncertainty (normsys) and per-bin shape uncertainty (shapesys, relative). */
  normUncertainty: number;
  shapeUncertainty: number;
}

/**
 * Where a search's background comes from. A `demonstration` search's background is a sigmap-made smooth function
 * (not a published number): its limits show the machinery and never count as LHC coverage. Searches on published
 * signal-region counts are the recasts (physics `recasts/`, counts read from the SModelS database).
 */
export interface SearchProvenance {
  demonstration: true;
  reason: string;
}

export interface OwnSearch {
  id: string;
  provenance: SearchProvenance;
  title: string;
  /** Coverage cells this search is sensitive to. */
  signatures: string[];
  luminosityFb: number;
  channel: string;
  selection: string;
  observable: { name: string; unit: string };
  binEdges: number[];
  background: BackgroundModel;
  inspiration: Inspiration;
  /** Observable value of a selected event, or null when the event fails the selection. */
  select(ev: RecoEvent): number | null;
}
