/** EmptyLatentImage: zeros [batch, 4, height/8, width/8] (txt2img's starting LATENT). */
import { int } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import { SD15_LATENT_FORMAT } from '../../models/sd/latent-format.js';
import { zeros, type Latent } from '../../models/tensors.js';
import { MAX_RESOLUTION } from '../limits.js';
import { LATENT } from '../socket-types.js';

export const emptyLatentImageNode = defineNode({
  type: 'EmptyLatentImage',
  category: 'latent',
  displayName: 'Empty Latent Image',
  description: 'Create a new batch of empty latent images to be denoised via sampling.',
  inputs: {
    required: {
      width: int({ default: 512, min: 16, max: MAX_RESOLUTION, step: 8, tooltip: 'The width of the latent images in pixels.' }),
      height: int({ default: 512, min: 16, max: MAX_RESOLUTION, step: 8, tooltip: 'The height of the latent images in pixels.' }),
      batch_size: int({ default: 1, min: 1, max: 4096, tooltip: 'The number of latent images in the batch.' }),
    },
  },
  outputs: [{ type: LATENT, name: 'LATENT', tooltip: 'The empty latent image batch.' }],
  run(_ctx, inputs) {
    const d = SD15_LATENT_FORMAT.downscale;
    const latent: Latent = {
      samples: zeros([inputs.batch_size, SD15_LATENT_FORMAT.channels, Math.floor(inputs.height / d), Math.floor(inputs.width / d)]),
    };
    return { outputs: [latent] };
  },
});
