/**
 * ImageBatch ("Batch Images"): concatenates two IMAGE batches. As in ComfyUI, image2 is first resized to
 * image1's size (bilinear, center crop) when the sizes differ.
 */
import { socket } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import { resizeImage } from '../../models/image/resize.js';
import { concatBatch, type ImageBatch } from '../../models/tensors.js';
import { IMAGE } from '../socket-types.js';

export const imageBatchNode = defineNode({
  type: 'ImageBatch',
  category: 'image',
  displayName: 'Batch Images',
  description: "Joins two image batches into one; image2 is resized and center-cropped to image1's size when they differ.",
  inputs: {
    required: {
      image1: socket(IMAGE),
      image2: socket(IMAGE),
    },
  },
  outputs: [{ type: IMAGE, name: 'IMAGE' }],
  async run(ctx, inputs) {
    const { image1 } = inputs;
    const [, height, width] = image1.dims;
    const image2 = await resizeImage(inputs.image2, { width, height, method: 'bilinear', crop: 'center', signal: ctx.signal });
    return { outputs: [concatBatch([image1, image2])] };
  },
});
