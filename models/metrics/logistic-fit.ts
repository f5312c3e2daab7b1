/**
 * The VQEG-style 4-parameter logistic mapping applied before PLCC (LIQE, pyiqa `logistic_4params`; reference
 * docs/declip-iqa.md, "Metrics"), fitted by Levenberg–Marquardt least squares:
 *
 *   f(x) = (β1 − β2) / (1 + exp(−(x − β3) / |β4|)) + β2
 *
 * The fit runs on z-scored predictions so exp() cannot overflow whatever the scale of the scores (CLIP scores
 * near 0.5 ± 0.01 or logits in the hundreds alike), then maps β3, β4 back to the original x scale.
 */

import type { NumericArray } from './correlation.js';

/** [β1, β2, β3, β4] of the 4-parameter logistic: upper/lower asymptote (MOS units), centre and width (x units). */
export type Logistic4Params = readonly [number, number, number, number];

/** Outcome of {@link fitLogistic4}. */
export interface Logistic4Fit {
  /** Fitted parameters on the original x scale; β4 is reported as |β4| (> 0). */
  readonly params: Logistic4Params;
  /** Sum of squared residuals Σ(y − f(x))² at the returned parameters. */
  readonly sse: number;
  /** Levenberg–Marquardt iterations used. */
  readonly iterations: number;
  /** True when the relative SSE change or step size fell below tolerance before `maxIterations`. */
  readonly converged: boolean;
  /**
   * Relative SSE decrease of the last accepted step. Near-linear data put the optimum at infinity (β1 → ∞,
   * β4 → ∞ mimics a line), where LM creeps on with tiny gains: a small value here means the fit has plateaued
   * even when `converged` is false.
   */
  readonly lastImprovement: number;
}

/** Options of {@link fitLogistic4}; the defaults suit every IQA set size we know (n from 4 to ~250k). */
export interface Logistic4FitOptions {
  /** Iteration cap (default 500). */
  readonly maxIterations?: number;
  /** Stop when the SSE improves by less than this fraction (default 1e-10). */
  readonly tolerance?: number;
}

const defaults = { maxIterations: 500, tolerance: 1e-10 } satisfies Required<Logistic4FitOptions>;

// A floor for |β4| so a step that drives the width to 0 gives a step function instead of a division by zero.
const MIN_WIDTH = 1e-9;

/** Evaluates f(x) for one x. */
export function logistic4(x: number, params: Logistic4Params): number {
  const [b1, b2, b3, b4] = params;
  const width = Math.max(Math.abs(b4), MIN_WIDTH);
  return (b1 - b2) / (1 + Math.exp(-(x - b3) / width)) + b2;
}

/**
 * Fits the 4-parameter logistic to (x, y) pairs. Initialisation follows LIQE — β = [max y, min y, mean x, std x]
 * (in z units: [max y, min y, 0, 1]) — except that the asymptotes are swapped when x and y are anti-correlated,
 * so DMOS-style labels start on the right side of the valley instead of having to cross it.
 * Never throws; with degenerate data (n < 4, constant x) the result may be non-finite and callers decide.
 */
export function fitLogistic4(x: NumericArray, y: NumericArray, options: Logistic4FitOptions = {}): Logistic4Fit {
  const { maxIterations, tolerance } = { ...defaults, ...options };
  const n = Math.min(x.length, y.length);
  const { mean, std } = meanStd(x, n);
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = (x[i]! - mean) / (std || 1);
  const ys = Float64Array.from({ length: n }, (_, i) => y[i]!);
  let yMax = -Infinity;
  let yMin = Infinity;
  for (const v of ys) {
    yMax = Math.max(yMax, v);
    yMin = Math.min(yMin, v);
  }
  const increasing = slopeSign(z, ys) >= 0;
  let beta: number[] = increasing ? [yMax, yMin, 0, 1] : [yMin, yMax, 0, 1];
  let sse = sumSquares(z, ys, beta);
  let lambda = 1e-3;
  let iterations = 0;
  let converged = false;
  let lastImprovement = Infinity;
  while (iterations < maxIterations && !converged) {
    iterations++;
    const { jtj, jtr } = normalEquations(z, ys, beta);
    let accepted = false;
    // Raise λ until a step lowers the SSE (or λ explodes, meaning we sit at a minimum).
    while (!accepted && lambda < 1e16) {
      const step = solveDamped(jtj, jtr, lambda);
      const trial = step ? beta.map((b, k) => b + step[k]!) : beta;
      const trialSse = step ? sumSquares(z, ys, trial) : NaN;
      if (Number.isFinite(trialSse) && trialSse <= sse) {
        const improvement = (sse - trialSse) / Math.max(sse, Number.MIN_VALUE);
        lastImprovement = improvement;
        const stepSize = Math.hypot(...step!);
        beta = trial;
        sse = trialSse;
        lambda = Math.max(lambda / 10, 1e-12);
        accepted = true;
        converged = improvement < tolerance || stepSize < 1e-12 || sse === 0;
      } else {
        lambda *= 10;
      }
    }
    if (!accepted) converged = true;
  }
  const s = std || 1;
  const params: Logistic4Params = [beta[0]!, beta[1]!, mean + s * beta[2]!, s * Math.max(Math.abs(beta[3]!), MIN_WIDTH)];
  return { params, sse, iterations, converged, lastImprovement };
}

function meanStd(x: NumericArray, n: number): { mean: number; std: number } {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n || 1;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(v / (n || 1)) };
}

function slopeSign(z: Float64Array, y: Float64Array): number {
  let my = 0;
  for (const v of y) my += v;
  my /= y.length || 1;
  let s = 0;
  for (let i = 0; i < z.length; i++) s += z[i]! * (y[i]! - my);
  return Math.sign(s);
}

function sumSquares(z: Float64Array, y: Float64Array, beta: readonly number[]): number {
  const p = beta as unknown as Logistic4Params;
  let s = 0;
  for (let i = 0; i < z.length; i++) s += (y[i]! - logistic4(z[i]!, p)) ** 2;
  return s;
}

/** JᵀJ (4×4, row-major) and Jᵀr for residuals r = y − f(z), with the analytic Jacobian of f. */
function normalEquations(z: Float64Array, y: Float64Array, beta: readonly number[]) {
  const [b1, b2, b3, b4] = beta as [number, number, number, number];
  const width = Math.max(Math.abs(b4), MIN_WIDTH);
  const sign = b4 < 0 ? -1 : 1;
  const jtj = new Float64Array(16);
  const jtr = new Float64Array(4);
  const row = new Float64Array(4);
  for (let i = 0; i < z.length; i++) {
    const u = (z[i]! - b3) / width;
    const g = 1 / (1 + Math.exp(-u));
    const dg = g * (1 - g);
    row[0] = g;
    row[1] = 1 - g;
    row[2] = (-(b1 - b2) * dg) / width;
    row[3] = (-(b1 - b2) * dg * u * sign) / width;
    const r = y[i]! - ((b1 - b2) * g + b2);
    for (let a = 0; a < 4; a++) {
      jtr[a] += row[a]! * r;
      for (let b = 0; b < 4; b++) jtj[a * 4 + b] += row[a]! * row[b]!;
    }
  }
  return { jtj, jtr };
}

/** Solves (JᵀJ + λ·diag(JᵀJ)) δ = Jᵀr by Gaussian elimination with partial pivoting; null if singular. */
function solveDamped(jtj: Float64Array, jtr: Float64Array, lambda: number): number[] | null {
  let maxDiag = 0;
  for (let k = 0; k < 4; k++) maxDiag = Math.max(maxDiag, jtj[k * 5]!);
  // Marquardt's diagonal scaling, floored so a parameter with zero sensitivity (β1 = β2 flattens β3, β4)
  // still gets a damped, finite step.
  const floor = Math.max(maxDiag * 1e-9, 1e-300);
  const a = Array.from({ length: 4 }, (_, r) => [
    ...Array.from({ length: 4 }, (_, c) => jtj[r * 4 + c]! + (r === c ? lambda * Math.max(jtj[r * 5]!, floor) : 0)),
    jtr[r]!,
  ]);
  for (let col = 0; col < 4; col++) {
    let pivot = col;
    for (let r = col + 1; r < 4; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (!(Math.abs(a[pivot]![col]!) > 0)) return null;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let r = col + 1; r < 4; r++) {
      const f = a[r]![col]! / a[col]![col]!;
      for (let c = col; c < 5; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  const out = [0, 0, 0, 0];
  for (let r = 3; r >= 0; r--) {
    let s = a[r]![4]!;
    for (let c = r + 1; c < 4; c++) s -= a[r]![c]! * out[c]!;
    out[r] = s / a[r]![r]!;
  }
  return out.every(Number.isFinite) ? out : null;
}
