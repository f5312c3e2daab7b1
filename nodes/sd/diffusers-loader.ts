/**
 * DiffusersLoader (ComfyUI's node of that name, in its `advanced/loaders/deprecated` category): an SD1.5 diffusers
 * folder with `.safetensors` weights from `<data>/models/diffusers` (ComfyUI's `models/diffusers`), converted to
 * ONNX graphs on first use and cached like a single-file checkpoint (docs/ldm-checkpoints.md, "Diffusers folders").
 * ComfyUI lists every folder under `models/diffusers` that holds a `model_index.json`, at any depth; we list the
 * folders directly inside it. Outputs MODEL, CLIP, VAE.
 */
import { combo } from '../../server/engine/inputs.js';
import { loadDiffusersCheckpoint } from '../../models/sd/ldm-checkpoint.js';
import { defineNode } from '../define-node.js';
import { storeWeightsFileNames } from '../model-runtime.js';
import type { NodeServices } from '../services.js';
import { checkpointOutputs } from './checkpoint-outputs.js';

export const diffusersLoaderNode = defineNode({
  type: 'DiffusersLoader',
  category: 'advanced/loaders/deprecated',
  displayName: 'DiffusersLoader',
  description:
    'Loads a Stable Diffusion 1.5 diffusers folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/ with .safetensors weights) from models/diffusers; converted to ONNX on first use and cached.',
  inputs: {
    required: {
      // The usable folders plus refused ones, so choosing one fails on this node naming what is wrong.
      model_path: combo((services?: NodeServices) => storeWeightsFileNames(services, 'diffusers')),
    },
  },
  outputs: checkpointOutputs,
  async run(ctx, inputs) {
    const { store, pool } = ctx.services.models;
    const manifest = store.resolve('diffusers', inputs.model_path);
    for (const w of manifest.warnings) ctx.log(`${inputs.model_path}: ${w}`);
    const ckpt = await loadDiffusersCheckpoint({
      files: manifest, folder: 'diffusers', cacheDir: ctx.services.dirs.cache, tokenizerRoots: store.foldersOf('tokenizers'), sessions: pool, signal: ctx.signal,
    });
    return { outputs: [ckpt.model, ckpt.clip, ckpt.vae] };
  },
});
