/**
 * CheckpointLoaderSimple (ComfyUI's "Load Checkpoint"): a single-file SD1.5 `.safetensors` checkpoint from
 * `<data>/models/checkpoints`, converted to ONNX graphs on first use and cached (docs/ldm-checkpoints.md), a
 * diffusers folder with `.safetensors` weights from the same list (converted the same way; ComfyUI lists only
 * files here, we also list these folders so a downloaded repo needs no move), or an SD1.5 ONNX folder.
 * Outputs MODEL, CLIP, VAE.
 */
import { combo } from '../../server/engine/inputs.js';
import { checkpointFromManifest } from '../../models/sd/checkpoint.js';
import { loadDiffusersCheckpoint, loadLdmCheckpoint } from '../../models/sd/ldm-checkpoint.js';
import { defineNode } from '../define-node.js';
import { storeWeightsFileNames } from '../model-runtime.js';
import type { NodeServices } from '../services.js';
import { CKPT_NAME_TOOLTIP, checkpointOutputs } from './checkpoint-outputs.js';

/** The usable checkpoints plus refused diffusers folders, so choosing one fails on this node naming what is wrong. */
function checkpointNames(services?: NodeServices): readonly string[] {
  return storeWeightsFileNames(services, 'checkpoints');
}

export const checkpointLoaderSimpleNode = defineNode({
  type: 'CheckpointLoaderSimple',
  category: 'loaders',
  displayName: 'Load Checkpoint',
  description:
    'Loads a Stable Diffusion 1.5 checkpoint from models/checkpoints: a single .safetensors file or a diffusers folder of .safetensors weights (converted to ONNX on first use and cached), or an ONNX folder.',
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
    const common = { cacheDir: ctx.services.dirs.cache, tokenizerRoots: store.foldersOf('tokenizers'), sessions: pool, signal: ctx.signal };
    const ckpt = manifest.format === 'onnx-folder'
      ? checkpointFromManifest(manifest)
      : manifest.format === 'diffusers-safetensors'
        ? await loadDiffusersCheckpoint({ ...common, files: manifest, folder: 'checkpoints' })
        : await loadLdmCheckpoint({ ...common, name: manifest.name, file: manifest.file });
    return { outputs: [ckpt.model, ckpt.clip, ckpt.vae] };
  },
});
