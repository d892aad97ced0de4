import type { BTagWorkingPoint } from '../detector/tagging';
import type { RecoEvent } from '../detector/types';
import type { Point } from '../families/types';

/** One signal region of a recast: its SModelS dataId and the cut values that define it. */
export interface RecastRegion {
  /** The dataId (= folder) of the signal region in the SModelS database result. */
  name: string;
  /** Cut values (GeV, radians or counts); each one traces to `source`. */
  cuts: Record<string, number>;
  /** Where the cut values are published. */
  source: string;
}

/**
 * A recast: a published analysis's signal regions reimplemented on sigmap's reconstructed events. The counts
 * (observedN, expectedBG, bgError), luminosity and sqrt(s) are not held here: they are read from the SModelS
 * database result `databasePath` at load time (catalogue `loadPublishedRecast`).
 */
export interface Recast {
  /**
   * The recast's id: the analysis id as the experiment and the SModelS database name it (e.g. 'CMS-SUS-16-033'), or,
   * for a recast of part of an analysis, that id and a suffix naming the part (e.g. 'ATLAS-SUSY-2016-24-2l0j').
   */
  id: string;
  /** The analysis id in the database (globalInfo.txt), when `id` carries a suffix; `id` itself otherwise. */
  analysis?: string;
  experiment: 'ATLAS' | 'CMS';
  title: string;
  arXiv: string;
  /** The efficiency-map result folder, relative to the database root (e.g. '13TeV/CMS/CMS-SUS-16-033-eff'). */
  databasePath: string;
  /** The upper-limit result folder holding the official map of `txName`, when the database has one. */
  upperLimitPath?: string;
  /**
   * The official map's topology when it differs from `txName` (e.g. the slepton map TSlepSlep, whose efficiency maps are
   * TSelSel / TSmuSmu), and the factor SModelS's constraint puts on the family's cross section for it, with the source.
   */
  upperLimitTxName?: { txName: string; crossSectionFactor: number; source: string };
  /** Simplified-model topology (SModelS txname) the validation uses, and the sigmap family that generates it. */
  txName: string;
  family: string;
  /** Coverage cells the analysis is sensitive to. */
  signatures: string[];
  /** The family point of an efficiency-map mass point (flattened [[m_parent, m_lsp], [m_parent, m_lsp]]). */
  pointFromMasses(masses: number[]): Point;
  /** Object definitions and preselection shared by every region, and where they are published. */
  preselection: string;
  selectionSource: string;
  /** What the reimplementation leaves out or approximates. */
  limitations: string;
  regions: RecastRegion[];
  /**
   * Decays an external generator (Pythia 8) may be restricted to because no other decay of the simplified model can
   * enter any region (variance reduction): the generator settings that close the other channels, and the branching
   * fraction of the kept ones, by which the simulated efficiencies (defined for the inclusive decay) are scaled.
   */
  /**
   * The regions are disjoint (no event can enter two), so their counts can be combined in one likelihood, as the
   * experiment's own fit does; the validation then also draws the combined-likelihood contour.
   */
  disjointRegions?: { source: string };
  forcedDecays?: { pythiaSettings: string[]; branchingFraction: number; source: string };
  /**
   * When the published maps are efficiencies per event of a model with decays the family leaves out, and those decays
   * cannot enter any region: the fraction of the published model's events that the family's decays make, per point.
   * The simulated efficiencies are multiplied by it (with either generator), so that they compare with the maps.
   */
  publishedModel?: { fraction(p: Point): number; description: string; source: string };
  /**
   * Pythia 8 settings that reproduce the experiment's own signal-sample setup (its tune), applied before the forced
   * decays and any user settings, with the sample description they come from.
   */
  generatorTune?: { pythiaSettings: string[]; source: string };
  /** The selection reads large-R jets (RecoEvent.fatjets); without it the validation skips their clustering. */
  needsFatJets?: boolean;
  /** Detector settings the analysis's object definitions need (the experiment's own b-tagging working point). */
  detector?: { btag: BTagWorkingPoint; source: string };
  /** For each region (index-aligned with `regions`), whether the event passes it. Regions may overlap. */
  passes(ev: RecoEvent): boolean[];
}
