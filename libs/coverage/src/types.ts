import type { ModelPoint, ParameterRange } from '@sigmap/contracts';

/** Kind of reinterpretable material (DESIGN.md: search forms a, b, c). */
export type MaterialKind = 'full-likelihood' | 'upper-limit-map' | 'efficiency-map' | string;

/** One catalogued search, as the coverage map needs it. */
export interface SearchRecord {
  id: string;
  experiment: string;
  /** Centre-of-mass energy in TeV. */
  sqrtS: number;
  lumiFb: number;
  /** Cells it probes: pair keys ('b-b'), object pairs, or 'complex:<class>'. */
  signatures: (string | string[])[];
  /** Model families it has material for. */
  families: string[];
  material: MaterialKind;
  version: string;
  sha?: string;
  title?: string;
  /**
   * 'lhc' (default): a published analysis (the SModelS database, HEPData likelihoods); 'own': one of sigmap's own
   * simulated searches, shown in its own layer and never counted as LHC coverage.
   */
  layer?: 'lhc' | 'own';
  arXiv?: string;
  /** The analysis a result belongs to (several database results can share one). */
  analysis?: string;
}

/** One declared parameter of a model family. */
export interface FamilyParameter {
  name: string;
  min: number;
  max: number;
  scale: 'linear' | 'log';
  unit?: string;
}

/** A model family as the coverage map needs it: its prior box, its signatures with branching ratios. */
export interface FamilyInfo {
  id: string;
  label?: string;
  parameters: FamilyParameter[];
  /** Cells it feeds, with the branching ratio (or fraction of the signal) into each. */
  signatures: { cell: string | string[]; br: number }[];
  /** The mass parameter along which mass reach is quoted (default: the first parameter whose name starts with 'm'). */
  massParameter?: string;
  /** Reference values of the other parameters (couplings, widths, LSP mass) for the mass reach. */
  reference?: Record<string, number>;
  /**
   * The physically allowed region inside the box (e.g. mass ordering m_sbottom > m_chi2 > m_chi1). The prior is
   * uniform in the declared scales restricted to it; absent: the whole box.
   */
  allowed?: (point: ModelPoint) => boolean;
}

/** One evaluated (point, search) outcome. */
export interface Evaluation {
  point: ModelPoint;
  search: string;
  excluded: boolean;
}

/** Evidence from one scan. */
export interface ScanEvidence {
  scanId: string;
  family: string;
  /** The scan's parameter box (spec.parameters; fixed parameters carry `fixed`). */
  parameters: Record<string, ParameterRange>;
  /** Searches of the scan, with the versions used. */
  searches: { id: string; version?: string; sha?: string }[];
  evaluations: Evaluation[];
  /**
   * Optional GP classification on a reference grid: probability that the point is excluded by at least one of the
   * scan's searches. Used for the family-level union when present.
   */
  gpGrid?: { point: ModelPoint; pExcluded: number }[];
}

export interface SearchRef {
  id: string;
  version: string;
  sha?: string;
}

/** Where a number comes from. */
export interface Provenance {
  scanIds: string[];
  searches: SearchRef[];
  method: string;
}

export interface VolumeEstimate {
  /** Excluded fraction of the prior volume (uniform in the declared scales) over the varied parameters. */
  fraction: number;
  /** Fraction of the prior volume inside at least one scanned box (the rest counts as not excluded). */
  scannedFraction: number;
  /** Fraction of the declared box that is physically allowed (the prior's support). */
  allowedFraction: number;
  /** Parameters the volume is taken over, and those held fixed (with their values). */
  over: string[];
  fixed: Record<string, number>;
  /** Evaluated points used. */
  points: number;
  provenance: Provenance;
}

export interface MassReach {
  parameter: string;
  /** Highest mass classified excluded on the reference slice (null: none excluded). */
  mass: number | null;
  /** Half the spacing of the slice nodes at that mass (the reach is known to +- this). */
  resolution: number | null;
  reference: Record<string, number>;
  provenance: Provenance;
}

export interface SearchInCell {
  id: string;
  experiment: string;
  sqrtS: number;
  lumiFb: number;
  material: MaterialKind;
  version: string;
  sha?: string;
  layer: 'lhc' | 'own';
  title?: string;
  arXiv?: string;
  /** Evaluated model points (over public scans) and how many it excluded: the pragmatic "excluded points per search". */
  evaluatedPoints: number;
  excludedPoints: number;
  scanIds: string[];
}

export interface FamilyInCell {
  family: string;
  br: number;
  /** Searches of this cell that have results on this family's scans. */
  searches: string[];
  excluded: VolumeEstimate | null;
  massReach: MassReach | null;
}

export interface CoverageCell {
  key: string;
  kind: 'pair' | 'complex';
  label: string;
  row?: number;
  col?: number;
  /** Published analyses probing the cell (the LHC layer): what "covered" means. */
  searches: SearchInCell[];
  /** sigmap's own simulated searches in the cell: a separate layer that never counts as coverage. */
  ownSearches: SearchInCell[];
  families: FamilyInCell[];
  /** Largest excluded fraction over the families feeding the cell (null: no scan results). */
  maxExcludedFraction: number | null;
  excludedPoints: number;
  /** No published analysis probes the cell (own searches do not count). */
  empty: boolean;
}

export interface CoverageMap {
  cells: CoverageCell[];
  objects: readonly string[];
  summary: {
    cells: number;
    covered: number;
    empty: number;
    emptyCells: string[];
    searches: number;
    /** Own (simulated) searches, not counted in `searches` nor in `covered`. */
    ownSearches: number;
    /** What the LHC layer is made of (e.g. 'SModelS database 3.0.0: 133 analyses; 3 bundled HEPData records'). */
    catalogue?: string;
    scans: number;
    /** Distinct (model point, search) evaluations over the scans. */
    evaluations: number;
    prior: string;
  };
  /** Per family: excluded fraction by all searches together, and the mass reach. */
  families: { family: string; excluded: VolumeEstimate | null; massReach: MassReach | null }[];
  warnings: string[];
}
