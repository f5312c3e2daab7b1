/** DeCLIPImageEncode: IMAGE → EMBEDS with the raw f_I, perceptual f_I(p) and semantic f_I(s) of every image. */
import { int, socket } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import type { DeclipModel } from '../../models/declip/declip-model.js';
import type { ImageBatch } from '../../models/tensors.js';
import { DECLIP, EMBEDS, IMAGE } from '../socket-types.js';

export const declipImageEncodeNode = defineNode({
  type: 'DeCLIPImageEncode',
  category: 'declip',
  displayName: 'DeCLIP Image Encode',
  description: 'Encodes each image of the batch with CLIP and both DeCLIP projectors: raw, perceptual and semantic embeddings [B, d].',
  inputs: {
    required: {
      declip: socket(DECLIP),
      image: socket(IMAGE),
      batch_size: int({ default: 16, min: 1, max: 1024, tooltip: 'images per encoder run' }),
    },
  },
  outputs: [{ type: EMBEDS, name: 'EMBEDS' }],
  async run(ctx, { declip, image, batch_size }) {
    const embeds = await declip.encodeImages(image, {
      batchSize: batch_size,
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress(done, total),
    });
    return { outputs: [embeds] };
  },
});
