/**
 * SaveImage: writes an IMAGE batch to output/ as `<prefix>_<counter:05>_.png`, with the prompt and workflow as
 * PNG tEXt chunks (ComfyUI's node of the same name).
 */
import { socket, string } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import type { ImageBatch } from '../../models/tensors.js';
import { imageOutputHidden, writeImageOutput } from './image-output.js';
import { IMAGE } from '../socket-types.js';

export const saveImageNode = defineNode({
  type: 'SaveImage',
  category: 'image',
  displayName: 'Save Image',
  description: 'Saves the input images to your ComfyUI output directory.',
  inputs: {
    required: {
      images: socket(IMAGE, { tooltip: 'The images to save.' }),
      filename_prefix: string({
        default: 'ComfyUI',
        tooltip:
          'The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes.',
      }),
    },
    hidden: imageOutputHidden,
  },
  outputs: [],
  outputNode: true,
  run: (ctx, inputs) => writeImageOutput(ctx, inputs, { type: 'output', prefix: inputs.filename_prefix, compressionLevel: 4 }),
});
