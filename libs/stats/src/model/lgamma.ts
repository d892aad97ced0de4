/**
 * log Gamma(x) for x > 0: Lanczos approximation (g = 7, n = 9; Numerical Recipes 3rd ed. sec. 6.1 coefficients as in
 * Boost/Godfrey), relative error ~1e-15, with the reflection formula for x < 0.5.
 */
const G = 7;
const C = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const xm = x - 1;
  let a = C[0];
  const t = xm + G + 0.5;
  for (let i = 1; i < 9; i++) a += C[i] / (xm + i);
  return LOG_SQRT_2PI + (xm + 0.5) * Math.log(t) - t + Math.log(a);
}
