/** CLIPTextEncode: a prompt → CONDITIONING, with ComfyUI's 75-token windows for long prompts. */
import { socket, string } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import { encodePrompt } from '../../models/sd/text-encoder.js';
import type { Conditioning, SdClip } from '../../models/sd/types.js';
import { CLIP, CONDITIONING } from '../socket-types.js';

export const clipTextEncodeNode = defineNode({
  type: 'CLIPTextEncode',
  category: 'conditioning',
  displayName: 'CLIP Text Encode (Prompt)',
  description:
    'Encodes a text prompt using a CLIP model into an embedding that can be used to guide the diffusion model towards generating specific images. Prompts over 75 tokens are split into 75-token chunks and concatenated.',
  inputs: {
    required: {
      text: string({ multiline: true, dynamicPrompts: true, tooltip: 'The text to be encoded.' }),
      clip: socket(CLIP, { tooltip: 'The CLIP model used for encoding the text.' }),
    },
  },
  outputs: [{ type: CONDITIONING, name: 'CONDITIONING', tooltip: 'A conditioning containing the embedded text used to guide the diffusion model.' }],
  async run(ctx, inputs) {
    const entry = await encodePrompt({ sessions: ctx.services.models.pool, clip: inputs.clip, text: inputs.text, signal: ctx.signal });
    const conditioning: Conditioning = [entry];
    return { outputs: [conditioning] };
  },
});
