/** VAEEncode: IMAGE → LATENT (img2img with KSampler denoise < 1). */
import { socket } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import type { SdVae } from '../../models/sd/types.js';
import { vaeEncode } from '../../models/sd/vae.js';
import type { ImageBatch } from '../../models/tensors.js';
import { IMAGE, LATENT, VAE } from '../socket-types.js';

export const vaeEncodeNode = defineNode({
  type: 'VAEEncode',
  category: 'latent',
  displayName: 'VAE Encode',
  description: 'Encodes images into latent space (centre-cropped to multiples of 8).',
  inputs: {
    required: {
      pixels: socket(IMAGE),
      vae: socket(VAE),
    },
  },
  outputs: [{ type: LATENT, name: 'LATENT' }],
  async run(ctx, inputs) {
    const latent = await vaeEncode({ sessions: ctx.services.models.pool, vae: inputs.vae, image: inputs.pixels, signal: ctx.signal });
    return { outputs: [latent] };
  },
});
