/**
 * Pure-array CLIP preprocessing steps after resizing: center crop, rescale, normalise and HWC→CHW, in one pass
 * through a per-channel lookup table (256 entries) so the hot loop is a load and a store per value.
 */
import { cropOffset } from './clip-image-config.js';
import type { ClipImageConfig } from './clip-image-config.js';

/** An 8-bit interleaved image; channels 1 (grey, replicated to RGB), 3 (RGB) or 4 (RGBA, alpha ignored). */
export interface Rgb8Image {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3 | 4;
}

/**
 * Per-channel table [3 × 256]: value v of channel c maps to (v·rescale − mean[c]) / std[c], computed in float64 and
 * rounded once to float32.
 */
export function normalizationTable(config: Pick<ClipImageConfig, 'rescale' | 'normalize'>): Float32Array {
  const lut = new Float32Array(3 * 256);
  const scale = config.rescale ?? 1;
  for (let c = 0; c < 3; c++) {
    const mean = config.normalize?.mean[c] ?? 0;
    const std = config.normalize?.std[c] ?? 1;
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v * scale - mean) / std;
  }
  return lut;
}

/** Options of {@link cropNormalizeChw}. */
export interface CropNormalizeOptions {
  /** Output size; the crop is centred as HF does (pixels outside the image read as 0 before normalising). */
  readonly crop: { readonly height: number; readonly width: number };
  /** From {@link normalizationTable}. */
  readonly table: Float32Array;
  /** Destination of 3 × crop.height × crop.width floats (channel planes R, G, B). */
  readonly out: Float32Array;
  /** Float offset into `out` (e.g. b × 3 × H × W for batch item b). */
  readonly offset?: number;
}

/** Writes one image as normalised CHW float32 into `out` at `offset`. */
export function cropNormalizeChw(image: Rgb8Image, options: CropNormalizeOptions): void {
  const { crop, table, out } = options;
  const { data, width, channels } = image;
  const top = cropOffset(image.height, crop.height);
  const left = cropOffset(width, crop.width);
  const plane = crop.height * crop.width;
  // Columns of the crop that fall inside the image; the rest (only when HF would zero-pad) read as value 0.
  const x0 = Math.max(0, -left);
  const x1 = Math.min(crop.width, width - left);
  for (let c = 0; c < 3; c++) {
    const lutBase = c * 256;
    const padValue = table[lutBase]!;
    const srcChannel = channels === 1 ? 0 : c;
    let o = (options.offset ?? 0) + c * plane;
    for (let y = 0; y < crop.height; y++) {
      const sy = y + top;
      if (sy < 0 || sy >= image.height) {
        out.fill(padValue, o, o + crop.width);
        o += crop.width;
        continue;
      }
      if (x0 > 0) out.fill(padValue, o, o + x0);
      let s = (sy * width + left + x0) * channels + srcChannel;
      for (let x = x0; x < x1; x++, s += channels) out[o + x] = table[lutBase + data[s]!]!;
      if (x1 < crop.width) out.fill(padValue, o + Math.max(x1, x0), o + crop.width);
      o += crop.width;
    }
  }
}

/**
 * ComfyUI IMAGE item (float32 [H, W, 3] in 0..1, at `offset` in `data`) → 8-bit RGB, clamped and rounded to nearest,
 * ties to even (torch `clip(255x).round()`; Uint8ClampedArray conversion does exactly this). NaN becomes 0.
 */
export function floatRgbToUint8(data: Float32Array, offset: number, pixels: number): Uint8Array {
  const clamped = new Uint8ClampedArray(pixels * 3);
  const src = data.subarray(offset, offset + pixels * 3);
  for (let i = 0; i < clamped.length; i++) clamped[i] = src[i]! * 255;
  return new Uint8Array(clamped.buffer);
}
