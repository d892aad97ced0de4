/**
 * Two-sample metrics for validating a generative surrogate against full simulation.
 *  - Wasserstein-1 distance of two 1D empirical distributions: W1 = integral |F_a(x) - F_b(x)| dx (Villani,
 *    "Optimal transport", Remark 2.19 (iii)); computed exactly by merging the sorted samples.
 *  - ROC AUC by the Mann-Whitney statistic: AUC = (R_1 - n_1 (n_1 + 1) / 2) / (n_1 n_0), R_1 = rank sum of the positives
 *    (average ranks for ties) (Hanley & McNeil, Radiology 143 (1982) 29, eq. 2).
 */

export function wasserstein1(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) return NaN;
  const xa = Float64Array.from(a).sort();
  const xb = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let prev = Math.min(xa[0], xb[0]);
  let w = 0;
  while (i < xa.length || j < xb.length) {
    const next = j >= xb.length || (i < xa.length && xa[i] <= xb[j]) ? xa[i] : xb[j];
    w += Math.abs(i / xa.length - j / xb.length) * (next - prev);
    prev = next;
    if (j >= xb.length || (i < xa.length && xa[i] <= xb[j])) i++;
    else j++;
  }
  return w;
}

export function rocAuc(scores: readonly number[], labels: readonly number[]): number {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((p, q) => scores[p] - scores[q]);
  const rank = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]] === scores[idx[i]]) j++;
    for (let k = i; k <= j; k++) rank[idx[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let n1 = 0;
  let r1 = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] === 1) {
      n1++;
      r1 += rank[i];
    }
  }
  const n0 = n - n1;
  if (n1 === 0 || n0 === 0) return NaN;
  return (r1 - (n1 * (n1 + 1)) / 2) / (n1 * n0);
}
