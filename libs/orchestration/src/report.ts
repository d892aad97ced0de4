import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScanReport } from '@sigmap/contracts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A hand-written SVG of a 2D scan: evaluated points (filled = excluded, CLs_obs < 0.05) and the GP contour. */
function scanSvg(r: ScanReport, width = 640, height = 520): string {
  const [px, py] = r.parameters;
  const pr = r.spec.parameters;
  const m = { l: 70, r: 20, t: 40, b: 55 };
  const W = width - m.l - m.r,
    H = height - m.t - m.b;
  const ax = (name: string) => {
    const p = pr[name];
    const log = p.scale === 'log';
    const f = (v: number) => (log ? (Math.log(v) - Math.log(p.min)) / (Math.log(p.max) - Math.log(p.min)) : (v - p.min) / (p.max - p.min));
    return { p, f };
  };
  const X = ax(px);
  const Y = py ? ax(py) : null;
  const sx = (v: number) => m.l + X.f(v) * W;
  const sy = (v: number) => (Y ? m.t + H - Y.f(v) * H : m.t + H / 2);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${esc(`${r.spec.name}: ${r.spec.family} (${r.spec.searches.join(', ')}) — ${r.status}`)}</text>`,
  );
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W}" height="${H}" fill="none" stroke="#333"/>`);
  for (let i = 0; i <= 5; i++) {
    const vx = X.p.min + (i / 5) * (X.p.max - X.p.min);
    parts.push(
      `<line x1="${sx(vx)}" y1="${m.t + H}" x2="${sx(vx)}" y2="${m.t + H + 5}" stroke="#333"/><text x="${sx(vx)}" y="${m.t + H + 18}" text-anchor="middle">${Number(vx.toPrecision(4))}</text>`,
    );
    if (Y) {
      const vy = Y.p.min + (i / 5) * (Y.p.max - Y.p.min);
      parts.push(
        `<line x1="${m.l - 5}" y1="${sy(vy)}" x2="${m.l}" y2="${sy(vy)}" stroke="#333"/><text x="${m.l - 8}" y="${sy(vy) + 4}" text-anchor="end">${Number(vy.toPrecision(4))}</text>`,
      );
    }
  }
  parts.push(`<text x="${m.l + W / 2}" y="${height - 12}" text-anchor="middle">${esc(px)}</text>`);
  if (py) parts.push(`<text transform="translate(16 ${m.t + H / 2}) rotate(-90)" text-anchor="middle">${esc(py)}</text>`);
  for (const line of r.contour) {
    if (line.points.length < 2) continue;
    const d = line.points.map((p, i) => `${i ? 'L' : 'M'}${sx(p[0]).toFixed(1)},${sy(p[1] ?? 0).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="#c0392b" stroke-width="2"/>`);
  }
  const seen = new Map<string, { x: number; y: number; excluded: boolean }>();
  for (const e of r.evaluations) {
    const cur = seen.get(e.key);
    seen.set(e.key, { x: e.point[px], y: py ? e.point[py] : 0, excluded: (cur?.excluded ?? false) || e.excluded });
  }
  for (const p of seen.values())
    parts.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="4" stroke="#1f4e79" fill="${p.excluded ? '#1f4e79' : 'white'}"/>`);
  parts.push(
    `<g transform="translate(${m.l + 8} ${m.t + 12})"><circle r="4" fill="#1f4e79"/><text x="8" y="4">excluded (CLs_obs &lt; 0.05)</text>` +
      `<circle cy="16" r="4" fill="white" stroke="#1f4e79"/><text x="8" y="20">allowed</text><line x1="-4" y1="32" x2="6" y2="32" stroke="#c0392b" stroke-width="2"/><text x="8" y="36">GP exclusion contour</text></g>`,
  );
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Writes contour.json, points.json, points.csv, report.json and plot.svg (plot.png when @resvg/resvg-js is installed). */
export async function writeScanReport(dir: string, r: ScanReport): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const put = (name: string, text: string | Buffer) => {
    writeFileSync(join(dir, name), text);
    files.push(join(dir, name));
  };
  put(
    'contour.json',
    JSON.stringify({ scanId: r.scanId, parameters: r.parameters, level: 'CLs_obs = 0.05 (GP mean of log10(CLs/0.05) = 0)', lines: r.contour }, null, 2) + '\n',
  );
  put('points.json', JSON.stringify(r.evaluations, null, 2) + '\n');
  const names = Object.keys(r.spec.parameters);
  const csv = [
    [...names, 'search', 'fidelity', 'seed', 'cls_obs', 'cls_exp_m2', 'cls_exp_m1', 'cls_exp_med', 'cls_exp_p1', 'cls_exp_p2', 'region', 'excluded'].join(','),
  ];
  for (const e of r.evaluations)
    csv.push([...names.map((n) => e.point[n]), e.search, e.fidelity, e.seed, e.clsObs, ...e.clsExp, e.region ?? '', e.excluded].join(','));
  put('points.csv', csv.join('\n') + '\n');
  put('report.json', JSON.stringify({ ...r, evaluations: r.evaluations.length }, null, 2) + '\n');
  const svg = scanSvg(r);
  put('plot.svg', svg);
  try {
    const { Resvg } = require('@resvg/resvg-js') as { Resvg: new (s: string) => { render(): { asPng(): Buffer } } };
    put('plot.png', new Resvg(svg).render().asPng());
  } catch {
    // PNG needs @resvg/resvg-js (not installed): the SVG is the plot.
  }
  return files;
}
