/** CheckpointLoaderONNX: an SD1.5 ONNX folder from `<data>/models/checkpoints` → MODEL, CLIP, VAE. */
import { combo } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import type { NodeServices } from '../services.js';
import { checkpointFromManifest } from '../../models/sd/checkpoint.js';
import { CKPT_NAME_TOOLTIP, checkpointOutputs } from './checkpoint-outputs.js';

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
      ckpt_name: combo(checkpointNames, { tooltip: CKPT_NAME_TOOLTIP }),
    },
  },
  outputs: checkpointOutputs,
  run(ctx, inputs) {
    const manifest = ctx.services.models.store.resolveCheckpoint(inputs.ckpt_name);
    for (const w of manifest.warnings) ctx.log(`${inputs.ckpt_name}: ${w}`);
    const { model, clip, vae } = checkpointFromManifest(manifest);
    return { outputs: [model, clip, vae] };
  },
});
