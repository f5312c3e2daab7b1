/**
 * Encoding one item of an IMAGE batch to PNG (with text chunks) or JPEG with sharp.
 */
import sharp from 'sharp';
import type { ImageBatch } from '../tensors.js';
import type { Rgb8Image } from '../processors/clip-image-core.js';
import { insertPngTextChunks } from './png-text.js';
import { timeSliced } from '../time-sliced.js';

/**
 * ComfyUI's SaveImage/PreviewImage quantisation, `np.clip(255 * i, 0, 255).astype(np.uint8)`: scale, clamp, then
 * truncate toward zero (NaN → 0), so the PNG bytes match ComfyUI's for the same tensor. The product is rounded
 * to float32 (`Math.fround`) as numpy computes it on a float32 array; with that, decode (k/255 in float32) →
 * encode gives k back for every level.
 */
export async function quantiseLikeComfy(src: Float32Array, offset: number, pixels: number): Promise<Uint8Array> {
  const out = new Uint8Array(pixels * 3);
  // Time-sliced: a 4000×4000 image is 48M samples (docs/architecture.md, "Responsiveness").
  await timeSliced(out.length, (start, end) => {
    for (let i = start; i < end; i++) {
      const v = Math.fround(src[offset + i]! * 255);
      out[i] = v >= 255 ? 255 : v > 0 ? Math.trunc(v) : 0; // NaN fails both tests → 0
    }
  });
  return out;
}

/**
 * Converts item `index` of an IMAGE batch to 8-bit RGB with ComfyUI's quantisation (`quantiseLikeComfy`).
 * @throws Error (synchronously) for a non-RGB batch or an index outside it
 */
export function imageToRgb8(image: ImageBatch, index: number): Promise<Rgb8Image> {
  const [batch, height, width, channels] = image.dims;
  if (channels !== 3) throw new Error(`expected an IMAGE [B,H,W,3], got dims [${image.dims.join(',')}]`);
  if (!Number.isInteger(index) || index < 0 || index >= batch) throw new Error(`image index ${index} is outside the batch of ${batch}`);
  return quantiseLikeComfy(image.data, index * height * width * 3, height * width).then((data) => ({ data, width, height, channels: 3 }));
}

export interface PngOptions {
  /** Text chunks to embed (tEXt, or iTXt for non-Latin-1 values), inserted after IHDR in this order. */
  readonly textChunks?: Readonly<Record<string, string>>;
  /** zlib level 0..9; ComfyUI uses 4 for SaveImage and 1 for PreviewImage. Default 4. */
  readonly compressionLevel?: number;
}

/** Encodes item `index` of an IMAGE batch as an 8-bit RGB PNG file. */
export async function encodePng(image: ImageBatch, index: number, options: PngOptions = {}): Promise<Buffer> {
  const { data, width, height } = await imageToRgb8(image, index);
  const png = await sharp(data, { raw: { width, height, channels: 3 }, limitInputPixels: false })
    .png({ compressionLevel: options.compressionLevel ?? 4 })
    .toBuffer();
  const chunks = options.textChunks ?? {};
  return Object.keys(chunks).length > 0 ? insertPngTextChunks(png, chunks) : png;
}

/** Encodes item `index` of an IMAGE batch as a baseline JPEG (quality 1..100, default 90), e.g. for previews. */
export async function encodeJpeg(image: ImageBatch, index: number, options: { quality?: number } = {}): Promise<Buffer> {
  const { data, width, height } = await imageToRgb8(image, index);
  return sharp(data, { raw: { width, height, channels: 3 }, limitInputPixels: false })
    .jpeg({ quality: options.quality ?? 90 })
    .toBuffer();
}
