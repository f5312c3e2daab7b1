/** VAELoader (ComfyUI's "Load VAE"): a standalone AutoencoderKL `.safetensors` file from `<data>/models/vae`. */
import { combo } from '../../server/engine/inputs.js';
import { loadLdmVae } from '../../models/sd/ldm-checkpoint.js';
import { defineNode } from '../define-node.js';
import { storeNames } from '../model-runtime.js';
import type { NodeServices } from '../services.js';
import { VAE } from '../socket-types.js';

function vaeNames(services?: NodeServices): readonly string[] {
  return storeNames(services, 'vae');
}

export const vaeLoaderNode = defineNode({
  type: 'VAELoader',
  category: 'loaders',
  displayName: 'Load VAE',
  description: 'Loads an SD1.5 VAE (.safetensors, e.g. vae-ft-mse-840000-ema-pruned) from models/vae; converted to ONNX on first use and cached.',
  inputs: {
    required: {
      vae_name: combo(vaeNames),
    },
  },
  outputs: [{ type: VAE, name: 'VAE' }],
  async run(ctx, inputs) {
    const m = ctx.services.models.store.resolveVae(inputs.vae_name);
    const vae = await loadLdmVae({ name: m.name, file: m.file, cacheDir: ctx.services.dirs.cache, signal: ctx.signal });
    return { outputs: [vae] };
  },
});
