/**
 * pilResize against PIL itself: golden hashes of `Image.resize` outputs from Debian python3-pil (how: the
 * fixture's `source`; the input patterns are integer formulas both sides compute). Exact, byte for byte:
 * upsampling (short side under 224), downsampling, one-pass cases, and the bilinear and lanczos filters.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Rgb8Image } from '../../../models/processors/clip-image-core.js';
import { pilResize, type PilFilter } from '../../../models/processors/pil-resample.js';

interface GoldenCase {
  width: number; height: number; outWidth: number; outHeight: number;
  pattern: 'noise' | 'smooth'; filter: PilFilter; sha256: string; sum: number; first: number[];
}
const golden = JSON.parse(readFileSync(new URL('./fixtures/pil-resample-golden.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };

/** The fixture's input pattern (same integer formulas as the generator). */
function pattern(w: number, h: number, kind: GoldenCase['pattern']): Rgb8Image {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    const v = kind === 'noise'
      ? (x * 37 + y * 91 + c * 53 + ((x * y) % 17) * 11 + ((x * x + 3 * y * y) % 29) * 5) % 256
      : (Math.floor((x * 255) / Math.max(w - 1, 1)) + Math.floor((y * 128) / Math.max(h - 1, 1)) + c * 40) % 256;
    data[(y * w + x) * 3 + c] = v;
  }
  return { data, width: w, height: h, channels: 3 };
}

describe('pilResize', () => {
  const cases = golden.cases.flatMap((c) => (['simd', 'scalar'] as const).map((kernels) => [`${c.filter} ${c.pattern} ${c.width}×${c.height} → ${c.outWidth}×${c.outHeight} (${kernels})`, c, kernels] as const));
  it.each(cases)('%s equals PIL byte for byte', (_n, c, kernels) => {
    const out = pilResize(pattern(c.width, c.height, c.pattern), c.outWidth, c.outHeight, { filter: c.filter, kernels });
    expect([out.width, out.height]).toEqual([c.outWidth, c.outHeight]);
    expect(Array.from(out.data.subarray(0, c.first.length))).toEqual(c.first);
    expect(out.data.reduce((a, v) => a + v, 0)).toBe(c.sum);
    expect(createHash('sha256').update(out.data).digest('hex')).toBe(c.sha256);
  });

  it('is the identity at the same size and rejects bad sizes', () => {
    const img = pattern(8, 6, 'noise');
    expect(pilResize(img, 8, 6)).toBe(img);
    expect(() => pilResize(img, 0, 6)).toThrow(/positive integers/);
  });

  it('differs from sharp’s cubic where PIL matters (so the test above can tell them apart)', async () => {
    const c = golden.cases[0]!;
    const img = pattern(c.width, c.height, c.pattern);
    const viaSharp = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).resize(c.outWidth, c.outHeight, { kernel: 'cubic', fit: 'fill' }).raw().toBuffer();
    expect(createHash('sha256').update(viaSharp).digest('hex')).not.toBe(c.sha256);
  });
});

describe('ClipImageProcessor.resized', () => {
  it('resizes an encoded image exactly as PIL (the short side under 224 upsampled)', async () => {
    const { ClipImageProcessor } = await import('../../../models/processors/clip-image.js');
    const c = golden.cases[0]!;
    const img = pattern(c.width, c.height, c.pattern);
    const png = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).png().toBuffer();
    const out = await new ClipImageProcessor().resized(png);
    expect([out.width, out.height]).toEqual([c.outWidth, c.outHeight]);
    expect(createHash('sha256').update(out.data).digest('hex')).toBe(c.sha256);
  });
});

describe('pilResize window', () => {
  it('computes exactly the pixels of that part of the full resize', () => {
    for (const [w, h, ow, oh] of [[640, 480, 298, 224], [150, 100, 336, 224], [224, 300, 224, 300], [97, 61, 224, 61]] as const) {
      const img = pattern(w, h, 'noise');
      const full = pilResize(img, ow, oh);
      const win = { left: Math.floor((ow - Math.min(ow, 224)) / 2), top: Math.floor((oh - Math.min(oh, 61)) / 2), width: Math.min(ow, 224), height: Math.min(oh, 61) };
      const part = pilResize(img, ow, oh, { window: win });
      const expected = new Uint8Array(win.width * win.height * 3);
      for (let y = 0; y < win.height; y++) expected.set(full.data.subarray(((win.top + y) * ow + win.left) * 3, ((win.top + y) * ow + win.left + win.width) * 3), y * win.width * 3);
      expect([part.width, part.height]).toEqual([win.width, win.height]);
      expect(Buffer.from(part.data).equals(Buffer.from(expected))).toBe(true);
    }
  });
});
