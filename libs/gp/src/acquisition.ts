/**
 * Level-set acquisition functions for a threshold t. They see only a posterior (mean, variance), never a model,
 * so they can be tested with fake posteriors.
 *
 * - straddle (Bryan et al. 2005, "Active learning for identifying function threshold boundaries"):
 *     a(x) = beta * sigma(x) - |mu(x) - t|, beta = 1.96.
 * - misclassification probability (Bect et al. 2012, Stat. Comput. 22:773, eq. for tau_n):
 *     p(x) = Phi(-|mu(x) - t| / sigma(x)), the probability that the plug-in label sign(mu - t) is wrong.
 * - boundary entropy: H(p_+) with p_+ = Phi((mu - t)/sigma), H(p) = -p ln p - (1-p) ln(1-p).
 * - integrated look-ahead (SUR, Bect et al. 2012, sec. 3.3): the expected reduction of the misclassified volume
 *     sum_r p(r) - E_y[ p_{+x}(r) ] over a reference set, after observing at x (see lookaheadReduction).
 * gaussHermiteNormal is kept for smooth expectations over N(0,1) (tests check its moments).
 */

/** Standard normal CDF via erfc (W. J. Cody's rational Chebyshev approximation as in Numerical Recipes erfcc, |rel err| < 1.2e-7). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

export interface MarginalPosterior {
  mean: ArrayLike<number>;
  variance: ArrayLike<number>;
}

export function straddle(p: MarginalPosterior, threshold: number, beta = 1.96): Float64Array {
  return Float64Array.from(p.mean, (m, i) => beta * Math.sqrt(Math.max(p.variance[i], 0)) - Math.abs(m - threshold));
}

export function misclassificationProbability(p: MarginalPosterior, threshold: number): Float64Array {
  return Float64Array.from(p.mean, (m, i) => misclassOne(m, p.variance[i], threshold));
}

export function misclassOne(mean: number, variance: number, threshold: number): number {
  const s = Math.sqrt(Math.max(variance, 0));
  if (s === 0) return mean === threshold ? 0.5 : 0;
  return normalCdf(-Math.abs(mean - threshold) / s);
}

export function boundaryEntropy(p: MarginalPosterior, threshold: number): Float64Array {
  return Float64Array.from(p.mean, (m, i) => {
    const s = Math.sqrt(Math.max(p.variance[i], 0));
    const q = s === 0 ? (m > threshold ? 1 : m < threshold ? 0 : 0.5) : normalCdf((m - threshold) / s);
    return binaryEntropy(q);
  });
}

export function binaryEntropy(q: number): number {
  if (q <= 0 || q >= 1) return 0;
  return -q * Math.log(q) - (1 - q) * Math.log(1 - q);
}

/** Gauss-Hermite nodes/weights for E[f(Z)], Z ~ N(0,1) (Golub-Welsch free: Newton on H_n, Numerical Recipes gauher). */
export function gaussHermiteNormal(n: number): { nodes: Float64Array; weights: Float64Array } {
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  const m = Math.floor((n + 1) / 2);
  const PIM4 = 0.7511255444649425;
  let z = 0;
  for (let i = 0; i < m; i++) {
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * Math.pow(2 * n + 1, -0.16667);
    else if (i === 1) z -= (1.14 * Math.pow(n, 0.426)) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * x[0];
    else if (i === 3) z = 1.91 * z - 0.91 * x[1];
    else z = 2 * z - x[i - 2];
    let pp = 0;
    for (let it = 0; it < 100; it++) {
      let p1 = PIM4;
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / (j + 1)) * p2 - Math.sqrt(j / (j + 1)) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 3e-14) break;
    }
    x[i] = z;
    x[n - 1 - i] = -z;
    w[i] = 2 / (pp * pp);
    w[n - 1 - i] = w[i];
  }
  // physicists' -> probabilists': Z = sqrt(2) x, weights / sqrt(pi)
  return { nodes: Float64Array.from(x, (v) => v * Math.SQRT2), weights: Float64Array.from(w, (v) => v / Math.sqrt(Math.PI)) };
}

/** Gauss-Legendre nodes/weights on [-1, 1] (Newton on P_n, Numerical Recipes gauleg). */
function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  const m = Math.floor((n + 1) / 2);
  for (let i = 0; i < m; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let pp = 0;
    for (let it = 0; it < 100; it++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j + 1) * z * p2 - j * p3) / (j + 1);
      }
      pp = (n * (z * p1 - p2)) / (z * z - 1);
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) < 1e-15) break;
    }
    x[i] = -z;
    x[n - 1 - i] = z;
    w[i] = w[n - 1 - i] = 2 / ((1 - z * z) * pp * pp);
  }
  return { nodes: x, weights: w };
}

const GL = gaussLegendre(8);

/**
 * Expected misclassification probability at a reference point r after one more observation at x
 * (noise variance tau2), given the current posterior at r (mean m, variance v), the posterior covariance
 * c = cov(f(r), f(x)) and the posterior variance vx at x. Under the GP the updated mean is
 * m' = m + s Z with s^2 = c^2/(vx + tau2), Z ~ N(0,1), and the updated variance is v - s^2 (R&W eq. 2.25 applied
 * sequentially). E[Phi(-|m' - t|/sqrt(v - s^2))] = int phi(z) Phi(-|m + s z - t|/sigma') dz is integrated by
 * composite 8-point Gauss-Legendre on [-8, 8], split at the kink z0 = (t - m)/s (4 panels per side), which is
 * accurate to ~1e-9 (the integrand is smooth on each side).
 */
export function expectedMisclassAfter(m: number, v: number, c: number, vx: number, tau2: number, threshold: number): number {
  const s2 = Math.min((c * c) / (vx + tau2), v);
  const s = Math.sqrt(s2);
  const vn = Math.max(v - s2, 0);
  if (s < 1e-12 * Math.sqrt(Math.max(v, 1e-300))) return misclassOne(m, v, threshold);
  const sn = Math.sqrt(vn);
  const z0 = Math.min(8, Math.max(-8, (threshold - m) / s));
  const f = (z: number) => {
    const d = Math.abs(m + s * z - threshold);
    return normalPdf(z) * (sn === 0 ? (d === 0 ? 0.5 : 0) : normalCdf(-d / sn));
  };
  let e = 0;
  for (const [lo, hi] of [
    [-8, z0],
    [z0, 8],
  ]) {
    if (hi <= lo) continue;
    const panels = 4;
    const h = (hi - lo) / panels;
    for (let p = 0; p < panels; p++) {
      const mid = lo + (p + 0.5) * h;
      for (let k = 0; k < GL.nodes.length; k++) e += 0.5 * h * GL.weights[k] * f(mid + 0.5 * h * GL.nodes[k]);
    }
  }
  return e;
}

/**
 * Integrated look-ahead criterion: expected reduction of the misclassified volume (fraction of the reference
 * set, each reference point weighted 1/R) after observing at a candidate x.
 * ref: the posterior over the reference set; cov: cov(f(r), f(x)) for every reference point; vx: var f(x).
 */
export function lookaheadReduction(ref: MarginalPosterior, cov: ArrayLike<number>, vx: number, tau2: number, threshold: number): number {
  const R = ref.mean.length;
  let red = 0;
  for (let r = 0; r < R; r++) {
    const c = cov[r];
    if (c === 0) continue;
    const m = ref.mean[r];
    const v = ref.variance[r];
    red += misclassOne(m, v, threshold) - expectedMisclassAfter(m, v, c, vx, tau2, threshold);
  }
  return red / Math.max(R, 1);
}

export type AcquisitionName = 'straddle' | 'misclassification' | 'entropy';

export function acquisition(name: AcquisitionName, p: MarginalPosterior, threshold: number): Float64Array {
  switch (name) {
    case 'straddle':
      return straddle(p, threshold);
    case 'misclassification':
      return misclassificationProbability(p, threshold);
    case 'entropy':
      return boundaryEntropy(p, threshold);
  }
}
