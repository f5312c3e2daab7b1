/**
 * Held-out evaluation: image→text recall (R@1, R@5 against every held-out text of the head) and the validation
 * InfoNCE loss (over batches of the training batch size, so it is comparable with the training loss).
 */
import type { ModelSession } from '../../onnx/model-session.js';
import { HEADS, type HeadName, type ProjectorParams, type ProjectorShape } from './params.js';
import { projectEmbeddings, retrievalRows } from './session-ops.js';

/** Retrieval quality of one head on the held-out set. */
export interface HeadMetrics {
  /** Share of images whose own text ranks first, in [0, 1]. A duplicate of the right text ties, not misses. */
  readonly r1: number;
  /** Share ranked within the top five, in [0, 1]. */
  readonly r5: number;
  /** Mean InfoNCE (image→text) over validation batches. */
  readonly loss: number;
}

/** Both heads; `loss` is their sum, like the training loss. */
export interface HeldOutMetrics {
  readonly loss: number;
  readonly perceptual: HeadMetrics;
  readonly semantic: HeadMetrics;
}

/** Options of {@link evaluateHeldOut}. */
export interface EvaluateOptions {
  readonly embed: ModelSession;
  readonly retrieval: ModelSession;
  readonly shape: ProjectorShape;
  readonly params: ProjectorParams;
  /** Raw image embeddings [n,d] (one view per image). */
  readonly image: Float32Array;
  /** Normalised text embeddings [n,d] per head; row i belongs to image i. */
  readonly texts: Record<HeadName, Float32Array>;
  readonly batchSize: number;
  readonly signal?: AbortSignal;
}

/** Evaluates both heads on the held-out set. */
export async function evaluateHeldOut(o: EvaluateOptions): Promise<HeldOutMetrics> {
  const d = o.shape.embedDim;
  const n = o.image.length / d;
  const projected = await projectEmbeddings({ session: o.embed, shape: o.shape, params: o.params, image: o.image, signal: o.signal });
  const heads = {} as Record<HeadName, HeadMetrics>;
  for (const head of HEADS) {
    const all = await retrievalRows({ session: o.retrieval, dim: d, image: projected[head], positive: o.texts[head], candidates: o.texts[head], signal: o.signal });
    let lossSum = 0;
    for (let s = 0; s < n; s += o.batchSize) {
      const e = Math.min(n, s + o.batchSize);
      const part = (a: Float32Array) => a.subarray(s * d, e * d);
      const texts = part(o.texts[head]);
      const batch = await retrievalRows({ session: o.retrieval, dim: d, image: part(projected[head]), positive: texts, candidates: texts, signal: o.signal });
      lossSum += batch.nce.reduce((a, b) => a + b, 0);
    }
    heads[head] = { r1: recallAt(all.rank, 1), r5: recallAt(all.rank, 5), loss: lossSum / n };
  }
  return { loss: heads.perceptual.loss + heads.semantic.loss, ...heads };
}

/** Share of ranks below k. */
export function recallAt(rank: Float32Array, k: number): number {
  let hits = 0;
  for (const r of rank) if (r < k) hits++;
  return rank.length ? hits / rank.length : NaN;
}
