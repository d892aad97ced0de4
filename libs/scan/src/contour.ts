import { scannedParameters, type ContourLine, type ScanSpec } from '@sigmap/contracts';
import type { ActiveLearner } from '@sigmap/gp';
import { fromUnit, scannedOf } from './axes';

/**
 * Marching squares (Lorensen & Cline 1987, 2D case): the level-`level` iso-line of values[i][j] sampled at
 * (xs[i], ys[j]), as segments joined into polylines. Saddle cells are split by the cell-centre average.
 */
function marchingSquares(xs: number[], ys: number[], values: number[][], level = 0): number[][][] {
  const segs: [number[], number[]][] = [];
  const interp = (x0: number, y0: number, v0: number, x1: number, y1: number, v1: number): number[] => {
    const t = v1 === v0 ? 0.5 : (level - v0) / (v1 - v0);
    return [x0 + t * (x1 - x0), y0 + t * (y1 - y0)];
  };
  for (let i = 0; i + 1 < xs.length; i++)
    for (let j = 0; j + 1 < ys.length; j++) {
      const v00 = values[i][j],
        v10 = values[i + 1][j],
        v11 = values[i + 1][j + 1],
        v01 = values[i][j + 1];
      const c = (v00 > level ? 1 : 0) | (v10 > level ? 2 : 0) | (v11 > level ? 4 : 0) | (v01 > level ? 8 : 0);
      if (c === 0 || c === 15) continue;
      const x0 = xs[i],
        x1 = xs[i + 1],
        y0 = ys[j],
        y1 = ys[j + 1];
      const bottom = () => interp(x0, y0, v00, x1, y0, v10);
      const right = () => interp(x1, y0, v10, x1, y1, v11);
      const top = () => interp(x0, y1, v01, x1, y1, v11);
      const left = () => interp(x0, y0, v00, x0, y1, v01);
      const centre = (v00 + v10 + v11 + v01) / 4 > level;
      switch (c) {
        case 1:
        case 14:
          segs.push([left(), bottom()]);
          break;
        case 2:
        case 13:
          segs.push([bottom(), right()]);
          break;
        case 3:
        case 12:
          segs.push([left(), right()]);
          break;
        case 4:
        case 11:
          segs.push([right(), top()]);
          break;
        case 6:
        case 9:
          segs.push([bottom(), top()]);
          break;
        case 7:
        case 8:
          segs.push([left(), top()]);
          break;
        case 5:
          if (centre) {
            segs.push([left(), top()]);
            segs.push([bottom(), right()]);
          } else {
            segs.push([left(), bottom()]);
            segs.push([right(), top()]);
          }
          break;
        case 10:
          if (centre) {
            segs.push([left(), bottom()]);
            segs.push([right(), top()]);
          } else {
            segs.push([left(), top()]);
            segs.push([bottom(), right()]);
          }
          break;
      }
    }
  return joinSegments(segs);
}

const key = (p: number[]) => `${p[0].toPrecision(10)},${p[1].toPrecision(10)}`;

function joinSegments(segs: [number[], number[]][]): number[][][] {
  const used = new Array(segs.length).fill(false);
  const byEnd = new Map<string, number[]>();
  segs.forEach(([a, b], i) => {
    for (const p of [a, b]) {
      const k = key(p);
      const l = byEnd.get(k) ?? [];
      l.push(i);
      byEnd.set(k, l);
    }
  });
  const lines: number[][][] = [];
  for (let s = 0; s < segs.length; s++) {
    if (used[s]) continue;
    used[s] = true;
    const line = [segs[s][0], segs[s][1]];
    for (const atEnd of [true, false]) {
      for (;;) {
        const tip = atEnd ? line[line.length - 1] : line[0];
        const next = (byEnd.get(key(tip)) ?? []).find((i) => !used[i]);
        if (next === undefined) break;
        used[next] = true;
        const [a, b] = segs[next];
        const other = key(a) === key(tip) ? b : a;
        if (atEnd) line.push(other);
        else line.unshift(other);
      }
    }
    lines.push(line);
  }
  return lines;
}

/**
 * The exclusion contour: the zero level of min_o (posterior mean_o - threshold_o) (excluded by any objective), on a
 * 41x41 grid of the unit box by marching squares (2D), or the sign changes on 401 points (1D); none above 2D.
 */
export function contourOf(spec: ScanSpec, learner: ActiveLearner | null): ContourLine[] {
  if (!learner) return [];
  const dim = scannedParameters(spec).length;
  if (dim > 2) return [];
  const m = dim === 2 ? 41 : 401;
  const axis = Array.from({ length: m }, (_, i) => i / (m - 1));
  const grid = dim === 2 ? axis.flatMap((x) => axis.map((y) => [x, y])) : axis.map((x) => [x]);
  const phys = grid.map((u) => scannedOf(spec, fromUnit(spec, u)));
  const preds = learner.predict(phys);
  const level = phys.map((_, a) => Math.min(...preds.map((p) => p.mean[a] - p.threshold)));
  if (dim === 2) {
    const values = axis.map((_, i) => axis.map((__, j) => level[i * m + j]));
    return marchingSquares(axis, axis, values, 0).map((line) => ({ points: line.map((u) => scannedOf(spec, fromUnit(spec, u))) }));
  }
  const pts: number[][] = [];
  for (let i = 0; i + 1 < m; i++)
    if (level[i] < 0 !== level[i + 1] < 0)
      pts.push(scannedOf(spec, fromUnit(spec, [axis[i] + (-level[i] / (level[i + 1] - level[i])) * (axis[i + 1] - axis[i])])));
  return pts.map((p) => ({ points: [p] }));
}
