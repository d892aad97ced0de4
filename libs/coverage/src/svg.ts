/**
 * The coverage map as an SVG heat map (a string; no I/O). Upper-triangular 10x10 matrix of pairs, then one row of
 * complex-class cells. Fill: empty cells (no search) EMPTY_FILL; covered cells without scan results
 * UNQUANTIFIED_FILL; covered cells with results on a ramp of the largest excluded fraction. Every cell is a
 * <rect data-cell=KEY data-covered=0|1> so a page can attach click handlers.
 */
import type { CoverageMap } from './types';

export const EMPTY_FILL = '#e5e7eb';
export const UNQUANTIFIED_FILL = '#60a5fa';
const RAMP: [number, number, number][] = [
  [254, 240, 217],
  [253, 204, 138],
  [252, 141, 89],
  [227, 74, 51],
  [179, 0, 0],
];

/** Colour of an excluded fraction f in [0, 1] (piecewise-linear ramp, light orange to dark red). */
export function rampColor(f: number): string {
  const x = Math.min(1, Math.max(0, f)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const t = x - i;
  const c = RAMP[i].map((v, k) => Math.round(v + t * (RAMP[i + 1][k] - v)));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function cellFill(cell: { empty: boolean; maxExcludedFraction: number | null }): string {
  if (cell.empty) return EMPTY_FILL;
  return cell.maxExcludedFraction === null ? UNQUANTIFIED_FILL : rampColor(cell.maxExcludedFraction);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderCoverageSvg(map: CoverageMap, opts: { cell?: number; title?: string } = {}): string {
  const cs = opts.cell ?? 46;
  const n = map.objects.length;
  const left = 70;
  const top = 60;
  const complex = map.cells.filter((c) => c.kind === 'complex');
  const perRow = n;
  const complexRows = Math.ceil(complex.length / perRow);
  const labelRoom = 70;
  const width = left + n * cs + 20;
  const height = top + n * cs + 40 + complexRows * (cs + labelRoom) + 40;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12" id="coverage-svg">`);
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${left}" y="20" font-size="14" font-weight="bold">${esc(opts.title ?? `Signature coverage: ${map.summary.covered} covered, ${map.summary.empty} empty of ${map.summary.cells} cells`)}</text>`);
  map.objects.forEach((o, i) => {
    parts.push(`<text x="${left + i * cs + cs / 2}" y="${top - 8}" text-anchor="middle">${esc(o)}</text>`);
    parts.push(`<text x="${left - 8}" y="${top + i * cs + cs / 2 + 4}" text-anchor="end">${esc(o)}</text>`);
  });
  const cellRect = (x: number, y: number, c: CoverageMap['cells'][number]) => {
    const fill = cellFill(c);
    const tip = `${c.label}: ${c.searches.length} search(es)${c.maxExcludedFraction !== null ? `, max excluded fraction ${c.maxExcludedFraction.toFixed(3)}` : ''}`;
    const textFill = c.maxExcludedFraction !== null && c.maxExcludedFraction > 0.6 ? '#ffffff' : '#111827';
    return (
      `<g class="cell" data-cell="${esc(c.key)}" data-covered="${c.empty ? 0 : 1}" style="cursor:pointer">` +
      `<rect x="${x + 1}" y="${y + 1}" width="${cs - 2}" height="${cs - 2}" fill="${fill}" stroke="#9ca3af" stroke-width="0.5"><title>${esc(tip)}</title></rect>` +
      (c.empty ? '' : `<text x="${x + cs / 2}" y="${y + cs / 2 + 4}" text-anchor="middle" fill="${textFill}" pointer-events="none">${c.searches.length}</text>`) +
      `</g>`
    );
  };
  for (const c of map.cells) if (c.kind === 'pair') parts.push(cellRect(left + c.col! * cs, top + c.row! * cs, c));
  const cy0 = top + n * cs + 40;
  parts.push(`<text x="${left}" y="${cy0 - 10}" font-weight="bold">complex (pair production / cascades)</text>`);
  complex.forEach((c, i) => {
    const x = left + (i % perRow) * cs;
    const y = cy0 + Math.floor(i / perRow) * (cs + labelRoom);
    parts.push(cellRect(x, y, c));
    const lx = x + cs / 2;
    const ly = y + cs + 10;
    parts.push(`<text x="${lx}" y="${ly}" text-anchor="end" font-size="10" transform="rotate(-40 ${lx} ${ly})">${esc(c.key.slice('complex:'.length))}</text>`);
  });
  const ly = height - 30;
  const legend: [string, string][] = [
    [EMPTY_FILL, 'no search'],
    [UNQUANTIFIED_FILL, 'searched, no scan results'],
    [rampColor(0), 'excluded 0'],
    [rampColor(0.5), '0.5'],
    [rampColor(1), '1'],
  ];
  let lx = left;
  for (const [fill, text] of legend) {
    parts.push(`<rect class="legend" x="${lx}" y="${ly}" width="14" height="14" stroke="#9ca3af" fill="${fill}" stroke-width="0.5"/><text x="${lx + 18}" y="${ly + 11}" font-size="10">${esc(text)}</text>`);
    lx += 18 + text.length * 6 + 14;
  }
  parts.push('</svg>');
  return parts.join('\n');
}
