/**
 * The quality gate (docs/declip-iqa.md): splits a batch into kept and rejected images by their scores. Every image ends up
 * in exactly one of the two, so nothing is dropped silently; an empty batch passes through.
 */
import type { ImageBatch } from '../tensors.js';
import type { Scores } from './types.js';

/** Gate modes: keep scores ≥ threshold; keep the k best (ranked); keep only the best one. */
export const GATE_MODES = ['threshold', 'top_k', 'best_of'] as const;
/** One of {@link GATE_MODES}. */
export type GateMode = (typeof GATE_MODES)[number];

/** Gate settings. */
export interface GateOptions {
  readonly mode: GateMode;
  /** For 'threshold': the lowest score kept (inclusive). */
  readonly threshold: number;
  /** For 'top_k': how many to keep (≥ 1). */
  readonly k: number;
}

/** Batch indices of the kept images (ranked for top_k/best_of, batch order for threshold) and the rest. */
export interface GateDecision {
  readonly kept: readonly number[];
  /** In batch order. */
  readonly rejected: readonly number[];
  /** Why images were rejected beyond the rule itself (non-finite scores). */
  readonly notes: readonly string[];
}

/**
 * Decides which images to keep. Non-finite scores are always rejected, with a note naming their indices.
 * Ties rank by batch order.
 */
export function gateDecision(values: readonly number[], o: GateOptions): GateDecision {
  const finite = values.map((_, i) => i).filter((i) => Number.isFinite(values[i]));
  const bad = values.map((_, i) => i).filter((i) => !Number.isFinite(values[i]));
  const notes = bad.length > 0 ? [`image(s) ${bad.join(', ')} have no finite score and were rejected`] : [];
  let kept: number[];
  if (o.mode === 'threshold') kept = finite.filter((i) => values[i]! >= o.threshold);
  else {
    const k = o.mode === 'best_of' ? 1 : Math.max(1, Math.floor(o.k));
    kept = [...finite].sort((a, b) => values[b]! - values[a]! || a - b).slice(0, k);
  }
  const keptSet = new Set(kept);
  return { kept, rejected: values.map((_, i) => i).filter((i) => !keptSet.has(i)), notes };
}

/** The images at `indices`, in that order: [indices.length, H, W, 3] (an empty batch keeps H and W). */
export function selectImages(images: ImageBatch, indices: readonly number[]): ImageBatch {
  const [, h, w, c] = images.dims;
  const per = h * w * c;
  const data = new Float32Array(indices.length * per);
  indices.forEach((src, dst) => data.set(images.data.subarray(src * per, (src + 1) * per), dst * per));
  return { data, dims: [indices.length, h, w, c] };
}

/** The scores (and attribute scores) at `indices`, relabelled. */
export function selectScores(scores: Scores, indices: readonly number[], label: string): Scores {
  const pick = (v: readonly number[]) => indices.map((i) => v[i]!);
  const attributes = scores.attributes
    ? Object.fromEntries(Object.entries(scores.attributes).map(([k, v]) => [k, pick(v)]))
    : undefined;
  return { ...scores, label, values: pick(scores.values), ...(attributes ? { attributes } : {}) };
}

/** Result of {@link applyGate}. */
export interface GateResult {
  readonly kept: ImageBatch;
  readonly rejected: ImageBatch;
  /** Scores of the kept images, in kept order. */
  readonly keptScores: Scores;
  readonly decision: GateDecision;
}

/**
 * Gates an IMAGE batch by its SCORES.
 * @throws Error when the number of scores differs from the number of images
 */
export function applyGate(images: ImageBatch, scores: Scores, o: GateOptions): GateResult {
  const n = images.dims[0];
  if (scores.values.length !== n) {
    throw new Error(`the SCORES hold ${scores.values.length} value(s) but the IMAGE batch has ${n} image(s); score the same batch you gate`);
  }
  const rule = o.mode === 'threshold' ? `score ≥ ${o.threshold}` : o.mode === 'top_k' ? `top ${o.k}` : 'best of batch';
  if (n === 0) {
    return { kept: images, rejected: images, keptScores: scores, decision: { kept: [], rejected: [], notes: ['empty batch passed through'] } };
  }
  const decision = gateDecision(scores.values, o);
  return {
    kept: selectImages(images, decision.kept),
    rejected: selectImages(images, decision.rejected),
    keptScores: selectScores(scores, decision.kept, `${scores.label}, kept by ${rule}`),
    decision,
  };
}
