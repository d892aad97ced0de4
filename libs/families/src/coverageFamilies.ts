import { families as catalogueFamilies } from '@sigmap/catalogue';
import { cellOfSignature, type FamilyInfo } from '@sigmap/coverage';
import { listFamilies } from '@sigmap/physics';

/**
 * Model families as the coverage map needs them: @sigmap/physics `listFamilies()` (spin-forbidden generic resonances
 * left out), plus the catalogue's own family definitions under the names its search records use ('sbottom',
 * 'sbottom_direct'). Physics families give point-dependent branching ratios; the map takes them at the family's
 * default point. The reference values for the mass reach are the defaults of the non-mass parameters. The allowed
 * region is where the family's validate(point) accepts the point (bounds, mass ordering).
 */
export function loadFamilies(): { families: FamilyInfo[]; source: string } {
  const out: FamilyInfo[] = [];
  for (const f of listFamilies({ includeForbidden: false })) {
    const defaults = Object.fromEntries(f.params.map((p) => [p.name, p.default]));
    const massParameter = f.params.find((p) => p.name.toLowerCase().startsWith('m'))?.name;
    out.push({
      id: f.id,
      label: f.label,
      parameters: f.params.map((p) => ({ name: p.name, min: p.min, max: p.max, scale: p.scale, unit: p.unit })),
      signatures: f.signatures(f.validate(defaults)).map((s) => ({ cell: s.key, br: s.br })),
      ...(massParameter
        ? { massParameter, reference: Object.fromEntries(f.params.filter((p) => p.name !== massParameter).map((p) => [p.name, p.default])) }
        : {}),
      allowed: accepts((p) => f.validate(p)),
    });
  }
  const physicsCount = out.length;
  for (const f of catalogueFamilies) {
    if (out.some((x) => x.id === f.name)) continue;
    out.push({
      id: f.name,
      label: f.description,
      parameters: f.parameters.map((p) => ({ name: p.name, min: p.min, max: p.max, scale: p.scale, unit: p.unit })),
      signatures: f.signatures.map((s) => ({ cell: cellOfSignature(s, [f.name]).key, br: 1 })),
      allowed: accepts((p) => f.validate(p)),
    });
  }
  return { families: out, source: `@sigmap/physics listFamilies(): ${physicsCount}; @sigmap/catalogue families: ${out.length - physicsCount}` };
}

/** The allowed region of a family whose validate(point) throws outside it. */
function accepts(validate: (p: Record<string, number>) => unknown): (p: Record<string, number>) => boolean {
  return (p) => {
    try {
      validate(p);
      return true;
    } catch {
      return false;
    }
  };
}
