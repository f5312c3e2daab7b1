/** SplitEmbeds: EMBEDS → (perceptual EMBEDS, semantic EMBEDS), each carrying one part, so a graph routes each half on. */
import { socket } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import { embedPart, type ImageEmbeds } from '../../models/declip/types.js';
import { EMBEDS } from '../socket-types.js';

/** EMBEDS holding only `part`. */
function only(embeds: ImageEmbeds, part: 'perceptual' | 'semantic'): ImageEmbeds {
  return { modelKey: embeds.modelKey, dim: embeds.dim, count: embeds.count, [part]: embedPart(embeds, part) };
}

export const splitEmbedsNode = defineNode({
  type: 'SplitEmbeds',
  category: 'declip',
  displayName: 'Split Embeds',
  description: 'Splits DeCLIP embeddings into the perceptual half (look, quality) and the semantic half (content).',
  inputs: { required: { embeds: socket(EMBEDS) } },
  outputs: [
    { type: EMBEDS, name: 'perceptual' },
    { type: EMBEDS, name: 'semantic' },
  ],
  run(_ctx, { embeds }) {
    return { outputs: [only(embeds, 'perceptual'), only(embeds, 'semantic')] };
  },
});
