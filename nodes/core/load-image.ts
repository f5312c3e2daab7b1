/**
 * LoadImage: reads an image from the data directory's input/ folder into IMAGE and MASK (ComfyUI's node of the
 * same name: animated images load as a batch of frames, the mask is 1 − alpha, or 64×64 zeros without alpha).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { combo, socket } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import type { NodeServices } from '../services.js';
import { decodeImage, type Mask } from '../../models/image/decode.js';
import { isFile, listImageFiles, resolveAnnotatedPath } from '../../models/image/image-files.js';
import type { ImageBatch } from '../../models/tensors.js';
import { IMAGE, MASK } from '../socket-types.js';

/**
 * The input folder of the services' data directory; the default data directory when the engine lists choices
 * without services (an engine built with none, as some tests do).
 */
function inputDir(services?: NodeServices): string {
  return services?.dirs.input ?? path.resolve(process.env.PERCEPTGRAPH_DATA_DIR ?? 'data', 'input');
}

/** Absolute path of the chosen image, or an error message naming what is wrong. */
function locate(image: unknown, services: NodeServices): { file: string } | { error: string } {
  if (typeof image !== 'string' || image === '') return { error: `Invalid image file: ${JSON.stringify(image)} (expected a file name in input/)` };
  let file: string;
  try {
    file = resolveAnnotatedPath(services.dirs, image);
  } catch (e) {
    return { error: `Invalid image file: ${image} (${(e as Error).message})` };
  }
  return isFile(file) ? { file } : { error: `Invalid image file: ${image} (no such file in ${path.dirname(file)})` };
}

/** ComfyUI's placeholder mask for images without alpha: one 64×64 zero mask per frame. */
function emptyMask(frames: number): Mask {
  return { data: new Float32Array(frames * 64 * 64), dims: [frames, 64, 64] };
}

export const loadImageNode = defineNode({
  type: 'LoadImage',
  category: 'image',
  displayName: 'Load Image',
  description: 'Loads an image from the input folder. Animated images load every frame as a batch; the mask is the inverted alpha channel.',
  inputs: {
    required: {
      image: combo((services?: NodeServices) => listImageFiles(inputDir(services)), { imageUpload: true }),
    },
  },
  outputs: [
    { type: IMAGE, name: 'IMAGE' },
    { type: MASK, name: 'MASK' },
  ],
  // Owns the membership check of `image`: it takes "name [output]" and subfolder names the listing lacks.
  validates: ['image'],
  validate(inputs, services) {
    const found = locate(inputs.image, services);
    return 'error' in found ? found.error : true;
  },
  // ComfyUI's IS_CHANGED: the file's content hash, so replacing the file on disk re-runs the node.
  async fingerprint(inputs, services) {
    const found = locate(inputs.image, services);
    if ('error' in found) return found.error;
    return createHash('sha256').update(await readFile(found.file)).digest('hex');
  },
  async run(ctx, inputs) {
    const found = locate(inputs.image, ctx.services);
    if ('error' in found) throw new Error(found.error);
    const decoded = await decodeImage(found.file, { frames: 'all' });
    const image: ImageBatch = decoded.image;
    return { outputs: [image, decoded.mask ?? emptyMask(image.dims[0])] };
  },
});
