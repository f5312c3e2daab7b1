/** CLIPVisionEncode (ComfyUI's node of that name): CLIP_VISION + IMAGE → CLIP_VISION_OUTPUT. */
import { combo, socket } from '../../server/engine/inputs.js';
import { CLIP_VISION_CROPS } from '../../models/clip/clip-vision.js';
import { defineNode } from '../define-node.js';
import { CLIP_VISION, CLIP_VISION_OUTPUT, IMAGE } from '../socket-types.js';

export const clipVisionEncodeNode = defineNode({
  type: 'CLIPVisionEncode',
  category: 'conditioning',
  displayName: 'CLIP Vision Encode',
  description: 'Encodes images with a CLIP image encoder: image_embeds, last_hidden_state and penultimate_hidden_states.',
  inputs: {
    required: {
      clip_vision: socket(CLIP_VISION),
      image: socket(IMAGE),
      crop: combo(CLIP_VISION_CROPS, { default: 'center', tooltip: 'center: resize the short side and crop; none: resize to the square' }),
    },
  },
  outputs: [{ type: CLIP_VISION_OUTPUT, name: 'CLIP_VISION_OUTPUT' }],
  async run(ctx, inputs) {
    const out = await inputs.clip_vision.encode(inputs.image, { crop: inputs.crop, signal: ctx.signal });
    return { outputs: [out] };
  },
});
