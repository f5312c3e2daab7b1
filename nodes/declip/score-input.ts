/** The "IMAGE or EMBEDS" input of the scoring nodes: exactly one of the two must be connected. */
import type { NodeContext } from '../../server/engine/node-definition.js';
import type { DeclipModel } from '../../models/declip/declip-model.js';
import type { ImageEmbeds } from '../../models/declip/types.js';
import type { ImageBatch } from '../../models/tensors.js';

/** The embeddings to score: `embeds` as given, or `image` encoded with `declip`. */
export async function embedsToScore(
  ctx: NodeContext,
  o: { declip: DeclipModel; image?: ImageBatch; embeds?: ImageEmbeds },
): Promise<ImageEmbeds> {
  if (o.image && o.embeds) throw new Error('connect either image or embeds, not both: it is ambiguous which one to score');
  if (o.embeds) return o.embeds;
  if (!o.image) throw new Error('nothing to score: connect an IMAGE to "image" or EMBEDS to "embeds"');
  return o.declip.encodeImages(o.image, { signal: ctx.signal, onProgress: (done, total) => ctx.progress(done, total) });
}
