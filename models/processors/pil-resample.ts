/**
 * PIL's convolution resampler (`Image.resize` with BICUBIC, BILINEAR or LANCZOS; Pillow's libImaging/Resample.c),
 * reproduced exactly for 8-bit images, because HF's CLIPImageProcessor (the reference for every CLIP/OpenCLIP
 * checkpoint) resizes through PIL:
 * - separable: the horizontal pass first, into an 8-bit image (so values are rounded between the passes), then
 *   the vertical pass; a pass whose size does not change is skipped;
 * - the filter support grows with the downscale factor (support × max(scale, 1)), the sample centre of output
 *   pixel i is (i + 0.5)·scale, the window is [⌊centre − support + 0.5⌋, ⌊centre + support + 0.5⌋) clipped to the
 *   image, and the weights are normalised to sum 1 over that window;
 * - weights become 22-bit fixed point (round half away from zero), sums start at ½ and are shifted back and
 *   clamped to 0..255.
 * Hand-written rather than sharp/libvips: vips' kernels differ in support, centring and intermediate precision
 * (up to 46 levels off PIL when upsampling), and no maintained npm package reproduces Pillow's fixed-point
 * passes. The passes run as WebAssembly SIMD kernels (`pil-resample-simd.ts`, same integer arithmetic) where
 * they can, else as the typed-array loops here.
 * Golden values: `test/models/processors/pil-resample.test.ts` (Debian python3-pil 9.4).
 */
import type { Rgb8Image } from './clip-image-core.js';
import { simdResize } from './pil-resample-simd.js';

/** The PIL filters this resampler implements, with their support (Pillow's `filters` table). */
export const PIL_FILTERS = {
  bilinear: { support: 1, weight: (x: number) => Math.max(0, 1 - Math.abs(x)) },
  bicubic: { support: 2, weight: bicubic },
  lanczos: { support: 3, weight: lanczos },
} as const;

/** A PIL filter name. */
export type PilFilter = keyof typeof PIL_FILTERS;

/** Keys' cubic with a = −0.5, as Pillow's `bicubic_filter`. */
function bicubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

function lanczos(x: number): number {
  return -3 <= x && x < 3 ? sinc(x) * sinc(x / 3) : 0;
}

const PRECISION_BITS = 32 - 8 - 2;

/** One pass's windows: output i reads `count[i]` inputs from `start[i]` with weights `weights[i·ksize …]`. */
interface Coefficients {
  readonly ksize: number;
  readonly start: Int32Array;
  readonly count: Int32Array;
  readonly weights: Int32Array;
}

/** Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for resizing `inSize` to `outSize` (no box). */
function coefficients(inSize: number, outSize: number, filter: PilFilter): Coefficients {
  const { support: base, weight } = PIL_FILTERS[filter];
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = base * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // C's (int) truncates toward zero; the arguments here are ≥ −support + 0.5, so trunc, not floor.
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = weight((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const v = ww === 0 ? k[x]! : k[x]! / ww;
      // Pillow: (int)(0.5 + v·2^22) for v ≥ 0, (int)(−0.5 + v·2^22) below: round half away from zero.
      weights[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * (1 << PRECISION_BITS)) : Math.trunc(0.5 + v * (1 << PRECISION_BITS));
    }
    start[xx] = xmin;
    count[xx] = xmax;
  }
  return { ksize, start, count, weights };
}

/** The fixed-point sum back to 8 bits, clamped (Pillow's `clip8`). */
function clip8(sum: number): number {
  const v = sum >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Output rows/columns [start, start + size) of a pass (the part a later crop keeps). */
interface Span {
  readonly start: number;
  readonly size: number;
}

/** Horizontal pass over source rows `rows`, computing output columns `cols` of an `outWidth`-wide resize. */
function horizontal(src: Rgb8Image, c: Coefficients, rows: Span, cols: Span): Rgb8Image {
  const { data, width, channels } = src;
  const out = new Uint8Array(cols.size * rows.size * channels);
  const half = 1 << (PRECISION_BITS - 1);
  // Locals, not property loads, in the hot loop.
  const weights = c.weights;
  const starts = c.start;
  const counts = c.count;
  const ksize = c.ksize;
  const colEnd = cols.start + cols.size;
  for (let y = 0; y < rows.size; y++) {
    const row = (rows.start + y) * width * channels;
    let o = y * cols.size * channels;
    for (let xx = cols.start; xx < colEnd; xx++) {
      const kb = xx * ksize;
      const n = counts[xx]!;
      let s = row + starts[xx]! * channels;
      // Sums stay in int32 as in Pillow (`| 0`); RGB gets one loop for its three channels.
      if (channels === 3) {
        let r = half;
        let g = half;
        let b = half;
        for (let x = 0; x < n; x++, s += 3) {
          const w = weights[kb + x]!;
          r = (r + data[s]! * w) | 0;
          g = (g + data[s + 1]! * w) | 0;
          b = (b + data[s + 2]! * w) | 0;
        }
        out[o++] = clip8(r);
        out[o++] = clip8(g);
        out[o++] = clip8(b);
        continue;
      }
      for (let ch = 0; ch < channels; ch++) {
        let ss = half;
        for (let x = 0, t = s + ch; x < n; x++, t += channels) ss = (ss + data[t]! * weights[kb + x]!) | 0;
        out[o++] = clip8(ss);
      }
    }
  }
  return { data: out, width: cols.size, height: rows.size, channels };
}

/** Vertical pass computing output rows `rows`; `src` holds source rows from `srcTop` on. */
function vertical(src: Rgb8Image, c: Coefficients, rows: Span, srcTop: number): Rgb8Image {
  const { data, width, channels } = src;
  const stride = width * channels;
  const out = new Uint8Array(rows.size * stride);
  const half = 1 << (PRECISION_BITS - 1);
  const acc = new Int32Array(stride);
  for (let yy = 0; yy < rows.size; yy++) {
    acc.fill(half);
    const kb = (rows.start + yy) * c.ksize;
    const n = c.count[rows.start + yy]!;
    const y0 = c.start[rows.start + yy]! - srcTop;
    // Row-wise accumulation: the inner loop walks memory contiguously.
    for (let y = 0; y < n; y++) {
      const w = c.weights[kb + y]!;
      const row = (y0 + y) * stride;
      for (let i = 0; i < stride; i++) acc[i] = (acc[i]! + data[row + i]! * w) | 0;
    }
    const orow = yy * stride;
    for (let i = 0; i < stride; i++) out[orow + i] = clip8(acc[i]!);
  }
  return { data: out, width, height: rows.size, channels };
}

/** The part of the resized image to compute: a crop window in output pixels (default the whole image). */
export interface ResizeWindow {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Options of {@link pilResize}. */
export interface PilResizeOptions {
  /** Default bicubic (CLIP's). */
  readonly filter?: PilFilter;
  /**
   * Only this part of the result is computed and returned (each output pixel depends only on its own
   * coefficients, so the pixels equal the full resize's): CLIP's center crop then skips the columns it drops.
   */
  readonly window?: ResizeWindow;
  /**
   * `simd` (default): the WebAssembly kernels of `pil-resample-simd.ts` where they apply, else the scalar passes;
   * `scalar`: always the scalar passes here. Both give the same bytes; the choice exists for tests and benches.
   */
  readonly kernels?: 'simd' | 'scalar';
}

/** Resizes an 8-bit image to exactly width×height as PIL's `Image.resize(size, filter)` does. */
export function pilResize(image: Rgb8Image, width: number, height: number, options: PilResizeOptions = {}): Rgb8Image {
  const { filter = 'bicubic', window } = options;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new Error(`pilResize: target size must be positive integers, got ${width}×${height}`);
  }
  const w = window ?? { left: 0, top: 0, width, height };
  if (w.left < 0 || w.top < 0 || w.left + w.width > width || w.top + w.height > height || w.width < 1 || w.height < 1) {
    throw new Error(`pilResize: window ${w.width}×${w.height}+${w.left}+${w.top} is outside ${width}×${height}`);
  }
  const cols = { start: w.left, size: w.width };
  const rows = { start: w.top, size: w.height };
  const needH = width !== image.width;
  const needV = height !== image.height;
  if (!needH && !needV && !window) return image;
  const vc = needV ? coefficients(image.height, height, filter) : undefined;
  // Source rows the vertical pass reads for the wanted output rows (PIL likewise resizes only those horizontally).
  const srcRows = vc
    ? { start: vc.start[rows.start]!, size: vc.start[rows.start + rows.size - 1]! + vc.count[rows.start + rows.size - 1]! - vc.start[rows.start]! }
    : rows;
  const hc = needH ? coefficients(image.width, width, filter) : identityCoefficients(image.width);
  const simd = options.kernels === 'scalar' ? undefined : simdResize(image, { horizontal: hc, vertical: vc, srcRows, cols, rows });
  if (simd) return simd;
  const h = horizontal(image, hc, srcRows, cols);
  return vc ? vertical(h, vc, rows, srcRows.start) : h;
}

/** Copy coefficients (weight 1 at the pixel itself), for a window over an axis whose size does not change. */
function identityCoefficients(size: number): Coefficients {
  const start = Int32Array.from({ length: size }, (_, i) => i);
  return { ksize: 1, start, count: new Int32Array(size).fill(1), weights: new Int32Array(size).fill(1 << PRECISION_BITS) };
}
