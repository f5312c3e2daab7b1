/**
 * The WebAssembly SIMD passes against the scalar passes (which the PIL goldens in pil-resample.test.ts pin):
 * byte-identical over shapes that exercise each edge of the kernels: odd row counts (the single-row step), RGB
 * spill at row ends, RGBA, windows, one-pass resizes, upsampling and downsampling, and clamping (a 0/255
 * checkerboard overshoots both ways under bicubic and lanczos).
 */
import { describe, expect, it } from 'vitest';
import type { Rgb8Image } from '../../../models/processors/clip-image-core.js';
import { pilResize, type PilFilter, type ResizeWindow } from '../../../models/processors/pil-resample.js';
import { simdResize } from '../../../models/processors/pil-resample-simd.js';

function image(width: number, height: number, channels: 1 | 3 | 4, kind: 'noise' | 'checker'): Rgb8Image {
  const data = new Uint8Array(width * height * channels);
  let state = width * 7919 + height * 104729 + channels;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const pixel = Math.floor(i / channels);
    data[i] = kind === 'noise' ? state >>> 24 : ((pixel % width) + Math.floor(pixel / width)) % 2 === 0 ? 0 : 255;
  }
  return { data, width, height, channels };
}

interface Case { w: number; h: number; ow: number; oh: number; channels: 3 | 4; filter: PilFilter; kind: 'noise' | 'checker'; window?: ResizeWindow }
const cases: Case[] = [
  { w: 1024, h: 768, ow: 298, oh: 224, channels: 3, filter: 'bicubic', kind: 'noise', window: { left: 37, top: 0, width: 224, height: 224 } },
  { w: 97, h: 61, ow: 224, oh: 141, channels: 3, filter: 'bicubic', kind: 'checker' },
  { w: 61, h: 97, ow: 33, oh: 53, channels: 4, filter: 'lanczos', kind: 'checker' },
  { w: 50, h: 31, ow: 17, oh: 31, channels: 3, filter: 'bilinear', kind: 'noise' },
  { w: 31, h: 50, ow: 31, oh: 77, channels: 4, filter: 'bicubic', kind: 'noise' },
  { w: 1, h: 7, ow: 5, oh: 3, channels: 3, filter: 'lanczos', kind: 'checker' },
  { w: 300, h: 225, ow: 299, oh: 224, channels: 3, filter: 'bicubic', kind: 'checker', window: { left: 37, top: 0, width: 224, height: 224 } },
  { w: 224, h: 301, ow: 224, oh: 301, channels: 3, filter: 'bicubic', kind: 'noise', window: { left: 0, top: 38, width: 224, height: 223 } },
];

describe('simdResize', () => {
  it.each(cases.map((c) => [`${c.filter} ${c.kind} ${c.w}×${c.h}×${c.channels} → ${c.ow}×${c.oh}${c.window ? ' window' : ''}`, c] as const))(
    '%s equals the scalar passes byte for byte', (_n, c) => {
      const src = image(c.w, c.h, c.channels, c.kind);
      const simd = pilResize(src, c.ow, c.oh, { filter: c.filter, window: c.window });
      const scalar = pilResize(src, c.ow, c.oh, { filter: c.filter, window: c.window, kernels: 'scalar' });
      expect([simd.width, simd.height, simd.channels]).toEqual([scalar.width, scalar.height, scalar.channels]);
      expect(Buffer.from(simd.data).equals(Buffer.from(scalar.data))).toBe(true);
    },
  );

  it('runs on this Node (so the cases above compare two implementations) and leaves greyscale to the scalar passes', () => {
    const span = { start: 0, size: 2 };
    const one = { ksize: 1, start: Int32Array.of(0, 1), count: Int32Array.of(1, 1), weights: Int32Array.of(1 << 22, 1 << 22) };
    const job = { horizontal: one, vertical: one, srcRows: span, cols: span, rows: span };
    const rgb = simdResize({ data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), width: 2, height: 2, channels: 3 }, job);
    expect(rgb && Array.from(rgb.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(simdResize({ data: Uint8Array.of(1, 2, 3, 4), width: 2, height: 2, channels: 1 }, job)).toBeUndefined();
  });

  it('keeps one kernel memory: a large image then a small one still match', () => {
    const big = image(2000, 1500, 3, 'noise');
    const small = image(40, 30, 3, 'checker');
    for (const src of [big, small]) {
      const simd = pilResize(src, 224, 168);
      expect(Buffer.from(simd.data).equals(Buffer.from(pilResize(src, 224, 168, { kernels: 'scalar' }).data))).toBe(true);
    }
  });
});
