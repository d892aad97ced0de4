/**
 * Issue 16 acceptance 4: no search holds an invented background as if it were published. An own search (smooth,
 * sigmap-made background) must say it is a demonstration; a recast holds no background numbers at all (they are read
 * from the SModelS database) and every cut of every region cites its published source.
 */
import type { Recast } from '../recasts/types';
import type { OwnSearch } from './types';

export function ownSearchProblems(s: OwnSearch): string[] {
  const out: string[] = [];
  const p = s.provenance as { demonstration?: unknown; reason?: unknown } | undefined;
  if (s.background && p?.demonstration !== true)
    out.push(`${s.id}: background '${s.background.description}' is sigmap-made but the search is not labelled a demonstration`);
  if (typeof p?.reason !== 'string' || !p.reason.trim()) out.push(`${s.id}: provenance gives no reason`);
  if (!s.inspiration?.arXiv) out.push(`${s.id}: no arXiv id of the analysis it mimics`);
  return out;
}

/** The SModelS database result folder, e.g. '13TeV/CMS/CMS-SUS-16-033-eff'. */
const RESULT_PATH = /^(8|13)TeV\/(ATLAS|CMS)\/[A-Za-z0-9-]+$/;

export function recastProblems(r: Recast): string[] {
  const out: string[] = [];
  if (!/^\d{4}\.\d{4,5}$/.test(r.arXiv)) out.push(`${r.id}: arXiv '${r.arXiv}' is not an arXiv id`);
  const analysis = r.analysis ?? r.id;
  if (r.analysis !== undefined && !r.id.startsWith(`${r.analysis}-`))
    out.push(`${r.id}: a recast of part of ${r.analysis} must be named '${r.analysis}-<part>'`);
  if (!RESULT_PATH.test(r.databasePath) || !r.databasePath.endsWith(`/${analysis}-eff`))
    out.push(`${r.id}: databasePath '${r.databasePath}' is not this analysis's SModelS result folder`);
  if (!r.selectionSource.includes(`arXiv:${r.arXiv}`)) out.push(`${r.id}: selectionSource does not cite arXiv:${r.arXiv}`);
  if ('background' in r || 'observedN' in r || 'expectedBG' in r)
    out.push(`${r.id}: a recast must not hold background numbers (they are read from the database)`);
  if (!r.regions.length) out.push(`${r.id}: no signal regions`);
  for (const reg of r.regions) {
    if (!reg.source.includes(`arXiv:${r.arXiv}`) || !reg.source.includes('SModelS'))
      out.push(`${r.id}/${reg.name}: source '${reg.source}' must cite arXiv:${r.arXiv} and the SModelS file`);
    for (const [k, v] of Object.entries(reg.cuts)) if (typeof v !== 'number' || Number.isNaN(v)) out.push(`${r.id}/${reg.name}: cut ${k} is not a number`);
    if ('observedN' in reg.cuts || 'expectedBG' in reg.cuts || 'bgError' in reg.cuts)
      out.push(`${r.id}/${reg.name}: counts belong in the database, not in the cuts`);
  }
  return out;
}
