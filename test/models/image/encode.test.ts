import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../models/image/decode.js';
import { encodeJpeg, encodePng, imageToRgb8 } from '../../../models/image/encode.js';
import { readPngTextChunks } from '../../../models/image/png-text.js';
import type { ImageBatch } from '../../../models/tensors.js';
import { levels, patternImage } from './fixtures.js';

describe('imageToRgb8', () => {
  it('quantises as ComfyUI: clip(255·x) then truncation, NaN → 0', async () => {
    const image: ImageBatch = { data: Float32Array.from([0.25 / 255, 1.75 / 255, 0.999, -0.2, 1.7, NaN, 0.5, 0.99999, 100 / 255]), dims: [1, 1, 3, 3] };
    // numpy: np.clip(255. * a.astype(np.float32), 0, 255).astype(np.uint8)
    expect([...(await imageToRgb8(image, 0)).data]).toEqual([0, 1, 254, 0, 255, 0, 127, 254, 100]);
  });

  it('picks the requested batch item and refuses bad indexes and shapes', async () => {
    const image = patternImage(3, 2, 2);
    expect([...(await imageToRgb8(image, 2)).data]).toEqual(levels(image).slice(24, 36));
    expect(() => imageToRgb8(image, 3)).toThrow(/outside the batch of 3/);
    expect(() => imageToRgb8({ data: new Float32Array(4), dims: [1, 1, 1, 4] as never }, 0)).toThrow(/\[B,H,W,3\]/);
  });
});

describe('encodePng', () => {
  it('round-trips exact 8-bit pixel values through decodeImage', async () => {
    const image = patternImage(2, 5, 7);
    const png = await encodePng(image, 1, { compressionLevel: 9 });
    const back = await decodeImage(png);
    expect(back.image.dims).toEqual([1, 5, 7, 3]);
    expect(back.image.data).toEqual(image.data.subarray(105));
    expect(back.mask).toBeUndefined();
  });

  it('embeds text chunks that read back, and sharp still decodes the file', async () => {
    const png = await encodePng(patternImage(1, 4, 4), 0, { textChunks: { prompt: '{"3":{}}', workflow: '{"nodes":[]}' } });
    expect(readPngTextChunks(png)).toEqual({ prompt: '{"3":{}}', workflow: '{"nodes":[]}' });
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', 4, 4, 3]);
  });
});

describe('encodeJpeg', () => {
  it('writes a JPEG of the same size with close colours', async () => {
    const flat: ImageBatch = { data: new Float32Array(8 * 8 * 3).fill(0.5), dims: [1, 8, 8, 3] };
    const jpg = await encodeJpeg(flat, 0, { quality: 95 });
    const back = await decodeImage(jpg);
    expect(back.format).toBe('jpeg');
    expect(back.image.dims).toEqual([1, 8, 8, 3]);
    for (const v of back.image.data) expect(Math.abs(v - 0.5)).toBeLessThan(3 / 255);
  });
});
