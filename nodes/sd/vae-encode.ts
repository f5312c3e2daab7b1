/** VAEEncode: IMAGE → LATENT (img2img with KSampler denoise < 1). */
import { socket } from '../../server/engine/inputs.js';
import { defineNode } from '../../server/engine/node-definition.js';
import type { SdVae } from '../../models/sd/types.js';
import { vaeEncode } from '../../models/sd/vae.js';
import type { ImageBatch } from '../../models/tensors.js';
import { modelRuntime } from '../model-runtime.js';

export const vaeEncodeNode = defineNode({
  type: 'VAEEncode',
  category: 'latent',
  displayName: 'VAE Encode',
  description: 'Encodes images into latent space (centre-cropped to multiples of 8).',
  inputs: {
    required: {
      pixels: socket<ImageBatch>('IMAGE'),
      vae: socket<SdVae>('VAE'),
    },
  },
  outputs: [{ type: 'LATENT', name: 'LATENT' }],
  async run(ctx, inputs) {
    const latent = await vaeEncode({ sessions: modelRuntime(ctx.services).pool, vae: inputs.vae, image: inputs.pixels, signal: ctx.signal });
    return { outputs: [latent] };
  },
});
