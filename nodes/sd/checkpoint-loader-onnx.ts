/** CheckpointLoaderONNX: an SD1.5 ONNX folder from `<data>/models/checkpoints` → MODEL, CLIP, VAE. */
import { combo } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import type { NodeServices } from '../services.js';
import { checkpointFromManifest } from '../../models/sd/checkpoint.js';
import { CLIP, MODEL, VAE } from '../socket-types.js';

/** Usable checkpoint folders; empty when the runtime is absent (listing must never throw). */
function checkpointNames(services?: NodeServices): readonly string[] {
  if (!services) return [];
  return services.models.store.listModels('checkpoints').filter((e) => e.ok && e.manifest.format === 'onnx-folder').map((e) => e.name);
}

export const checkpointLoaderOnnxNode = defineNode({
  type: 'CheckpointLoaderONNX',
  category: 'loaders',
  displayName: 'Load Checkpoint (ONNX)',
  description:
    'Loads a Stable Diffusion 1.5 ONNX folder (diffusers/optimum layout: text_encoder/, unet/, vae_decoder/, optional vae_encoder/ and unet_ip/) from models/checkpoints.',
  inputs: {
    required: {
      ckpt_name: combo(checkpointNames, { tooltip: 'The name of the checkpoint (model) to load.' }),
    },
  },
  outputs: [
    { type: MODEL, name: 'MODEL', tooltip: 'The model used for denoising latents.' },
    { type: CLIP, name: 'CLIP', tooltip: 'The CLIP model used for encoding text prompts.' },
    { type: VAE, name: 'VAE', tooltip: 'The VAE model used for encoding and decoding images to and from latent space.' },
  ],
  run(ctx, inputs) {
    const manifest = ctx.services.models.store.resolveCheckpoint(inputs.ckpt_name);
    for (const w of manifest.warnings) ctx.log(`${inputs.ckpt_name}: ${w}`);
    const { model, clip, vae } = checkpointFromManifest(manifest);
    return { outputs: [model, clip, vae] };
  },
});
