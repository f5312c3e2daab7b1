/**
 * The Beta(a, b) distribution's CDF and inverse CDF, which the `beta` scheduler needs (ComfyUI calls
 * `scipy.stats.beta.ppf`). Written from the textbook formulas: the regularized incomplete beta function as a
 * continued fraction (DLMF 8.17.22, evaluated with the modified Lentz method) and the inverse by bisection,
 * which is slow-ish but monotone and accurate to ~1e-15 in x.
 */

// Lanczos approximation of Γ with g = 7 and 9 terms (accurate to ~1e-15 for positive arguments).
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(z) for z > 0. */
export function logGamma(z: number): number {
  if (z < 0.5) {
    // Reflection: Γ(z)Γ(1−z) = π / sin(πz).
    return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  }
  const zz = z - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (zz + i);
  const t = zz + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (zz + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The continued fraction of I_x(a, b), valid (fast-converging) for x < (a+1)/(a+b+2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 1000; m++) {
    // Even term d_{2m}, then odd term d_{2m+1}.
    for (const num of [
      (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)),
      (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1)),
    ]) {
      d = 1 + num * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      f *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-16) break;
  }
  return f;
}

/** The regularized incomplete beta function I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b); a, b > 0, x ∈ [0, 1]. */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - (logGamma(a) + logGamma(b) - logGamma(a + b));
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  // Symmetry I_x(a, b) = 1 − I_{1−x}(b, a) keeps the fraction in its fast region.
  return 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/** The inverse CDF (percent point function) of Beta(a, b): the x with I_x(a, b) = p, for p ∈ [0, 1]. */
export function betaPpf(p: number, a: number, b: number): number {
  if (!(p >= 0 && p <= 1)) throw new Error(`betaPpf: probability must be in [0, 1], got ${p}`);
  if (p === 0) return 0;
  if (p === 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-17; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (betaCdf(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
