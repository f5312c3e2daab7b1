/**
 * CLIP image-preprocessing configuration: HF `preprocessor_config.json` (CLIPImageProcessor) parsed into plain
 * data, with CLIP's defaults declared once, and the size arithmetic HF uses.
 */
import { z } from 'zod';

/** OpenAI CLIP per-channel RGB mean in 0..1 units (also OpenCLIP ViT-H laion2b and IP-Adapter's image encoder). */
export const OPENAI_CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
/** OpenAI CLIP per-channel RGB std in 0..1 units. */
export const OPENAI_CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

/** sharp kernels we map PIL resample codes onto (sharp "cubic" is Catmull-Rom, a = −0.5, like PIL BICUBIC). */
export type ResampleKernel = 'nearest' | 'linear' | 'cubic' | 'lanczos3';

/** Resolved preprocessing steps; a `null` step is skipped. */
export interface ClipImageConfig {
  /** Shortest side → `shortestEdge` keeping aspect, or an exact {height, width} (px). */
  readonly resize: { readonly shortestEdge: number } | { readonly height: number; readonly width: number } | null;
  /** Center crop size (px). */
  readonly crop: { readonly height: number; readonly width: number } | null;
  /** Multiplier applied to 0..255 values (1/255). */
  readonly rescale: number | null;
  /** Per-channel RGB mean and std applied after rescale. */
  readonly normalize: { readonly mean: readonly number[]; readonly std: readonly number[] } | null;
  readonly resample: ResampleKernel;
}

/** CLIPImageProcessor() defaults: 224 bicubic, center crop 224, 1/255, OpenAI mean/std. */
export const CLIP_IMAGE_DEFAULTS = {
  resize: { shortestEdge: 224 },
  crop: { height: 224, width: 224 },
  rescale: 1 / 255,
  normalize: { mean: OPENAI_CLIP_MEAN, std: OPENAI_CLIP_STD },
  resample: 'cubic',
} as const satisfies ClipImageConfig;

const px = z.number().int().positive();
const triple = z.union([z.number(), z.array(z.number()).length(3)]);

/** The fields of preprocessor_config.json we read; others (processor class names…) are ignored. */
const PreprocessorJson = z.object({
  do_resize: z.boolean().optional(),
  size: z.union([px, z.object({ shortest_edge: px }), z.object({ height: px, width: px })]).optional(),
  do_center_crop: z.boolean().optional(),
  crop_size: z.union([px, z.object({ height: px, width: px })]).optional(),
  do_rescale: z.boolean().optional(),
  rescale_factor: z.number().positive().optional(),
  do_normalize: z.boolean().optional(),
  image_mean: triple.optional(),
  image_std: triple.optional(),
  resample: z.number().int().optional(),
});

/** PIL resample codes: 0 NEAREST, 1 LANCZOS, 2 BILINEAR, 3 BICUBIC (4 BOX and 5 HAMMING have no sharp kernel). */
const PIL_RESAMPLE: Readonly<Record<number, ResampleKernel>> = { 0: 'nearest', 1: 'lanczos3', 2: 'linear', 3: 'cubic' };

function asTriple(v: number | number[] | undefined, fallback: readonly number[]): readonly number[] {
  if (v === undefined) return fallback;
  return typeof v === 'number' ? [v, v, v] : v;
}

/**
 * Parses HF preprocessor_config.json content. `size` as a number means shortest edge (CLIP's
 * `default_to_square=False`); `crop_size` as a number means a square. Missing fields take CLIP's defaults.
 * @param source names the file in error messages.
 */
export function parseClipImageConfig(json: unknown, source = 'preprocessor_config.json'): ClipImageConfig {
  const parsed = PreprocessorJson.safeParse(json);
  if (!parsed.success) {
    throw new Error(`image preprocessing: ${source} is invalid: ${z.prettifyError(parsed.error)}`);
  }
  const c = parsed.data;
  const d = CLIP_IMAGE_DEFAULTS;
  const size = c.size ?? d.resize.shortestEdge;
  const crop = c.crop_size ?? d.crop;
  const resample = PIL_RESAMPLE[c.resample ?? 3];
  if (!resample) throw new Error(`image preprocessing: ${source} resample=${c.resample} is not supported (use 0-3)`);
  return {
    resize: c.do_resize === false ? null : typeof size === 'number' ? { shortestEdge: size } : 'shortest_edge' in size
      ? { shortestEdge: size.shortest_edge } : { height: size.height, width: size.width },
    crop: c.do_center_crop === false ? null : typeof crop === 'number' ? { height: crop, width: crop } : crop,
    rescale: c.do_rescale === false ? null : (c.rescale_factor ?? d.rescale),
    normalize: c.do_normalize === false ? null
      : { mean: asTriple(c.image_mean, d.normalize.mean), std: asTriple(c.image_std, d.normalize.std) },
    resample,
  };
}

/**
 * Output size of the resize step for an input of `width`×`height` (HF `get_resize_output_image_size` with
 * default_to_square=False): the short side becomes exactly `shortestEdge`, the long one int(edge·long/short),
 * truncated.
 */
export function resizedSize(
  width: number,
  height: number,
  resize: ClipImageConfig['resize'],
): { width: number; height: number } {
  if (resize === null) return { width, height };
  if (!('shortestEdge' in resize)) return { width: resize.width, height: resize.height };
  const edge = resize.shortestEdge;
  if (width <= height) return { width: edge, height: Math.trunc((edge * height) / width) };
  return { width: Math.trunc((edge * width) / height), height: edge };
}

/**
 * Top/left offset of a center crop of `crop` px from `size` px (HF `center_crop`): (size − crop)//2 when the image
 * is larger, and −(crop − size)//2 when HF zero-pads a smaller image first.
 */
export function cropOffset(size: number, crop: number): number {
  return size >= crop ? Math.floor((size - crop) / 2) : -Math.floor((crop - size) / 2);
}
