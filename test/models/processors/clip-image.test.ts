import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ClipImageProcessor } from '../../../models/processors/clip-image.js';
import type { ImageBatch } from '../../../models/tensors.js';
import { png16, png8, rgbPixels, tempDir } from './image-fixtures.js';

// Normalised values written out by hand: (v/255 − mean_c)/std_c with OpenAI CLIP mean/std, v ∈ {0, 128, 255}.
const R = { 0: -1.792263, 128: 0.076336, 255: 1.930336 };
const G = { 0: -1.752097, 128: 0.168897, 255: 2.074884 };
const B = { 0: -1.48022, 128: 0.339949, 255: 2.145897 };

/** 4×2 image. Row 0: red, green, grey128, blue. Row 1: white, black, orange(255,128,0), red. */
const HAND = [
  [255, 0, 0], [0, 255, 0], [128, 128, 128], [0, 0, 255],
  [255, 255, 255], [0, 0, 0], [255, 128, 0], [255, 0, 0],
].flat();

const tiny = ClipImageProcessor.fromConfig({ size: 2, crop_size: 2 });

function planes(data: Float32Array, item = 0, size = 2): number[][] {
  const plane = size * size;
  return [0, 1, 2].map((c) => [...data.subarray((item * 3 + c) * plane, (item * 3 + c + 1) * plane)]);
}

function expectClose(actual: number[][], expected: number[][], tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - expected[i]![j]!), `[${i}][${j}] = ${v}`).toBeLessThan(tol)));
}

describe('ClipImageProcessor.preprocess pixel values', () => {
  it('center-crops columns 1..2 of a 4×2 image and normalises each channel plane (hand-computed)', async () => {
    const out = await tiny.preprocess(await png8(4, 2, 3, HAND));
    expect(out.dims).toEqual([1, 3, 2, 2]);
    // Crop = [[green, grey], [black, orange]], laid out as R plane, G plane, B plane (row-major).
    expectClose(planes(out.data), [
      [R[0], R[128], R[0], R[255]],
      [G[255], G[128], G[0], G[128]],
      [B[0], B[128], B[0], B[0]],
    ]);
  });

  it('keeps the short side at the size and crops the middle of the long side after a 2× bicubic downscale', async () => {
    // 896×448 → 448×224 → crop x 112..335 = source x 224..671, inside the green band with margin for the kernel.
    const pixels = rgbPixels(896, 448, (x) => (x < 160 ? [255, 0, 0] : x < 736 ? [0, 255, 0] : [0, 0, 255]));
    const out = await new ClipImageProcessor().preprocess(await png8(896, 448, 3, pixels));
    expect(out.dims).toEqual([1, 3, 224, 224]);
    const [r, g, b] = planes(out.data, 0, 224);
    expect(Math.max(...r!.map((v) => Math.abs(v - R[0])))).toBeLessThan(1e-5);
    expect(Math.max(...g!.map((v) => Math.abs(v - G[255])))).toBeLessThan(1e-5);
    expect(Math.max(...b!.map((v) => Math.abs(v - B[0])))).toBeLessThan(1e-5);
  });
});

describe('ClipImageProcessor.preprocess input kinds', () => {
  it('applies EXIF orientation 6 (stored left half ends up on top)', async () => {
    const stored = rgbPixels(64, 32, (x) => (x < 32 ? [255, 0, 0] : [0, 0, 255]));
    const jpeg = await sharp(Buffer.from(stored), { raw: { width: 64, height: 32, channels: 3 } })
      .jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    const out = await ClipImageProcessor.fromConfig({ size: 32, crop_size: 32 }).preprocess(jpeg);
    const [r, , b] = planes(out.data, 0, 32);
    // Upright image is 32×64 (red top, blue bottom); the crop takes rows 16..47, so rows 0..15 red, 16..31 blue.
    expect(r![4 * 32 + 16]).toBeGreaterThan(1.7);
    expect(b![4 * 32 + 16]).toBeLessThan(-1.2);
    expect(b![27 * 32 + 16]).toBeGreaterThan(1.9);
    expect(r![27 * 32 + 16]).toBeLessThan(-1.5);
  });

  it('drops alpha before resizing, like PIL convert("RGB") (transparent red stays red)', async () => {
    const rgba = await png8(8, 8, 4, Array.from({ length: 64 }, () => [255, 0, 0, 0]).flat());
    const out = await ClipImageProcessor.fromConfig({ size: 4, crop_size: 4 }).preprocess(rgba);
    const [r, g, b] = planes(out.data, 0, 4);
    expect(r!.every((v) => Math.abs(v - R[255]) < 1e-5)).toBe(true);
    expect(g!.every((v) => Math.abs(v - G[0]) < 1e-5)).toBe(true);
    expect(b!.every((v) => Math.abs(v - B[0]) < 1e-5)).toBe(true);
  });

  it('expands greyscale to three channels', async () => {
    const out = await tiny.preprocess(await png8(2, 2, 1, [0, 128, 255, 0]));
    expectClose(planes(out.data), [[R[0], R[128], R[255], R[0]], [G[0], G[128], G[255], G[0]], [B[0], B[128], B[255], B[0]]]);
  });

  it('reduces 16-bit greyscale and RGB PNGs to 8 bits (high byte)', async () => {
    const grey = await tiny.preprocess(png16(2, 2, 1, [0, 32896, 65535, 0]));
    expectClose(planes(grey.data), [[R[0], R[128], R[255], R[0]], [G[0], G[128], G[255], G[0]], [B[0], B[128], B[255], B[0]]]);
    const rgb = await tiny.preprocess(png16(2, 2, 3, [65535, 0, 0, 0, 65535, 0, 0, 0, 65535, 32896, 32896, 32896]));
    expectClose(planes(rgb.data), [[R[255], R[0], R[0], R[128]], [G[0], G[255], G[0], G[128]], [B[0], B[0], B[255], B[128]]]);
  });

  it('gives a ComfyUI IMAGE the same values as the PNG it came from (8-bit rounding)', async () => {
    // 128/255 = 0.50196; 0.5 would also round to 128 (127.5 → even), 0.5 + 1e-6 too.
    const floats = Float32Array.from(HAND, (v) => (v === 128 ? 0.5 + 1e-6 : v / 255));
    const batch: ImageBatch = { data: floats, dims: [1, 2, 4, 3] };
    const fromFloat = await tiny.preprocess(batch);
    const fromPng = await tiny.preprocess(await png8(4, 2, 3, HAND));
    expect([...fromFloat.data]).toEqual([...fromPng.data]);
  });
});

describe('ClipImageProcessor.preprocess batches', () => {
  it('stacks paths, buffers and IMAGE batches in order into [N,3,224,224]', async () => {
    const dir = tempDir();
    const redFile = path.join(dir, 'red.png');
    writeFileSync(redFile, await png8(30, 20, 3, rgbPixels(30, 20, () => [255, 0, 0])));
    const greenPng = await png8(20, 30, 3, rgbPixels(20, 30, () => [0, 255, 0]));
    const image: ImageBatch = { data: new Float32Array(2 * 5 * 7 * 3).fill(1), dims: [2, 5, 7, 3] };
    image.data.fill(0, 0, 5 * 7 * 3); // item 0 black, item 1 white
    const out = await new ClipImageProcessor().preprocess([redFile, greenPng, image]);
    expect(out.dims).toEqual([4, 3, 224, 224]);
    const plane = 224 * 224;
    const at = (item: number, c: number) => out.data[(item * 3 + c) * plane + 100 * 224 + 100]!;
    expect([at(0, 0), at(1, 1), at(2, 2), at(3, 2)].map((v) => +v.toFixed(5)))
      .toEqual([R[255], G[255], B[0], B[255]].map((v) => +v.toFixed(5)));
  });

  it('names the offending input when decoding fails', async () => {
    await expect(tiny.preprocess(Buffer.from('not an image'))).rejects.toThrow(/cannot decode <12-byte buffer>/);
  });
});
