/**
 * Rank and linear correlation coefficients as IQA papers compute them (see
 * docs/declip-iqa.md, "Metrics"). Inputs are plain number arrays of equal length; every function
 * returns NaN (never throws) when the coefficient is undefined: fewer than 2 pairs or a constant input.
 */

/** Any readable sequence of numbers (number[], Float32Array, Float64Array…). */
export type NumericArray = ArrayLike<number>;

/** True when one of the first `n` values is NaN. */
function hasNaN(values: NumericArray, n: number): boolean {
  for (let i = 0; i < n; i++) if (Number.isNaN(values[i])) return true;
  return false;
}

/**
 * Average (fractional) ranks, 1-based: tied values share the mean of the positions they occupy, as
 * scipy.stats.rankdata and pandas `Series.rank()` do by default. `[10, 20, 20, 30]` → `[1, 2.5, 2.5, 4]`.
 * With a NaN anywhere every rank is NaN, as scipy.stats.rankdata (NaN would otherwise break the sort's comparator).
 * @returns Float64Array of the same length as `values`.
 */
export function averageRanks(values: NumericArray): Float64Array {
  const n = values.length;
  if (hasNaN(values, n)) return new Float64Array(n).fill(NaN);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    // Positions start..end-1 (0-based) hold equal values; their 1-based ranks average to (start+1 + end) / 2.
    const shared = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = shared;
    start = end;
  }
  return ranks;
}

/**
 * Pearson's linear correlation r = Σ(x−x̄)(y−ȳ) / sqrt(Σ(x−x̄)²·Σ(y−ȳ)²), in [-1, 1].
 * NaN when n < 2 or either input is constant. Sums run in float64 whatever the input type.
 */
export function pearson(x: NumericArray, y: NumericArray): number {
  const n = Math.min(x.length, y.length);
  if (n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  // Clamp: rounding can push |r| a hair above 1 for perfectly (anti)correlated data.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/**
 * Spearman's rank correlation with ties handled exactly: Pearson on average ranks (not the 1 − 6Σd²/(n(n²−1))
 * shortcut, which is only exact without ties). NaN when n < 2, either input is constant or holds a NaN.
 */
export function spearman(x: NumericArray, y: NumericArray): number {
  return pearson(averageRanks(x), averageRanks(y));
}

/**
 * Kendall's tau-b (scipy.stats.kendalltau's default): (P − Q) / sqrt((P + Q + T)·(P + Q + U)), where P/Q count
 * concordant/discordant pairs, T pairs tied only in x and U pairs tied only in y; pairs tied in both count in
 * neither. O(n²), which is fine for IQA sets (KonIQ's 10k images ≈ 5·10⁷ pairs).
 * NaN when n < 2, either input is constant or holds a NaN (Math.sign(NaN) would count as neither tie nor order).
 */
export function kendallTauB(x: NumericArray, y: NumericArray): number {
  const n = Math.min(x.length, y.length);
  if (hasNaN(x, n) || hasNaN(y, n)) return NaN;
  let concordant = 0;
  let discordant = 0;
  let tiesXOnly = 0;
  let tiesYOnly = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    for (let j = i + 1; j < n; j++) {
      const sx = Math.sign(x[j]! - xi);
      const sy = Math.sign(y[j]! - yi);
      if (sx === 0 && sy === 0) continue;
      if (sx === 0) tiesXOnly++;
      else if (sy === 0) tiesYOnly++;
      else if (sx === sy) concordant++;
      else discordant++;
    }
  }
  const denom = Math.sqrt((concordant + discordant + tiesXOnly) * (concordant + discordant + tiesYOnly));
  if (!(denom > 0)) return NaN;
  return (concordant - discordant) / denom;
}
