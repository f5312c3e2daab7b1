/**
 * Random-crop augmentation for the embedding cache: K views per image, view 0 the plain CLIP view (whole image,
 * shortest side resized, center crop) and views 1..K−1 random crops in the style of torchvision's
 * RandomResizedCrop (area share and aspect ratio drawn at random, then the normal CLIP preprocessing).
 */
import type { Rng } from '../../onnx-builder/prng.js';
import type { Rgb8Image } from '../../processors/clip-image-core.js';

/** Crop ranges. */
export interface CropConfig {
  /** Share of the image area kept, [min, max] in (0, 1]. */
  readonly scale: readonly [number, number];
  /** Width/height ratio range, sampled log-uniformly. */
  readonly ratio: readonly [number, number];
}

/**
 * Milder than torchvision's (0.08–1) default: a crop must still show the object and the degradation the texts
 * describe, or the (image, text) pair turns into a false label.
 */
export const CROP_DEFAULTS = { scale: [0.5, 1], ratio: [3 / 4, 4 / 3] } as const satisfies CropConfig;

/** A crop rectangle in pixels. */
export interface CropBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** Draws a crop box inside width×height (falls back to the whole image after 10 misses, as torchvision does). */
export function randomCropBox(rng: Rng, size: { width: number; height: number }, config: CropConfig = CROP_DEFAULTS): CropBox {
  const area = size.width * size.height;
  const [lo, hi] = [Math.log(config.ratio[0]), Math.log(config.ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * (config.scale[0] + rng.uniform() * (config.scale[1] - config.scale[0]));
    const ratio = Math.exp(lo + rng.uniform() * (hi - lo));
    const width = Math.round(Math.sqrt(target * ratio));
    const height = Math.round(Math.sqrt(target / ratio));
    if (width >= 1 && height >= 1 && width <= size.width && height <= size.height) {
      const left = Math.floor(rng.uniform() * (size.width - width + 1));
      const top = Math.floor(rng.uniform() * (size.height - height + 1));
      return { left, top, width, height };
    }
  }
  return { left: 0, top: 0, width: size.width, height: size.height };
}

/** Copies the box out of an 8-bit image. */
export function cropRgb8(image: Rgb8Image, box: CropBox): Rgb8Image {
  const c = image.channels;
  const out = new Uint8Array(box.width * box.height * c);
  for (let y = 0; y < box.height; y++) {
    const src = ((box.top + y) * image.width + box.left) * c;
    out.set(image.data.subarray(src, src + box.width * c), y * box.width * c);
  }
  return { data: out, width: box.width, height: box.height, channels: c };
}

/** The K views of one image: the image itself, then K−1 random crops. */
export function augmentedViews(image: Rgb8Image, views: number, rng: Rng, config: CropConfig = CROP_DEFAULTS): Rgb8Image[] {
  const out = [image];
  for (let k = 1; k < views; k++) out.push(cropRgb8(image, randomCropBox(rng, image, config)));
  return out;
}
