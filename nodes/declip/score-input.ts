/**
 * Inputs shared by the scoring nodes (QualityScore, AttributeScores, GatedGenerate): the embedding space, the
 * logit scale with its one default, and the "IMAGE or EMBEDS" pair of which exactly one must be connected.
 */
import { combo, float } from '../../server/engine/inputs.js';
import type { NodeCtx } from '../define-node.js';
import { SCORE_SPACES } from '../../models/iqa/iqa-scoring.js';
import { DEFAULT_LOGIT_SCALE } from '../../models/declip/zero-shot.js';
import type { DeclipModel } from '../../models/declip/declip-model.js';
import type { ImageEmbeds } from '../../models/declip/types.js';
import type { ImageBatch } from '../../models/tensors.js';

/** The `space` combo: which embedding is scored (perceptual by default). */
export const spaceInput = (tooltip?: string) => combo(SCORE_SPACES, { default: 'perceptual', tooltip });

/** The `logit_scale` float: the k (1/T) of DeCLIP eq. 8, default {@link DEFAULT_LOGIT_SCALE}. */
export const logitScaleInput = (tooltip?: string) => float({ default: DEFAULT_LOGIT_SCALE, min: 0.01, max: 1000, step: 0.01, tooltip });

/** The embeddings to score: `embeds` as given, or `image` encoded with `declip`. */
export async function embedsToScore(
  ctx: NodeCtx,
  o: { declip: DeclipModel; image?: ImageBatch; embeds?: ImageEmbeds },
): Promise<ImageEmbeds> {
  if (o.image && o.embeds) throw new Error('connect either image or embeds, not both: it is ambiguous which one to score');
  if (o.embeds) return o.embeds;
  if (!o.image) throw new Error('nothing to score: connect an IMAGE to "image" or EMBEDS to "embeds"');
  return o.declip.encodeImages(o.image, { signal: ctx.signal, onProgress: (done, total) => ctx.progress(done, total) });
}
