/**
 * PreviewImage: writes an IMAGE batch to temp/ for display (ComfyUI's node of the same name: prefix
 * `ComfyUI_temp_<5 random letters>`, fast compression, files typed `temp`).
 */
import { randomInt } from 'node:crypto';
import { socket } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import type { ImageBatch } from '../../models/tensors.js';
import { imageOutputHidden, writeImageOutput } from './image-output.js';
import { IMAGE } from '../socket-types.js';

// ComfyUI's alphabet, including its typo (a second 'p' where 'q' would be); only the name's shape matters.
const LETTERS = 'abcdefghijklmnopqrstupvxyz';

/** `_temp_` plus 5 random letters, so previews of different runs do not share a counter sequence. */
function tempSuffix(): string {
  return '_temp_' + Array.from({ length: 5 }, () => LETTERS[randomInt(LETTERS.length)]).join('');
}

export const previewImageNode = defineNode({
  type: 'PreviewImage',
  category: 'image',
  displayName: 'Preview Image',
  description: 'Saves the input images to the temporary directory for previewing.',
  inputs: {
    required: { images: socket(IMAGE, { tooltip: 'The images to preview.' }) },
    hidden: imageOutputHidden,
  },
  outputs: [],
  outputNode: true,
  run: (ctx, inputs) => writeImageOutput(ctx, inputs, { type: 'temp', prefix: 'ComfyUI' + tempSuffix(), compressionLevel: 1 }),
});
