/** The validation plot of a recast as a hand-written SVG string (no I/O: the CLI writes it). */
import type { PlanePoint, ValidationPoint } from './validation';

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const f = (x: number) => x.toFixed(1);

interface ValidationPlotInput {
  title: string;
  regions: string[];
  points: ValidationPoint[];
  threshold: number;
  tolerance: number;
  axes: { x: string; y: string };
  recastPlane: PlanePoint[];
  officialPlane: PlanePoint[];
  officialLabel: string;
}

/** Left: simulated vs published efficiency (log-log, y = x and the tolerance band); right: the two exclusions on the mass plane. */
export function validationSvg(p: ValidationPlotInput): string {
  const W = 1000;
  const H = 470;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="10" y="18" font-size="14">${esc(p.title)}</text>`,
  ];
  // Panel 1.
  const x0 = 60;
  const y0 = 40;
  const S = 360;
  const lo = Math.log10(Math.max(p.threshold / 10, 1e-6));
  const hi = 0;
  const sx = (e: number) => x0 + ((Math.log10(Math.max(e, 10 ** lo)) - lo) / (hi - lo)) * S;
  const sy = (e: number) => y0 + S - ((Math.log10(Math.max(e, 10 ** lo)) - lo) / (hi - lo)) * S;
  out.push(`<rect x="${x0}" y="${y0}" width="${S}" height="${S}" fill="none" stroke="black"/>`);
  for (let d = Math.ceil(lo); d <= hi; d++) {
    out.push(
      `<line x1="${f(sx(10 ** d))}" y1="${y0 + S}" x2="${f(sx(10 ** d))}" y2="${y0 + S + 4}" stroke="black"/><text x="${f(sx(10 ** d))}" y="${y0 + S + 16}" text-anchor="middle">1e${d}</text>`,
    );
    out.push(
      `<line x1="${x0 - 4}" y1="${f(sy(10 ** d))}" x2="${x0}" y2="${f(sy(10 ** d))}" stroke="black"/><text x="${x0 - 6}" y="${f(sy(10 ** d) + 4)}" text-anchor="end">1e${d}</text>`,
    );
  }
  const diag = (k: number, dash: string) =>
    `<line x1="${f(sx(10 ** lo))}" y1="${f(sy(k * 10 ** lo))}" x2="${f(sx(1 / Math.max(k, 1)))}" y2="${f(sy(Math.min(k, 1)))}" stroke="#444" ${dash}/>`;
  out.push(diag(1, ''), diag(1 + p.tolerance, 'stroke-dasharray="4 3"'), diag(1 - p.tolerance, 'stroke-dasharray="4 3"'));
  out.push(`<line x1="${f(sx(p.threshold))}" y1="${y0}" x2="${f(sx(p.threshold))}" y2="${y0 + S}" stroke="#bbb" stroke-dasharray="2 2"/>`);
  for (const pt of p.points)
    pt.published.forEach((pub, i) => {
      if (!(pub > 0) || pub < 10 ** lo) return;
      out.push(`<circle cx="${f(sx(pub))}" cy="${f(sy(pt.simulated[i]))}" r="2.2" fill="${COLOURS[i % COLOURS.length]}" fill-opacity="0.75"/>`);
    });
  out.push(
    `<text x="${x0 + S / 2}" y="${y0 + S + 32}" text-anchor="middle">published efficiency</text>`,
    `<text transform="translate(16 ${y0 + S / 2}) rotate(-90)" text-anchor="middle">simulated efficiency</text>`,
  );
  p.regions.forEach((r, i) =>
    out.push(
      `<circle cx="${x0 + 8}" cy="${y0 + 10 + 12 * i}" r="3" fill="${COLOURS[i % COLOURS.length]}"/><text x="${x0 + 14}" y="${y0 + 14 + 12 * i}">${esc(r)}</text>`,
    ),
  );
  // Panel 2.
  const X0 = 560;
  const all = [...p.recastPlane, ...p.officialPlane];
  if (all.length) {
    const xmin = Math.min(...all.map((q) => q.x));
    const xmax = Math.max(...all.map((q) => q.x));
    const ymin = Math.min(...all.map((q) => q.y));
    const ymax = Math.max(...all.map((q) => q.y));
    const px = (x: number) => X0 + ((x - xmin) / Math.max(xmax - xmin, 1)) * S;
    const py = (y: number) => y0 + S - ((y - ymin) / Math.max(ymax - ymin, 1)) * S;
    out.push(`<rect x="${X0}" y="${y0}" width="${S}" height="${S}" fill="none" stroke="black"/>`);
    for (const q of p.officialPlane) out.push(`<circle cx="${f(px(q.x))}" cy="${f(py(q.y))}" r="5" fill="none" stroke="${q.excluded ? '#d62728' : '#ccc'}"/>`);
    for (const q of p.recastPlane) out.push(`<circle cx="${f(px(q.x))}" cy="${f(py(q.y))}" r="2.5" fill="${q.excluded ? '#1f77b4' : '#ddd'}"/>`);
    out.push(`<text x="${X0}" y="${y0 + S + 16}">${f(xmin)}</text><text x="${X0 + S}" y="${y0 + S + 16}" text-anchor="end">${f(xmax)}</text>`);
    out.push(`<text x="${X0 - 4}" y="${y0 + S}" text-anchor="end">${f(ymin)}</text><text x="${X0 - 4}" y="${y0 + 10}" text-anchor="end">${f(ymax)}</text>`);
    out.push(
      `<text x="${X0 + S / 2}" y="${y0 + S + 32}" text-anchor="middle">${esc(p.axes.x)}</text>`,
      `<text transform="translate(${X0 - 40} ${y0 + S / 2}) rotate(-90)" text-anchor="middle">${esc(p.axes.y)}</text>`,
    );
    out.push(
      `<circle cx="${X0 + 10}" cy="${y0 + S + 50}" r="2.5" fill="#1f77b4"/><text x="${X0 + 16}" y="${y0 + S + 54}">excluded by the recast (simulated efficiencies)</text>`,
    );
    out.push(
      `<circle cx="${X0 + 10}" cy="${y0 + S + 64}" r="5" fill="none" stroke="#d62728"/><text x="${X0 + 18}" y="${y0 + S + 68}">excluded: ${esc(p.officialLabel)}</text>`,
    );
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
