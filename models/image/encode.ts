/**
 * Encoding one item of an IMAGE batch to PNG (with text chunks) or JPEG with sharp.
 */
import sharp from 'sharp';
import type { ImageBatch } from '../tensors.js';
import { floatRgbToUint8, type Rgb8Image } from '../processors/clip-image-core.js';
import { insertPngTextChunks } from './png-text.js';

/**
 * Converts item `index` of an IMAGE batch to 8-bit RGB: v × 255, rounded to nearest (ties to even), clamped to
 * 0..255, NaN → 0. ComfyUI truncates instead (`np.clip(255 * i, 0, 255).astype(uint8)`); rounding makes
 * decode → encode an exact round trip, and differs from ComfyUI by at most 1 level.
 */
export function imageToRgb8(image: ImageBatch, index: number): Rgb8Image {
  const [batch, height, width, channels] = image.dims;
  if (channels !== 3) throw new Error(`expected an IMAGE [B,H,W,3], got dims [${image.dims.join(',')}]`);
  if (!Number.isInteger(index) || index < 0 || index >= batch) throw new Error(`image index ${index} is outside the batch of ${batch}`);
  // The same quantisation CLIP preprocessing applies to an IMAGE, so a saved PNG and the IMAGE embed alike.
  return { data: floatRgbToUint8(image.data, index * height * width * 3, height * width), width, height, channels: 3 };
}

export interface PngOptions {
  /** Text chunks to embed (tEXt, or iTXt for non-Latin-1 values), inserted after IHDR in this order. */
  readonly textChunks?: Readonly<Record<string, string>>;
  /** zlib level 0..9; ComfyUI uses 4 for SaveImage and 1 for PreviewImage. Default 4. */
  readonly compressionLevel?: number;
}

/** Encodes item `index` of an IMAGE batch as an 8-bit RGB PNG file. */
export async function encodePng(image: ImageBatch, index: number, options: PngOptions = {}): Promise<Buffer> {
  const { data, width, height } = imageToRgb8(image, index);
  const png = await sharp(data, { raw: { width, height, channels: 3 }, limitInputPixels: false })
    .png({ compressionLevel: options.compressionLevel ?? 4 })
    .toBuffer();
  const chunks = options.textChunks ?? {};
  return Object.keys(chunks).length > 0 ? insertPngTextChunks(png, chunks) : png;
}

/** Encodes item `index` of an IMAGE batch as a baseline JPEG (quality 1..100, default 90), e.g. for previews. */
export async function encodeJpeg(image: ImageBatch, index: number, options: { quality?: number } = {}): Promise<Buffer> {
  const { data, width, height } = imageToRgb8(image, index);
  return sharp(data, { raw: { width, height, channels: 3 }, limitInputPixels: false })
    .jpeg({ quality: options.quality ?? 90 })
    .toBuffer();
}
