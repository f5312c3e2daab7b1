/**
 * Resizing IMAGE batches with sharp, following ComfyUI's `common_upscale` for target sizes and center crops.
 *
 * sharp's pipeline casts float input to 8 bits, so pixels go through it as 16-bit (rgb16) instead: the round trip
 * costs at most 1/131070 per sample, far below one 8-bit level. Values outside 0..1 are clamped.
 *
 * Methods map to sharp (libvips) kernels; ComfyUI uses torch `interpolate` (and Pillow for lanczos), so results are
 * close but not bit-identical:
 * - `nearest-exact` → `nearest`: identical to torch when downscaling; upscaling may pick a neighbour one pixel off.
 * - `bilinear` → `linear`: libvips widens the kernel when downscaling (antialiased), torch does not.
 * - `area` → `linear` when shrinking (libvips box-shrinks by the integer factor, then filters: ≈ torch's adaptive
 *   average pooling), `nearest` when enlarging (what area pooling amounts to there).
 * - `bicubic` → `cubic` (Catmull-Rom, a = −0.5; torch uses a = −0.75).
 * - `lanczos` → `lanczos3` (the same kernel as Pillow's LANCZOS, computed at 16 bits instead of 8).
 */
import sharp, { type KernelEnum } from 'sharp';
import { abortable } from '../abortable.js';
import { timeSliced } from '../time-sliced.js';
import { asUint16 } from './decode.js';
import type { ImageBatch } from '../tensors.js';

/** ComfyUI's ImageScale methods. */
export const RESIZE_METHODS = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos'] as const;
export type ResizeMethod = (typeof RESIZE_METHODS)[number];
/** ComfyUI's crop choices: `center` crops the source to the target aspect ratio before resizing. */
export const CROP_MODES = ['disabled', 'center'] as const;
export type CropMode = (typeof CROP_MODES)[number];

export interface ResizeOptions {
  /** Target width in pixels (≥ 1). */
  readonly width: number;
  /** Target height in pixels (≥ 1). */
  readonly height: number;
  readonly method: ResizeMethod;
  readonly crop?: CropMode;
  /** Checked between batch items. */
  readonly signal?: AbortSignal;
}

/** A source rectangle in pixels. */
export interface Region {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Python's `round()`: halves go to the even neighbour (ComfyUI's size arithmetic uses it). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * ComfyUI ImageScale's target size: a 0 side keeps the aspect ratio from the other, both 0 keep the source size.
 * @returns the target size in pixels, each side ≥ 1.
 */
export function targetSize(src: { width: number; height: number }, width: number, height: number): { width: number; height: number } {
  if (width === 0 && height === 0) return { width: src.width, height: src.height };
  if (width === 0) return { width: Math.max(1, roundHalfEven((src.width * height) / src.height)), height };
  if (height === 0) return { width, height: Math.max(1, roundHalfEven((src.height * width) / src.width)) };
  return { width, height };
}

/** ComfyUI's center crop: the centred part of the source with the target's aspect ratio. */
export function centerCropRegion(src: { width: number; height: number }, dst: { width: number; height: number }): Region {
  const oldAspect = src.width / src.height;
  const newAspect = dst.width / dst.height;
  let x = 0;
  let y = 0;
  if (oldAspect > newAspect) x = roundHalfEven((src.width - src.width * (newAspect / oldAspect)) / 2);
  else if (oldAspect < newAspect) y = roundHalfEven((src.height - src.height * (oldAspect / newAspect)) / 2);
  return { left: x, top: y, width: src.width - 2 * x, height: src.height - 2 * y };
}

function sharpKernel(method: ResizeMethod, shrinking: boolean): keyof KernelEnum {
  switch (method) {
    case 'nearest-exact':
      return 'nearest';
    case 'bilinear':
      return 'linear';
    case 'area':
      return shrinking ? 'linear' : 'nearest';
    case 'bicubic':
      return 'cubic';
    case 'lanczos':
      return 'lanczos3';
  }
}

/** 0..1 floats to 16-bit samples, in time slices that yield to the event loop. */
async function toUint16(src: Float32Array, signal?: AbortSignal): Promise<Uint16Array> {
  const out = new Uint16Array(src.length);
  await timeSliced(src.length, (start, end) => {
    for (let i = start; i < end; i++) {
      const v = src[i]!;
      out[i] = v > 0 ? (v < 1 ? Math.round(v * 65535) : 65535) : 0;
    }
  }, signal);
  return out;
}

/** `out[offset + i] = samples[i] / 65535` in time slices (a 4000×4000 result is 48M samples, far too long for one tick). */
async function unpackUint16(samples: Uint16Array, out: Float32Array, offset: number, signal?: AbortSignal): Promise<void> {
  await timeSliced(samples.length, (start, end) => {
    for (let i = start; i < end; i++) out[offset + i] = samples[i]! / 65535;
  }, signal);
}

async function resizeOne(pixels: Float32Array, src: { width: number; height: number }, opts: ResizeOptions & { region: Region; out: Float32Array; offset: number }): Promise<void> {
  const shrinking = opts.width * opts.height < opts.region.width * opts.region.height;
  const pipeline = sharp(await toUint16(pixels, opts.signal), { raw: { ...src, channels: 3 }, limitInputPixels: false })
    .toColourspace('rgb16')
    .extract(opts.region)
    .resize(opts.width, opts.height, { fit: 'fill', kernel: sharpKernel(opts.method, shrinking) })
    .raw({ depth: 'ushort' })
    .toBuffer({ resolveWithObject: true });
  // A 4000×4000 lanczos pass takes seconds in libvips: an interrupt stops waiting for it (models/abortable.ts).
  const { data } = await abortable(pipeline, opts.signal);
  await unpackUint16(asUint16(data), opts.out, opts.offset, opts.signal);
}

/**
 * Resizes every item of an IMAGE batch [B,H,W,3] to [B,height,width,3], optionally center-cropping the source to
 * the target aspect ratio first. A same-size request without crop returns the input unchanged (no resampling).
 */
export async function resizeImage(image: ImageBatch, options: ResizeOptions): Promise<ImageBatch> {
  const [batch, height, width] = image.dims;
  const { width: dstW, height: dstH } = options;
  if (!Number.isInteger(dstW) || !Number.isInteger(dstH) || dstW < 1 || dstH < 1) {
    throw new Error(`resize target must be positive integers, got ${dstW}x${dstH}`);
  }
  const src = { width, height };
  const region = options.crop === 'center' ? centerCropRegion(src, { width: dstW, height: dstH }) : { left: 0, top: 0, width, height };
  if (region.width === dstW && region.height === dstH && region.width === width && region.height === height) return image;
  const per = height * width * 3;
  const out = new Float32Array(batch * dstH * dstW * 3);
  for (let b = 0; b < batch; b++) {
    options.signal?.throwIfAborted();
    await resizeOne(image.data.subarray(b * per, (b + 1) * per), src, { ...options, region, out, offset: b * dstH * dstW * 3 });
  }
  return { data: out, dims: [batch, dstH, dstW, 3] };
}
