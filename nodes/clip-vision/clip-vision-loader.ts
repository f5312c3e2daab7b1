/** CLIPVisionLoader (ComfyUI's "Load CLIP Vision"): an image encoder from `<data>/models/clip_vision` → CLIP_VISION. */
import { combo } from '../../server/engine/inputs.js';
import { openClipVision } from '../../models/clip/clip-vision.js';
import { defineNode } from '../define-node.js';
import { storeWeightsFileNames } from '../model-runtime.js';
import type { NodeServices } from '../services.js';
import { CLIP_VISION } from '../socket-types.js';

export const clipVisionLoaderNode = defineNode({
  type: 'CLIPVisionLoader',
  category: 'loaders',
  displayName: 'Load CLIP Vision',
  description: 'Loads a CLIP image encoder from models/clip_vision: a .safetensors file in the Hugging Face or OpenCLIP layout '
    + '(e.g. CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors; converted to ONNX on first use and cached) or an ONNX folder.',
  inputs: {
    required: {
      clip_name: combo((services?: NodeServices) => storeWeightsFileNames(services, 'clip_vision')),
    },
  },
  outputs: [{ type: CLIP_VISION, name: 'CLIP_VISION' }],
  async run(ctx, inputs) {
    const { models, dirs } = ctx.services;
    const manifest = models.store.resolveClipVision(inputs.clip_name);
    const vision = await openClipVision({ pool: models.pool, manifest, cacheDir: dirs.cache, signal: ctx.signal });
    return { outputs: [vision] };
  },
});
