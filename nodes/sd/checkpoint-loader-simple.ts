/**
 * CheckpointLoaderSimple (ComfyUI's "Load Checkpoint"): a single-file SD1.5 `.safetensors` checkpoint from
 * `<data>/models/checkpoints`, converted to ONNX graphs on first use and cached (docs/ldm-checkpoints.md), or an
 * SD1.5 ONNX folder from the same list. Outputs MODEL, CLIP, VAE.
 */
import { combo } from '../../server/engine/inputs.js';
import { checkpointFromManifest } from '../../models/sd/checkpoint.js';
import { loadLdmCheckpoint } from '../../models/sd/ldm-checkpoint.js';
import { defineNode } from '../define-node.js';
import { storeNames } from '../model-runtime.js';
import type { NodeServices } from '../services.js';
import { CKPT_NAME_TOOLTIP, checkpointOutputs } from './checkpoint-outputs.js';

function checkpointNames(services?: NodeServices): readonly string[] {
  return storeNames(services, 'checkpoints');
}

export const checkpointLoaderSimpleNode = defineNode({
  type: 'CheckpointLoaderSimple',
  category: 'loaders',
  displayName: 'Load Checkpoint',
  description:
    'Loads a Stable Diffusion 1.5 checkpoint from models/checkpoints: a single .safetensors file (converted to ONNX on first use and cached) or an ONNX folder.',
  inputs: {
    required: {
      ckpt_name: combo(checkpointNames, { tooltip: CKPT_NAME_TOOLTIP }),
    },
  },
  outputs: checkpointOutputs,
  async run(ctx, inputs) {
    const { store, pool } = ctx.services.models;
    const manifest = store.resolve('checkpoints', inputs.ckpt_name);
    for (const w of manifest.warnings) ctx.log(`${inputs.ckpt_name}: ${w}`);
    const ckpt = manifest.format === 'onnx-folder'
      ? checkpointFromManifest(manifest)
      : await loadLdmCheckpoint({
        name: manifest.name, file: manifest.file, cacheDir: ctx.services.dirs.cache, tokenizerRoots: store.foldersOf('tokenizers'), sessions: pool, signal: ctx.signal,
      });
    return { outputs: [ckpt.model, ckpt.clip, ckpt.vae] };
  },
});
