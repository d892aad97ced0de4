/**
 * Next-best-search ranking. A candidate is a signature cell and a mass range. Its score estimates how much
 * unexcluded, allowed model volume a plausible new search in that cell would probe, net of existing coverage:
 *
 *   score(C, M) = N(C) * sum_F BR(F -> C) * V_F(M)
 *
 * where V_F(M) is the fraction of family F's prior volume (uniform in the declared scales over its allowed region) in mass
 * range M and is not excluded by any search with results on F (nodes outside every scanned box, and families
 * never scanned, count as unexcluded: nothing rules them out); BR(F -> C) is the fraction of F's signal in cell C
 * (a search in C sees that share of the signal); N(C) = 1/(1 + n_C) discounts cells already probed by n_C
 * searches, whose sensitivity failed to exclude the remaining volume (a new search there must beat them).
 * Families count with equal weight: each family's volume is normalised to 1.
 */
import type { CoverageMap, FamilyInfo, Provenance, ScanEvidence, SearchRecord, SearchRef } from './types';
import { parseCell } from './signatures';
import { allowedMask, classifyNodes, familyBox, fromUnit, gridNodes, massParameterOf, spaceOf } from './volume';

const DEFAULT_MASS_EDGES_GEV = [0, 250, 500, 1000, 1500, 2000, 3000, 5000, 10000, 100000];

export interface RecommendationInput {
  map: CoverageMap;
  searches: readonly SearchRecord[];
  families: readonly FamilyInfo[];
  scans: readonly ScanEvidence[];
  massEdges?: number[];
  limit?: number;
  gridTarget?: number;
}

export interface Contribution {
  family: string;
  br: number;
  /** Unexcluded fraction of the family's volume in the mass range. */
  unexcludedVolume: number;
  /** Whether the family has any scan results (false: nothing is known, all volume counts as unexcluded). */
  scanned: boolean;
  score: number;
}

export interface Recommendation {
  rank: number;
  cell: string;
  label: string;
  mass: { parameter: string; min: number; max: number; unit: string };
  score: number;
  novelty: number;
  existingSearches: string[];
  contributions: Contribution[];
  explanation: string;
  provenance: Provenance;
}

interface FamilyBins {
  family: string;
  massParameter: string;
  /** Unexcluded volume fraction per mass bin. */
  unexcluded: number[];
  scanned: boolean;
  provenance: Provenance | null;
}

/** Memo of the bins of never-scanned families (pure function of the family object and the grid/edges). */
const UNSCANNED_BINS = new WeakMap<FamilyInfo, Map<string, FamilyBins | null>>();

function binOf(edges: number[], m: number): number {
  for (let b = 0; b < edges.length - 1; b++) if (m >= edges[b] && m < edges[b + 1]) return b;
  return -1;
}

function familyBins(f: FamilyInfo, scans: ScanEvidence[], edges: number[], versions: Map<string, SearchRef>, gridTarget?: number): FamilyBins | null {
  const box = familyBox(f, scans);
  const mName = massParameterOf(f, box);
  if (!mName || box.length === 0) return null;
  const space = spaceOf(box, scans, f.allowed);
  const unexcluded = new Array(edges.length - 1).fill(0);
  const all = new Set(space.scans.flatMap((s) => s.evaluations.map((e) => e.search)));
  const cls = all.size ? classifyNodes(space, all, versions, { gridTarget }) : null;
  const d = space.varied.length;
  const mi = space.varied.findIndex((p) => p.name === mName);
  const grid = cls ? cls.grid : gridNodes(d, gridTarget);
  const allowed = cls ? cls.allowed : allowedMask(space, grid);
  const nAllowed = Math.max(1, allowed.reduce((a, x) => a + x, 0));
  for (let i = 0; i < grid.count; i++) {
    if (!allowed[i]) continue;
    const m = mi >= 0 ? fromUnit(space.varied[mi], grid.nodes[i * d + mi]) : (space.fixed[mName] ?? Number.NaN);
    const b = binOf(edges, m);
    if (b < 0) continue;
    if (!cls || cls.excluded[i] === 0) unexcluded[b] += 1;
  }
  for (let b = 0; b < unexcluded.length; b++) unexcluded[b] /= nAllowed;
  return { family: f.id, massParameter: mName, unexcluded, scanned: cls !== null, provenance: cls?.provenance ?? null };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const sig3 = (x: number) => String(Number(x.toPrecision(3)));

export function recommend(input: RecommendationInput): Recommendation[] {
  const edges = input.massEdges ?? DEFAULT_MASS_EDGES_GEV;
  const versions = new Map<string, SearchRef>(input.searches.map((s) => [s.id, { id: s.id, version: s.version, ...(s.sha ? { sha: s.sha } : {}) }]));
  const bins = new Map<string, FamilyBins>();
  const binsKey = `${edges.join(',')}|${input.gridTarget ?? ''}`;
  for (const f of input.families) {
    const scans = input.scans.filter((s) => s.family === f.id);
    // an unscanned family's bins depend only on the family and the edges: computed once per family object
    let fb: FamilyBins | null | undefined = scans.length === 0 ? UNSCANNED_BINS.get(f)?.get(binsKey) : undefined;
    if (fb === undefined) {
      fb = familyBins(f, scans, edges, versions, input.gridTarget);
      if (scans.length === 0) UNSCANNED_BINS.set(f, (UNSCANNED_BINS.get(f) ?? new Map()).set(binsKey, fb));
    }
    if (fb) bins.set(f.id, fb);
  }
  const feedingByCell = new Map<string, { f: FamilyInfo; br: number }[]>();
  for (const f of input.families)
    for (const s of f.signatures) {
      const key = parseCell(s.cell).key;
      feedingByCell.set(key, [...(feedingByCell.get(key) ?? []), { f, br: s.br }]);
    }
  const out: Omit<Recommendation, 'rank'>[] = [];
  for (const cell of input.map.cells) {
    const feeding = feedingByCell.get(cell.key) ?? [];
    if (feeding.length === 0) continue;
    const existing = cell.searches.map((s) => s.id);
    const novelty = 1 / (1 + existing.length);
    for (let b = 0; b < edges.length - 1; b++) {
      const contributions: Contribution[] = [];
      const prov: Provenance = { scanIds: [], searches: [], method: 'score = novelty * sum_F BR(F->cell) * unexcluded volume of F in the mass range; novelty = 1/(1 + existing searches in the cell)' };
      let massParameter = '';
      for (const { f, br } of feeding) {
        const fb = bins.get(f.id);
        if (!fb || fb.unexcluded[b] <= 0) continue;
        massParameter ||= fb.massParameter;
        contributions.push({ family: f.id, br, unexcludedVolume: fb.unexcluded[b], scanned: fb.scanned, score: novelty * br * fb.unexcluded[b] });
        if (fb.provenance) {
          prov.scanIds.push(...fb.provenance.scanIds);
          for (const s of fb.provenance.searches) if (!prov.searches.some((x) => x.id === s.id)) prov.searches.push(s);
        }
      }
      const score = contributions.reduce((a, c) => a + c.score, 0);
      if (score <= 0) continue;
      contributions.sort((a, c) => c.score - a.score);
      const fams = contributions
        .map((c) => `${c.family}: ${pct(c.unexcludedVolume)} of its volume unexcluded in this range${c.scanned ? '' : ' (never scanned)'}, BR ${sig3(c.br)}`)
        .join('; ');
      const explanation =
        `${cell.label} at ${edges[b]}-${edges[b + 1]} GeV: ${fams}. ` +
        (existing.length === 0
          ? `No published analysis in the catalogue probes this signature${input.map.summary.catalogue ? ` (${input.map.summary.catalogue})` : ''}, so any sensitivity is new to it${cell.ownSearches.length ? `; sigmap's own simulated ${cell.ownSearches.map((s) => s.id).join(', ')} do not count as LHC coverage` : ''}.`
          : `Already probed by ${existing.join(', ')}; they leave this volume unexcluded, so a new search must be more sensitive (weight 1/${1 + existing.length}).`);
      out.push({
        cell: cell.key,
        label: cell.label,
        mass: { parameter: massParameter, min: edges[b], max: edges[b + 1], unit: 'GeV' },
        score,
        novelty,
        existingSearches: existing,
        contributions,
        explanation,
        provenance: { ...prov, scanIds: [...new Set(prov.scanIds)].sort() },
      });
    }
  }
  out.sort((a, b) => b.score - a.score || a.cell.localeCompare(b.cell) || a.mass.min - b.mass.min);
  return out.slice(0, input.limit ?? 20).map((r, i) => ({ rank: i + 1, ...r }));
}
