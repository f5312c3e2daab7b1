/** Decompression-bomb guard: reads only an image's header and compares its pixel count with a limit. */
import sharp, { type Metadata } from 'sharp';
import { FileAccessError } from './file-access-error.js';

/** Default decode limit: 8192×8192 (64 MP). Raw RGBA at this size is 256 MiB. */
export const DEFAULT_MAX_IMAGE_PIXELS = 8192 * 8192;

/**
 * Throws 400 when `file` is an image declaring more than `maxPixels` pixels (all frames counted). Files sharp
 * cannot identify pass (uploads may be videos or audio); nothing is decoded, so the check costs a header read.
 */
export async function assertPixelLimit(file: string, displayName: string, maxPixels: number): Promise<void> {
  let meta: Metadata;
  try {
    meta = await sharp(file, { limitInputPixels: false }).metadata();
  } catch {
    return;
  }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0) * Math.max(1, meta.pages ?? 1);
  if (pixels > maxPixels) {
    throw new FileAccessError(
      400,
      `image "${displayName}" is ${meta.width}×${meta.height}${(meta.pages ?? 1) > 1 ? `×${meta.pages} frames` : ''} = ${pixels} pixels, above the limit of ${maxPixels}`,
    );
  }
}
