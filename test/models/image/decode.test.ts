import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../models/image/decode.js';
import { ImageDecodeError, ImageTooLargeError } from '../../../models/image/errors.js';
import { handMadePng } from './fixtures.js';

describe('decodeImage', () => {
  it('turns greyscale into RGB with exact levels', async () => {
    const png = await sharp(Buffer.from([0, 51, 204, 255]), { raw: { width: 2, height: 2, channels: 1 } }).png().toBuffer();
    const { image, bitDepth } = await decodeImage(png);
    expect(bitDepth).toBe(8);
    expect(image.dims).toEqual([1, 2, 2, 3]);
    expect(Array.from(image.data, (v) => Math.round(v * 255))).toEqual([0, 0, 0, 51, 51, 51, 204, 204, 204, 255, 255, 255]);
  });

  it('keeps 16-bit precision', async () => {
    const samples = Uint16Array.from([0, 1000, 65535, 32768, 1, 40000]);
    const png = await sharp(samples, { raw: { width: 2, height: 1, channels: 3 } }).toColourspace('rgb16').png().toBuffer();
    const { image, bitDepth } = await decodeImage(png);
    expect(bitDepth).toBe(16);
    expect(Array.from(image.data, (v) => Math.round(v * 65535))).toEqual([...samples]);
  });

  it('drops alpha into a mask of 1 - alpha', async () => {
    const rgba = Buffer.from([255, 0, 0, 255, 0, 255, 0, 0, 0, 0, 255, 51]);
    const png = await sharp(rgba, { raw: { width: 3, height: 1, channels: 4 } }).png().toBuffer();
    const { image, mask } = await decodeImage(png);
    expect(image.dims).toEqual([1, 1, 3, 3]);
    expect(Array.from(image.data, (v) => Math.round(v * 255))).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255]);
    expect(mask?.dims).toEqual([1, 1, 3]);
    expect(Array.from(mask!.data, (v) => Number(v.toFixed(4)))).toEqual([0, 1, 0.8]);
  });

  it('applies the EXIF orientation', async () => {
    // 16x8: left half red, right half blue. Orientation 6 means "rotate 90° clockwise to display".
    const raw = Buffer.alloc(16 * 8 * 3);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 16; x++) raw.set(x < 8 ? [255, 0, 0] : [0, 0, 255], (y * 16 + x) * 3);
    const jpg = await sharp(raw, { raw: { width: 16, height: 8, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    const { image } = await decodeImage(jpg);
    expect(image.dims).toEqual([1, 16, 8, 3]);
    const px = (y: number, x: number) => Array.from(image.data.subarray((y * 8 + x) * 3, (y * 8 + x) * 3 + 3), (v) => Math.round(v * 255));
    expect(px(1, 4)[0]).toBeGreaterThan(200); // top: the former left half, red
    expect(px(14, 4)[2]).toBeGreaterThan(200); // bottom: blue
  });

  it('decodes every frame of an animated image as a batch when asked', async () => {
    const frames = [[255, 0, 0], [0, 255, 0], [0, 0, 255]].map((c) =>
      sharp({ create: { width: 4, height: 3, channels: 3, background: { r: c[0]!, g: c[1]!, b: c[2]! } } }).png().toBuffer(),
    );
    const gif = await sharp(await Promise.all(frames), { join: { animated: true } }).gif().toBuffer();
    const all = await decodeImage(gif, { frames: 'all' });
    expect(all.image.dims).toEqual([3, 3, 4, 3]);
    expect(Math.round(all.image.data[3 * 4 * 3 + 1]! * 255)).toBe(255); // frame 2 is green
    const first = await decodeImage(gif);
    expect(first.image.dims).toEqual([1, 3, 4, 3]);
  });

  it('rejects a decompression bomb from its header, without decoding it', async () => {
    // 20000x20000 1-bit greyscale: ~50 kB on disk, 4.8 GB as a float32 IMAGE.
    const bomb = handMadePng({ width: 20000, height: 20000, bitDepth: 1, colorType: 0, rowBytes: 2500 });
    expect(bomb.length).toBeLessThan(200_000);
    const before = process.memoryUsage().rss;
    const err = await decodeImage(bomb).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageTooLargeError);
    expect((err as Error).message).toMatch(/20000x20000 = 400000000 pixels exceeds the limit of 67108864 pixels/);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
  });

  it('honours a custom pixel limit', async () => {
    const png = handMadePng({ width: 100, height: 100, bitDepth: 8, colorType: 0, rowBytes: 100 });
    await expect(decodeImage(png, { maxPixels: 9999 })).rejects.toThrow(ImageTooLargeError);
    expect((await decodeImage(png, { maxPixels: 10000 })).image.dims).toEqual([1, 100, 100, 3]);
  });

  it('names the source when the data is not an image', async () => {
    await expect(decodeImage(Buffer.from('definitely not an image'))).rejects.toThrow(ImageDecodeError);
    await expect(decodeImage('/nonexistent/x.png')).rejects.toThrow(/cannot decode image "\/nonexistent\/x.png"/);
  });
});
