/** VAEDecode: LATENT → IMAGE, one image at a time. */
import { socket } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import type { SdVae } from '../../models/sd/types.js';
import { vaeDecode } from '../../models/sd/vae.js';
import type { Latent } from '../../models/tensors.js';
import { IMAGE, LATENT, VAE } from '../socket-types.js';

export const vaeDecodeNode = defineNode({
  type: 'VAEDecode',
  category: 'latent',
  displayName: 'VAE Decode',
  description: 'Decodes latent images back into pixel space images.',
  inputs: {
    required: {
      samples: socket(LATENT, { tooltip: 'The latent to be decoded.' }),
      vae: socket(VAE, { tooltip: 'The VAE model used for decoding the latent.' }),
    },
  },
  outputs: [{ type: IMAGE, name: 'IMAGE', tooltip: 'The decoded image.' }],
  async run(ctx, inputs) {
    const image = await vaeDecode({ sessions: ctx.services.models.pool, vae: inputs.vae, latent: inputs.samples, signal: ctx.signal });
    return { outputs: [image] };
  },
});
