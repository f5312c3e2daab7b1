/**
 * SaveImage: writes an IMAGE batch to output/ as `<prefix>_<counter:05>_.png`, with the prompt and workflow as
 * PNG tEXt chunks (ComfyUI's node of the same name).
 */
import { socket, string } from '../../server/engine/inputs.js';
import { defineNode } from '../../server/engine/node-definition.js';
import { saveImageBatch } from '../../models/image/save-images.js';
import type { ImageBatch } from '../../models/tensors.js';

export const saveImageNode = defineNode({
  type: 'SaveImage',
  category: 'image',
  displayName: 'Save Image',
  description: 'Saves the input images to your ComfyUI output directory.',
  inputs: {
    required: {
      images: socket<ImageBatch>('IMAGE', { tooltip: 'The images to save.' }),
      filename_prefix: string({
        default: 'ComfyUI',
        tooltip:
          'The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes.',
      }),
    },
    hidden: { prompt: 'PROMPT', extra_pnginfo: 'EXTRA_PNGINFO' },
  },
  outputs: [],
  outputNode: true,
  async run(ctx, inputs) {
    const images = await saveImageBatch(inputs.images, {
      root: ctx.services.dirs.output,
      prefix: inputs.filename_prefix,
      type: 'output',
      compressionLevel: 4,
      prompt: inputs.prompt,
      extraPngInfo: inputs.extra_pnginfo,
      signal: ctx.signal,
    });
    return { outputs: [], ui: { images } };
  },
});
