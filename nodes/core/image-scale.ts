/**
 * ImageScale ("Upscale Image"): resizes an IMAGE batch to a given size (ComfyUI's node of the same name; see
 * `models/image/resize.ts` for how each method maps to sharp).
 */
import { combo, int, socket } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import { CROP_MODES, RESIZE_METHODS, resizeImage, targetSize } from '../../models/image/resize.js';
import type { ImageBatch } from '../../models/tensors.js';
import { MAX_RESOLUTION } from '../limits.js';
import { IMAGE } from '../socket-types.js';

export const imageScaleNode = defineNode({
  type: 'ImageScale',
  category: 'image/upscaling',
  displayName: 'Upscale Image',
  description: 'Resizes images to a width and height; a 0 side keeps the aspect ratio, center crop keeps the target aspect without stretching.',
  inputs: {
    required: {
      image: socket(IMAGE),
      upscale_method: combo(RESIZE_METHODS),
      width: int({ default: 512, min: 0, max: MAX_RESOLUTION, step: 1 }),
      height: int({ default: 512, min: 0, max: MAX_RESOLUTION, step: 1 }),
      crop: combo(CROP_MODES),
    },
  },
  outputs: [{ type: IMAGE, name: 'IMAGE' }],
  async run(ctx, inputs) {
    const { image } = inputs;
    const size = targetSize({ width: image.dims[2], height: image.dims[1] }, inputs.width, inputs.height);
    const out = await resizeImage(image, { ...size, method: inputs.upscale_method, crop: inputs.crop, signal: ctx.signal });
    return { outputs: [out] };
  },
});
