import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DataDirs } from '../../../server/data-dir.js';
import { imageScaleNode } from '../../../nodes/core/image-scale.js';
import type { ImageBatch } from '../../../models/tensors.js';
import { patternImage } from '../../models/image/fixtures.js';
import { nodeContext, tempDataDirs } from '../../support/node-context.js';

let dirs: DataDirs;
let cleanup: () => void;
beforeEach(() => ({ dirs, cleanup } = tempDataDirs()));
afterEach(() => cleanup());

async function scale(image: ImageBatch, width: number, height: number, opts: { method?: string; crop?: string } = {}): Promise<ImageBatch> {
  const inputs = { image, upscale_method: opts.method ?? 'bilinear', width, height, crop: opts.crop ?? 'disabled' };
  return (await imageScaleNode.run(nodeContext({ dirs }), inputs as never)).outputs![0] as ImageBatch;
}

describe('ImageScale', () => {
  it('resizes to the given size for every method', async () => {
    for (const method of ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos']) {
      expect((await scale(patternImage(2, 8, 12), 6, 5, { method })).dims, method).toEqual([2, 5, 6, 3]);
    }
  });

  it('keeps the aspect ratio when a side is 0, and passes the image through when both are', async () => {
    const image = patternImage(1, 8, 12);
    expect((await scale(image, 6, 0)).dims).toEqual([1, 4, 6, 3]);
    expect((await scale(image, 0, 16)).dims).toEqual([1, 16, 24, 3]);
    expect(await scale(image, 0, 0)).toBe(image);
  });

  it('center-crops to the target aspect before resizing', async () => {
    // 6 wide x 2 high: outer columns black, middle two columns white; a 2x2 center crop keeps only white.
    const data = new Float32Array(2 * 6 * 3);
    for (let y = 0; y < 2; y++) for (const x of [2, 3]) data.fill(1, (y * 6 + x) * 3, (y * 6 + x) * 3 + 3);
    const image: ImageBatch = { data, dims: [1, 2, 6, 3] };
    const cropped = await scale(image, 2, 2, { method: 'nearest-exact', crop: 'center' });
    expect(Array.from(cropped.data)).toEqual(new Array(12).fill(1));
    const squeezed = await scale(image, 2, 2, { method: 'nearest-exact' });
    expect(Array.from(squeezed.data).some((v) => v === 0)).toBe(true);
  });

  it('declares the ComfyUI widgets', () => {
    const req = imageScaleNode.inputs.required;
    expect(Object.keys(req)).toEqual(['image', 'upscale_method', 'width', 'height', 'crop']);
    expect(req.upscale_method.choices).toEqual(['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos']);
    expect(req.width.options).toEqual({ default: 512, min: 0, max: 16384, step: 1 });
    expect(req.crop.choices).toEqual(['disabled', 'center']);
  });
});
