/**
 * Analytic truth functions from diana-hep/excursion (Apache-2.0), formulas copied from
 * ../shared/data/excursion/excursion_testcases.json (fast_2D_truth, fast_3D); threshold 0 on the truth value.
 * Pools for al-bench are built from them in code: a regular grid, columns x,y[,z],truth.
 */
const stats = (n: number) => (1 - Math.tanh(n - 5)) / 2;

/** fast_2D_truth: 3*(log(stats(xsec*eff)) - log(0.05)), xsec = 12 exp(-x/2) + 0.1 cos(10y+1) + 0.2 cos(15x), eff = tanh(1.3x - y + 1). */
function fast2D(x: number, y: number): number {
  const xsec = 12 * Math.exp(-x / 2) + 0.1 * Math.cos(10 * y + 1) + 0.2 * Math.cos(15 * x);
  const eff = Math.tanh(1.3 * x - y + 1);
  return 3 * (Math.log(stats(xsec * eff)) - Math.log(0.05));
}

/** fast_3D: xsec = (12 exp(-x/2) + 0.1 cos(10y) + 0.2 cos(15x)) exp(-0.3 z), eff = tanh(1.3x - y + 1). */
function fast3D(x: number, y: number, z: number): number {
  const xsec = (12 * Math.exp(-x / 2) + 0.1 * Math.cos(10 * y) + 0.2 * Math.cos(15 * x)) * Math.exp(-0.3 * z);
  const eff = Math.tanh(1.3 * x - y + 1);
  return 3 * (Math.log(stats(xsec * eff)) - Math.log(0.05));
}

/** A CSV pool on a regular grid over [0, 1.5]^d with `per` points per axis. */
export function gridPoolCsv(dim: 2 | 3, per: number): string {
  const g = Array.from({ length: per }, (_, i) => (1.5 * i) / (per - 1));
  const lines = [dim === 2 ? 'x,y,truth' : 'x,y,z,truth'];
  if (dim === 2) for (const x of g) for (const y of g) lines.push(`${x},${y},${fast2D(x, y)}`);
  else for (const x of g) for (const y of g) for (const z of g) lines.push(`${x},${y},${z},${fast3D(x, y, z)}`);
  return lines.join('\n') + '\n';
}
