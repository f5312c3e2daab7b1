/**
 * CLIPSetLastLayer: ComfyUI's "CLIP skip". −1 uses the last layer, −2 the one before it, and so on; the chosen
 * layer's hidden states go through the final LayerNorm, as ComfyUI does for SD1.5.
 */
import { int, socket } from '../../server/engine/inputs.js';
import { clipStoppedAt } from '../../models/sd/ldm-checkpoint.js';
import { defineNode } from '../define-node.js';
import { CLIP } from '../socket-types.js';

export const clipSetLastLayerNode = defineNode({
  type: 'CLIPSetLastLayer',
  category: 'conditioning',
  displayName: 'CLIP Set Last Layer',
  description: 'Makes the CLIP text encoder stop at an earlier layer (CLIP skip); needs a text encoder from a .safetensors checkpoint for values below −1.',
  inputs: {
    required: {
      clip: socket(CLIP),
      stop_at_clip_layer: int({ default: -1, min: -24, max: -1, step: 1 }),
    },
  },
  outputs: [{ type: CLIP, name: 'CLIP' }],
  async run(_ctx, inputs) {
    return { outputs: [await clipStoppedAt(inputs.clip, inputs.stop_at_clip_layer)] };
  },
});
