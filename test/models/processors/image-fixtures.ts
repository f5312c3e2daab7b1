/** Small synthetic images for preprocessing tests, written to temp dirs or kept as buffers. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { rawPng } from '../../support/png.js';

export function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'pg-img-'));
}

/** 8-bit PNG from interleaved pixels (channels 1 = greyscale, 3 = RGB, 4 = RGBA). */
export async function png8(width: number, height: number, channels: 1 | 3 | 4, pixels: number[]): Promise<Buffer> {
  const img = sharp(Buffer.from(pixels), { raw: { width, height, channels } });
  return (channels === 1 ? img.toColourspace('b-w') : img).png().toBuffer();
}

/** A 16-bit PNG written by hand (greyscale or RGB), so the fixture does not depend on the code under test. */
export function png16(width: number, height: number, channels: 1 | 3, samples: number[]): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * channels * 2); // filter byte 0 = none
    for (let i = 0; i < width * channels; i++) row.writeUInt16BE(samples[y * width * channels + i]!, 1 + 2 * i);
    rows.push(row);
  }
  return rawPng({ width, height, bitDepth: 16, colorType: channels === 1 ? 0 : 2, idat: deflateSync(Buffer.concat(rows)) });
}

/** width×height RGB pixels where `colour(x, y)` gives [r, g, b]. */
export function rgbPixels(width: number, height: number, colour: (x: number, y: number) => number[]): number[] {
  const out: number[] = [];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out.push(...colour(x, y));
  return out;
}
