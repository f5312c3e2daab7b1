import { describe, expect, it } from 'vitest';
import { centerCropRegion, resizeImage, roundHalfEven, targetSize } from '../../../models/image/resize.js';
import type { ImageBatch } from '../../../models/tensors.js';
import { patternImage } from './fixtures.js';

/** A 1-row image whose red channel ramps 0, 1/7, ..., 1 (green/blue 0). */
function ramp(width: number): ImageBatch {
  const data = new Float32Array(width * 3);
  for (let x = 0; x < width; x++) data[x * 3] = x / (width - 1);
  return { data, dims: [1, 1, width, 3] };
}
const reds = (img: ImageBatch) => Array.from({ length: img.dims[2] }, (_, x) => img.data[x * 3]!);

describe('roundHalfEven', () => {
  it("rounds halves to even like Python's round()", () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3]);
  });
});

describe('targetSize', () => {
  const src = { width: 640, height: 480 };
  it('keeps the aspect ratio when one side is 0, and the source size when both are', () => {
    expect(targetSize(src, 320, 0)).toEqual({ width: 320, height: 240 });
    expect(targetSize(src, 0, 100)).toEqual({ width: 133, height: 100 });
    expect(targetSize(src, 0, 0)).toEqual(src);
    expect(targetSize({ width: 1000, height: 1 }, 1, 0)).toEqual({ width: 1, height: 1 });
    expect(targetSize(src, 100, 50)).toEqual({ width: 100, height: 50 });
  });
});

describe('centerCropRegion', () => {
  it("crops the wider side symmetrically, as ComfyUI's common_upscale", () => {
    expect(centerCropRegion({ width: 640, height: 480 }, { width: 512, height: 512 })).toEqual({ left: 80, top: 0, width: 480, height: 480 });
    expect(centerCropRegion({ width: 480, height: 640 }, { width: 512, height: 512 })).toEqual({ left: 0, top: 80, width: 480, height: 480 });
    expect(centerCropRegion({ width: 100, height: 50 }, { width: 20, height: 10 })).toEqual({ left: 0, top: 0, width: 100, height: 50 });
  });
});

describe('resizeImage', () => {
  it('produces the requested shape for every method and keeps values in 0..1', async () => {
    const image = patternImage(2, 6, 10);
    for (const method of ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos'] as const) {
      for (const [w, h] of [[4, 3], [25, 13]] as const) {
        const out = await resizeImage(image, { width: w, height: h, method });
        expect(out.dims, method).toEqual([2, h, w, 3]);
        expect(out.data.every((v) => v >= 0 && v <= 1), method).toBe(true);
      }
    }
  });

  it('matches torch nearest-exact when shrinking', async () => {
    // torch: src = floor((dst + 0.5) * in / out): 8 → 4 picks 1, 3, 5, 7.
    const out = await resizeImage(ramp(8), { width: 4, height: 1, method: 'nearest-exact' });
    expect(reds(out).map((v) => Math.round(v * 7))).toEqual([1, 3, 5, 7]);
  });

  it('interpolates a ramp monotonically within 16-bit precision', async () => {
    const out = await resizeImage(ramp(8), { width: 4, height: 1, method: 'bilinear' });
    const r = reds(out);
    for (let i = 1; i < r.length; i++) expect(r[i]).toBeGreaterThan(r[i - 1]!);
    const flat: ImageBatch = { data: new Float32Array(6 * 6 * 3).fill(0.3), dims: [1, 6, 6, 3] };
    const big = await resizeImage(flat, { width: 9, height: 9, method: 'lanczos' });
    for (const v of big.data) expect(Math.abs(v - 0.3)).toBeLessThan(1e-4);
  });

  it('center-crops before resizing', async () => {
    // 4x2 image: columns 0 and 3 are red, 1 and 2 green; cropping to square keeps the green middle.
    const data = new Float32Array(2 * 4 * 3);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) data[(y * 4 + x) * 3 + (x === 0 || x === 3 ? 0 : 1)] = 1;
    const out = await resizeImage({ data, dims: [1, 2, 4, 3] }, { width: 2, height: 2, method: 'nearest-exact', crop: 'center' });
    expect(Array.from(out.data, Math.round)).toEqual([0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0]);
    const stretched = await resizeImage({ data, dims: [1, 2, 4, 3] }, { width: 2, height: 2, method: 'nearest-exact' });
    // Without crop, nearest picks columns 1 and 3 (torch nearest-exact): green, then red.
    expect(Array.from(stretched.data, Math.round)).toEqual([0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0]);
  });

  it('returns the same image for a same-size request, and refuses invalid sizes', async () => {
    const image = patternImage(1, 3, 3);
    expect(await resizeImage(image, { width: 3, height: 3, method: 'bicubic' })).toBe(image);
    await expect(resizeImage(image, { width: 0, height: 3, method: 'bicubic' })).rejects.toThrow(/positive integers, got 0x3/);
  });

  it('stops between batch items when the signal is aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(resizeImage(patternImage(2, 2, 2), { width: 4, height: 4, method: 'bilinear', signal: ac.signal })).rejects.toThrow();
  });
});
