/**
 * The IQA evaluation metrics in one call: SRCC (ties averaged), KRCC (tau-b), plain PLCC and PLCC after the
 * 4-parameter logistic mapping — what `perceptgraph iqa eval` prints per model. Undefined metrics come back as
 * NaN with a human-readable warning; this module never throws on data.
 */

import { kendallTauB, pearson, spearman, type NumericArray } from './correlation.js';
import { fitLogistic4, logistic4, type Logistic4Params } from './logistic-fit.js';

/** Metrics of predicted scores against subjective scores (MOS). All coefficients are in [-1, 1] or NaN. */
export interface CorrelationReport {
  /** Pairs used: those where both the prediction and the MOS are finite numbers. */
  readonly n: number;
  /** Spearman rank correlation, average ranks for ties. */
  readonly srcc: number;
  /** Kendall tau-b. */
  readonly krcc: number;
  /** Pearson correlation of the raw predictions ("PLCC without any correction", as pyiqa reports). */
  readonly plcc: number;
  /**
   * Pearson correlation of MOS with the logistic-mapped predictions (VQEG / LIQE protocol). The mapping follows
   * the sign of the relation, so this is ≥ 0 for a sensible fit even when predictions are anti-correlated.
   */
  readonly plccLogistic: number;
  /** RMSE between MOS and the logistic-mapped predictions, in MOS units; NaN when the fit is unavailable. */
  readonly rmseLogistic: number;
  /** Fitted [β1, β2, β3, β4], or null when no fit was made. */
  readonly logisticParams: Logistic4Params | null;
  /** Why a metric is NaN, or what was dropped/fallen back on; empty when everything was well defined. */
  readonly warnings: readonly string[];
}

// The logistic has 4 parameters: with fewer pairs it interpolates the data and PLCC is meaningless.
const MIN_PAIRS_LOGISTIC = 4;
// Relative SSE gain per step below which an unconverged fit counts as settled (PLCC moves < ~1e-6).
const PLATEAU = 1e-6;

/**
 * Computes {@link CorrelationReport} for predictions `pred` against labels `mos` (same order, same length).
 * Pairs with a non-finite value are dropped with a warning. Fewer than 2 pairs or a constant input gives NaN
 * coefficients with a warning; fewer than 4 pairs gives a NaN logistic PLCC with a warning.
 * @throws RangeError only when the two arrays differ in length (a caller bug, not a data problem).
 */
export function correlationReport(pred: NumericArray, mos: NumericArray): CorrelationReport {
  if (pred.length !== mos.length) {
    throw new RangeError(`correlationReport: ${pred.length} predictions but ${mos.length} MOS values`);
  }
  const warnings: string[] = [];
  const { x, y } = finitePairs(pred, mos, warnings);
  const n = x.length;
  const nanReport = { n, srcc: NaN, krcc: NaN, plcc: NaN, plccLogistic: NaN, rmseLogistic: NaN, logisticParams: null };
  if (n < 2) {
    warnings.push(`only ${n} valid pair(s): SRCC, KRCC and PLCC need at least 2`);
    return { ...nanReport, warnings };
  }
  const constant = [isConstant(x) && 'predictions', isConstant(y) && 'MOS values'].filter(Boolean);
  if (constant.length > 0) {
    warnings.push(`all ${constant.join(' and all ')} are equal (${n} pairs): correlations are undefined`);
    return { ...nanReport, warnings };
  }
  const base = { n, srcc: spearman(x, y), krcc: kendallTauB(x, y), plcc: pearson(x, y) };
  return { ...base, ...logisticPlcc(x, y, base.plcc, warnings), warnings };
}

function logisticPlcc(x: Float64Array, y: Float64Array, plain: number, warnings: string[]) {
  if (x.length < MIN_PAIRS_LOGISTIC) {
    warnings.push(`only ${x.length} pairs: the 4-parameter logistic PLCC needs at least ${MIN_PAIRS_LOGISTIC}`);
    return { plccLogistic: NaN, rmseLogistic: NaN, logisticParams: null };
  }
  const fit = fitLogistic4(x, y);
  const mapped = x.map((v) => logistic4(v, fit.params));
  const r = pearson(mapped, y);
  if (!Number.isFinite(r) || !fit.params.every(Number.isFinite)) {
    // As IQA papers do (docs/declip-iqa.md, "Metrics"): fall back to plain Pearson rather than report a diverged fit.
    warnings.push('the 4-parameter logistic fit did not give a usable mapping; plccLogistic falls back to |PLCC|');
    return { plccLogistic: Math.abs(plain), rmseLogistic: NaN, logisticParams: null };
  }
  // A plateaued fit (tiny last gain) is the normal outcome for near-linear data; only a fit still moving is news.
  if (!fit.converged && fit.lastImprovement > PLATEAU) {
    warnings.push(`the logistic fit stopped after ${fit.iterations} iterations while still improving`);
  }
  return { plccLogistic: r, rmseLogistic: Math.sqrt(fit.sse / x.length), logisticParams: fit.params };
}

function finitePairs(pred: NumericArray, mos: NumericArray, warnings: string[]) {
  const keep: number[] = [];
  for (let i = 0; i < pred.length; i++) if (Number.isFinite(pred[i]) && Number.isFinite(mos[i])) keep.push(i);
  const dropped = pred.length - keep.length;
  if (dropped > 0) warnings.push(`${dropped} pair(s) with a non-finite prediction or MOS were left out`);
  return {
    x: Float64Array.from(keep, (i) => pred[i]!),
    y: Float64Array.from(keep, (i) => mos[i]!),
  };
}

function isConstant(v: Float64Array): boolean {
  return v.every((e) => e === v[0]);
}
