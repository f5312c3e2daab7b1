/** Test images: small real PNGs, and a "decompression bomb" PNG that declares huge dimensions in a few bytes. */
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { rawPng } from '../../support/png.js';

/** A solid RGBA PNG of `w`×`h`. */
export function pngBytes(w = 4, h = 3, alpha = 200): Promise<Buffer> {
  return sharp({ create: { width: w, height: h, channels: 4, background: { r: 10, g: 200, b: 30, alpha: alpha / 255 } } }).png().toBuffer();
}

/** A valid-header grey PNG claiming `side`×`side` pixels (default 100,000² = 10 gigapixels) in under 1 KB. */
export function bombPng(side = 100_000): Buffer {
  // Only two rows of data: decoding would fail late.
  return rawPng({ width: side, height: side, bitDepth: 8, colorType: 0, idat: deflateSync(Buffer.alloc((side + 1) * 2)) });
}
