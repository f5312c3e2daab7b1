/**
 * Decoding files and buffers into ComfyUI's IMAGE layout with sharp, with a pixel limit checked on the header
 * before any pixel is decoded.
 */
import sharp, { type Metadata } from 'sharp';
import type { FloatTensor, ImageBatch } from '../tensors.js';
import { ImageDecodeError, ImageTooLargeError } from './errors.js';
import { timeSliced } from '../time-sliced.js';

/** ComfyUI's MASK: float32 [B, H, W] in 0..1, where 1 marks masked (transparent) pixels. */
export interface Mask extends FloatTensor {
  readonly dims: readonly [number, number, number];
}

/**
 * Default pixel limit (8192², 64 Mpx; all frames together). A 64 Mpx IMAGE takes 768 MiB as float32 RGB, so
 * this is about the most a single node input should hold; callers with other needs pass `maxPixels`.
 */
export const DEFAULT_MAX_PIXELS = 8192 * 8192;

export interface DecodeOptions {
  /** Largest accepted width × height × frames; larger images throw `ImageTooLargeError`. */
  readonly maxPixels?: number;
  /** `first` (default) decodes one frame; `all` decodes every frame of an animated GIF/WebP or multi-page TIFF. */
  readonly frames?: 'first' | 'all';
}

export interface DecodedImage {
  /** [frames, H, W, 3] in 0..1, EXIF orientation applied (single-frame images), alpha dropped. */
  readonly image: ImageBatch;
  /** 1 − alpha as [frames, H, W] (ComfyUI's LoadImage convention), or undefined when the image has no alpha. */
  readonly mask?: Mask;
  /** Source format as sharp names it (png, jpeg, webp, gif, tiff...). */
  readonly format: string;
  /** Bits per channel of the decoded samples: 8 or 16. */
  readonly bitDepth: 8 | 16;
}

const U8_TO_FLOAT = Float32Array.from({ length: 256 }, (_, i) => i / 255);

function describe(source: Uint8Array | string): string {
  return typeof source === 'string' ? JSON.stringify(source) : `(buffer of ${source.length} bytes)`;
}

/** Reads only the header: format, size, frames and depth. */
async function readHeader(source: Uint8Array | string, all: boolean): Promise<Metadata> {
  try {
    return await sharp(source, { pages: all ? -1 : 1, limitInputPixels: false }).metadata();
  } catch (e) {
    throw new ImageDecodeError(describe(source), e);
  }
}

/** Splits interleaved RGB(A) samples into an IMAGE and, when there is alpha, a MASK. */
async function toTensors(samples: Uint8Array | Uint16Array, opts: { width: number; height: number; channels: number; frames: number }) {
  const { width, height, channels, frames } = opts;
  const n = width * height * frames;
  const image = new Float32Array(n * 3);
  const mask = channels === 4 ? new Float32Array(n) : undefined;
  const eightBit = samples instanceof Uint8Array;
  const value = (v: number) => (eightBit ? U8_TO_FLOAT[v]! : v / 65535);
  // Time-sliced: a large image is tens of millions of samples (docs/architecture.md, "Responsiveness").
  await timeSliced(n, (start, end) => {
    for (let p = start, s = start * channels; p < end; p++, s += channels) {
      image[p * 3] = value(samples[s]!);
      image[p * 3 + 1] = value(samples[s + 1]!);
      image[p * 3 + 2] = value(samples[s + 2]!);
      if (mask) mask[p] = 1 - value(samples[s + 3]!);
    }
  });
  const frameHeight = height / frames;
  return {
    image: { data: image, dims: [frames, frameHeight, width, 3] } as ImageBatch,
    mask: mask && ({ data: mask, dims: [frames, frameHeight, width] } as Mask),
  };
}

/** Views 16-bit samples without copying when the buffer is 2-byte aligned (it is for sharp's own buffers). */
export function asUint16(data: Buffer): Uint16Array {
  const bytes = data.byteOffset % 2 === 0 ? data : Uint8Array.from(data);
  return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
}

/**
 * Decodes an image file or buffer (any format sharp reads: PNG, JPEG, WebP, GIF, TIFF, AVIF...) into an IMAGE.
 * Greyscale becomes RGB, CMYK and ICC-tagged images are converted to sRGB, 16-bit samples keep their precision,
 * and alpha becomes a separate mask.
 *
 * The pixel count is checked on the header first, and sharp's `limitInputPixels` backs it up, so a small file
 * declaring a huge size throws `ImageTooLargeError` without allocating its pixels.
 * @throws ImageTooLargeError when width × height × frames exceeds `maxPixels`.
 * @throws ImageDecodeError when the data is not a decodable image.
 */
export async function decodeImage(source: Uint8Array | string, options: DecodeOptions = {}): Promise<DecodedImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const all = options.frames === 'all';
  const meta = await readHeader(source, all);
  const frames = all ? Math.max(1, meta.pages ?? 1) : 1;
  const frameHeight = all && meta.pageHeight ? meta.pageHeight : meta.height;
  if (meta.width * frameHeight * frames > maxPixels) {
    throw new ImageTooLargeError(describe(source), meta.width, frameHeight, frames, maxPixels);
  }
  const sixteen = meta.depth === 'ushort';
  try {
    // failOn 'error' (not sharp's default 'warning'): like Pillow with LOAD_TRUNCATED_IMAGES, which ComfyUI
    // enables, we accept files with benign libpng/libjpeg warnings but not corrupt pixel data.
    // EXIF orientation only makes sense for a single frame; rotating a stack of frames would scramble them.
    const pipeline = sharp(source, { pages: all ? -1 : 1, limitInputPixels: maxPixels, autoOrient: frames === 1, failOn: 'error' })
      .toColourspace(sixteen ? 'rgb16' : 'srgb')
      .raw({ depth: sixteen ? 'ushort' : 'uchar' });
    const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
    const samples = sixteen ? asUint16(data) : new Uint8Array(data.buffer, data.byteOffset, data.length);
    const { image, mask } = await toTensors(samples, { width: info.width, height: info.height, channels: info.channels, frames });
    return { image, mask, format: meta.format, bitDepth: sixteen ? 16 : 8 };
  } catch (e) {
    if (e instanceof Error && /pixel limit/i.test(e.message)) {
      throw new ImageTooLargeError(describe(source), meta.width, frameHeight, frames, maxPixels);
    }
    throw new ImageDecodeError(describe(source), e);
  }
}
