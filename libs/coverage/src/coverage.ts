/**
 * The signature-coverage map: for every cell (55 pairs + complex rows), the searches that probe it, the families that
 * feed it with the excluded fraction of each family's volume (by the cell's searches together) and its mass reach,
 * the pragmatic "excluded model points per search", and which cells have no search at all.
 */
import { allCells, parseCell, SM_OBJECTS } from './signatures';
import type { CoverageCell, CoverageMap, FamilyInCell, FamilyInfo, ScanEvidence, SearchInCell, SearchRecord, SearchRef } from './types';
import { classifyNodes, excludedVolume, familyBox, massReach, PRIOR_STATEMENT, spaceOf } from './volume';

export interface CoverageInput {
  searches: readonly SearchRecord[];
  families: readonly FamilyInfo[];
  /** Scans whose results count (the API passes public scans only). */
  scans: readonly ScanEvidence[];
  /** Grid nodes per volume estimate (default 4096). */
  gridTarget?: number;
  /** One line on what the published catalogue holds, carried into the summary. */
  catalogue?: string;
}

interface PointCounts {
  evaluated: number;
  excluded: number;
  scanIds: Set<string>;
}

/** Distinct evaluated / excluded points per search over all scans (a point counted once per scan). */
export function excludedPointsPerSearch(scans: readonly ScanEvidence[]): Map<string, PointCounts> {
  const out = new Map<string, PointCounts>();
  for (const s of scans) {
    const seen = new Map<string, boolean>();
    for (const ev of s.evaluations) {
      const k = `${ev.search}|${Object.keys(ev.point).sort().map((n) => `${n}=${ev.point[n]}`).join(',')}`;
      seen.set(k, (seen.get(k) ?? false) || ev.excluded);
    }
    for (const [k, excl] of seen) {
      const search = k.slice(0, k.indexOf('|'));
      const c = out.get(search) ?? { evaluated: 0, excluded: 0, scanIds: new Set<string>() };
      c.evaluated++;
      if (excl) c.excluded++;
      c.scanIds.add(s.scanId);
      out.set(search, c);
    }
  }
  return out;
}

function cellKeysOf(search: SearchRecord): string[] {
  return [...new Set(search.signatures.map((sig, i) => parseCell(sig, `searches.${search.id}.signatures[${i}]`).key))];
}

export function buildCoverage(input: CoverageInput): CoverageMap {
  const warnings: string[] = [];
  const searchCells = new Map<string, string[]>();
  for (const s of input.searches) searchCells.set(s.id, cellKeysOf(s));
  const familyCells = new Map<string, { key: string; br: number }[]>();
  for (const f of input.families)
    familyCells.set(
      f.id,
      f.signatures.map((sig, i) => ({ key: parseCell(sig.cell, `families.${f.id}.signatures[${i}]`).key, br: sig.br })),
    );
  const extraComplex = [...searchCells.values(), ...[...familyCells.values()].map((x) => x.map((y) => y.key))]
    .flat()
    .filter((k) => k.startsWith('complex:'))
    .map((k) => k.slice('complex:'.length));
  const versions = new Map<string, SearchRef>(input.searches.map((s) => [s.id, { id: s.id, version: s.version, ...(s.sha ? { sha: s.sha } : {}) }]));
  const counts = excludedPointsPerSearch(input.scans);
  const scansByFamily = new Map<string, ScanEvidence[]>();
  for (const s of input.scans) scansByFamily.set(s.family, [...(scansByFamily.get(s.family) ?? []), s]);
  const familyById = new Map(input.families.map((f) => [f.id, f]));
  for (const fam of scansByFamily.keys()) if (!familyById.has(fam)) warnings.push(`family '${fam}' of a scan is not declared; its scans' own ranges stand in for its prior box`);
  for (const s of input.scans)
    for (const ev of s.evaluations)
      if (!versions.has(ev.search)) {
        warnings.push(`scan ${s.scanId} has results for search '${ev.search}', which is not in the catalogue`);
        break;
      }
  const spaces = new Map<string, ReturnType<typeof spaceOf>>();
  const spaceFor = (family: string) => {
    let sp = spaces.get(family);
    if (!sp) {
      const scans = scansByFamily.get(family) ?? [];
      sp = spaceOf(familyBox(familyById.get(family), scans), scans, familyById.get(family)?.allowed);
      spaces.set(family, sp);
    }
    return sp;
  };

  const cells: CoverageCell[] = allCells(extraComplex).map((ref) => {
    const inCell: SearchInCell[] = input.searches
      .filter((s) => searchCells.get(s.id)!.includes(ref.key))
      .map((s) => {
        const c = counts.get(s.id);
        return {
          id: s.id,
          experiment: s.experiment,
          sqrtS: s.sqrtS,
          lumiFb: s.lumiFb,
          material: s.material,
          version: s.version,
          ...(s.sha ? { sha: s.sha } : {}),
          layer: s.layer ?? 'lhc',
          ...(s.title ? { title: s.title } : {}),
          ...(s.arXiv ? { arXiv: s.arXiv } : {}),
          evaluatedPoints: c?.evaluated ?? 0,
          excludedPoints: c?.excluded ?? 0,
          scanIds: c ? [...c.scanIds].sort() : [],
        };
      });
    const searches = inCell.filter((s) => s.layer === 'lhc');
    const ownSearches = inCell.filter((s) => s.layer === 'own');
    const ids = new Set(inCell.map((s) => s.id));
    const famIds = new Set<string>();
    const brOf = new Map<string, number>();
    for (const [fid, list] of familyCells)
      for (const x of list)
        if (x.key === ref.key) {
          famIds.add(fid);
          brOf.set(fid, (brOf.get(fid) ?? 0) + x.br);
        }
    for (const s of input.searches) if (ids.has(s.id)) for (const f of s.families) famIds.add(f);
    // families scanned with one of the cell's searches feed it too (e.g. a worker family id the catalogue names differently)
    for (const sc of input.scans) if (sc.evaluations.some((e) => ids.has(e.search))) famIds.add(sc.family);
    const families: FamilyInCell[] = [...famIds].sort().map((fid) => {
      const space = spaceFor(fid);
      const used = new Set([...ids].filter((id) => space.scans.some((sc) => sc.evaluations.some((e) => e.search === id))));
      const cls = used.size > 0 ? classifyNodes(space, used, versions, { gridTarget: input.gridTarget }) : null;
      return {
        family: fid,
        br: brOf.get(fid) ?? Number.NaN,
        searches: [...used].sort(),
        excluded: cls ? excludedVolume(cls) : null,
        massReach: used.size > 0 ? massReach(familyById.get(fid), space, used, versions) : null,
      };
    });
    const fr = families.map((f) => f.excluded?.fraction).filter((x): x is number => x !== undefined);
    return {
      key: ref.key,
      kind: ref.kind,
      label: ref.label,
      ...(ref.row !== undefined ? { row: ref.row, col: ref.col } : {}),
      searches,
      ownSearches,
      families: families.map((f) => (Number.isNaN(f.br) ? { ...f, br: 0 } : f)),
      maxExcludedFraction: fr.length ? Math.max(...fr) : null,
      excludedPoints: searches.reduce((a, s) => a + s.excludedPoints, 0),
      empty: searches.length === 0,
    };
  });

  const familyIds = [...new Set([...input.families.map((f) => f.id), ...scansByFamily.keys()])].sort();
  const families = familyIds.map((fid) => {
    const space = spaceFor(fid);
    const all = new Set(space.scans.flatMap((s) => s.evaluations.map((e) => e.search)));
    const cls = all.size ? classifyNodes(space, all, versions, { gridTarget: input.gridTarget }) : null;
    return { family: fid, excluded: cls ? excludedVolume(cls) : null, massReach: all.size ? massReach(familyById.get(fid), space, all, versions) : null };
  });
  const empty = cells.filter((c) => c.empty).map((c) => c.key);
  return {
    cells,
    objects: SM_OBJECTS,
    summary: {
      cells: cells.length,
      covered: cells.length - empty.length,
      empty: empty.length,
      emptyCells: empty,
      searches: input.searches.filter((s) => (s.layer ?? 'lhc') === 'lhc').length,
      ownSearches: input.searches.filter((s) => s.layer === 'own').length,
      ...(input.catalogue ? { catalogue: input.catalogue } : {}),
      scans: input.scans.length,
      evaluations: [...counts.values()].reduce((a, c) => a + c.evaluated, 0),
      prior: PRIOR_STATEMENT,
    },
    families,
    warnings,
  };
}
