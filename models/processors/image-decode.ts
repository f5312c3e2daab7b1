/**
 * sharp-based decoding and resizing to 8-bit RGB, matching what PIL's `Image.open(...).convert('RGB')` feeds
 * HF's CLIPImageProcessor, with EXIF orientation applied.
 */
import sharp from 'sharp';
import type { Rgb8Image } from './clip-image-core.js';
import type { ResampleKernel } from './clip-image-config.js';

/** An encoded image: a file path or the file's bytes (JPEG, PNG, WebP, TIFF, GIF, AVIF…). */
export type EncodedImage = string | Uint8Array;

function describe(input: EncodedImage): string {
  return typeof input === 'string' ? input : `<${input.byteLength}-byte buffer>`;
}

/**
 * Decodes to full-size 8-bit RGB:
 * - EXIF orientation is applied (a portrait phone photo comes out upright);
 * - alpha is dropped without compositing, as PIL `convert('RGB')` does (transparent pixels keep their stored
 *   colour). This happens before resizing because sharp resizes premultiplied, which would darken edges;
 * - greyscale is expanded to RGB, CMYK/ICC-tagged images converted to sRGB;
 * - 16-bit images keep their high byte (libvips' ushort→uchar), where PIL would clip 16-bit greyscale to white.
 */
export async function decodeRgb8(input: EncodedImage): Promise<Rgb8Image> {
  try {
    const { data, info } = await sharp(input)
      .autoOrient()
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
    return { data, width: info.width, height: info.height, channels: 3 };
  } catch (err) {
    throw new Error(`image preprocessing: cannot decode ${describe(input)}: ${(err as Error).message}`);
  }
}

/** Options of {@link resizeRgb8}. */
export interface ResizeOptions {
  readonly width: number;
  readonly height: number;
  readonly kernel: ResampleKernel;
}

/** Resizes an 8-bit RGB image to exactly width×height (aspect not preserved: the caller picks the size). */
export async function resizeRgb8(image: Rgb8Image, options: ResizeOptions): Promise<Rgb8Image> {
  if (image.width === options.width && image.height === options.height) return image;
  const raw = { width: image.width, height: image.height, channels: image.channels } as const;
  const { data, info } = await sharp(image.data, { raw })
    .resize(options.width, options.height, { kernel: options.kernel, fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: image.channels };
}

/**
 * Decodes and resizes in one sharp pipeline, for images without alpha: it skips the full-size raw copy that
 * {@link decodeRgb8} + {@link resizeRgb8} make, which matters when preprocessing overlaps inference on few cores.
 * `size` is the target for the upright (EXIF-oriented) image. Shrink-on-load is off so pixels equal the two-step
 * path's. Returns undefined when the image has alpha (it must be dropped before resizing, see decodeRgb8).
 */
export async function decodeResizedRgb8(input: EncodedImage, sizeFor: (width: number, height: number) => ResizeOptions): Promise<Rgb8Image | undefined> {
  try {
    const meta = await sharp(input).metadata();
    if (meta.hasAlpha || !meta.width || !meta.height) return undefined;
    const swapped = (meta.orientation ?? 1) >= 5;
    const target = sizeFor(swapped ? meta.height : meta.width, swapped ? meta.width : meta.height);
    const { data, info } = await sharp(input)
      .autoOrient()
      .toColourspace('srgb')
      .resize(target.width, target.height, { kernel: target.kernel, fit: 'fill', fastShrinkOnLoad: false })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) return undefined;
    return { data, width: info.width, height: info.height, channels: 3 };
  } catch (err) {
    throw new Error(`image preprocessing: cannot decode ${describe(input)}: ${(err as Error).message}`);
  }
}
