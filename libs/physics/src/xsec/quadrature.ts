/** Gauss-Legendre quadrature: nodes and weights on [-1, 1] by Newton iteration on P_n (computed once per n). */
const CACHE = new Map<number, { x: number[]; w: number[] }>();

export function gaussLegendre(n: number): { x: number[]; w: number[] } {
  const hit = CACHE.get(n);
  if (hit) return hit;
  const x: number[] = [];
  const w: number[] = [];
  for (let i = 1; i <= n; i++) {
    let z = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let pp = 0;
    for (let it = 0; it < 100; it++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      pp = (n * (z * p1 - p2)) / (z * z - 1);
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) < 1e-15) break;
    }
    x.push(z);
    w.push(2 / ((1 - z * z) * pp * pp));
  }
  const r = { x, w };
  CACHE.set(n, r);
  return r;
}

/** int_lo^hi f(t) dt by 48-point Gauss-Legendre. */
export function integrate(f: (t: number) => number, lo: number, hi: number): number {
  const { x, w } = gaussLegendre(48);
  const h = 0.5 * (hi - lo);
  const c = 0.5 * (hi + lo);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += w[i] * f(c + h * x[i]);
  return s * h;
}
