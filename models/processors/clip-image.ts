/**
 * CLIP image preprocessing (HF CLIPImageProcessor semantics): RGB → shortest side to `size` (bicubic) → center
 * crop → ×1/255 → (x − mean)/std → NCHW float32. Takes encoded images (paths, buffers) and ComfyUI IMAGE batches.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FloatTensor, ImageBatch } from '../tensors.js';
import { CLIP_IMAGE_DEFAULTS, cropOffset, parseClipImageConfig, resizedSize } from './clip-image-config.js';
import type { ClipImageConfig } from './clip-image-config.js';
import { cropNormalizeChw, floatRgbToUint8, normalizationTable } from './clip-image-core.js';
import type { Rgb8Image } from './clip-image-core.js';
import { decodeRgb8, decodeResizedRgb8, resizeRgb8 } from './image-decode.js';
import { pilResize, type PilFilter } from './pil-resample.js';
import type { ResampleKernel } from './clip-image-config.js';

/** The kernels resized exactly as PIL does; the rest (nearest) go through sharp. */
const PIL_FILTER_OF: Partial<Record<ResampleKernel, PilFilter>> = { cubic: 'bicubic', linear: 'bilinear', lanczos3: 'lanczos' };
import type { EncodedImage } from './image-decode.js';

export type { ClipImageConfig } from './clip-image-config.js';
export { CLIP_IMAGE_DEFAULTS, OPENAI_CLIP_MEAN, OPENAI_CLIP_STD } from './clip-image-config.js';

/**
 * One preprocessing input: an encoded image (path or bytes; one item) or a ComfyUI IMAGE batch
 * (float32 [B, H, W, 3] in 0..1; B items).
 */
export type ClipImageInput = EncodedImage | ImageBatch;

function isImageBatch(input: ClipImageInput): input is ImageBatch {
  return typeof input === 'object' && 'data' in input && input.data instanceof Float32Array;
}

/** Expands inputs to per-image 8-bit sources, in batch order. */
function itemsOf(input: ClipImageInput): Array<EncodedImage | Rgb8Image> {
  if (!isImageBatch(input)) return [input];
  const [b, h, w, c] = input.dims;
  if (input.dims.length !== 4 || c !== 3) throw new Error(`image preprocessing: IMAGE must be [B,H,W,3], got [${input.dims}]`);
  if (input.data.length !== b * h * w * 3) {
    throw new Error(`image preprocessing: IMAGE data has ${input.data.length} floats, dims [${input.dims}] need ${b * h * w * 3}`);
  }
  const items: Rgb8Image[] = [];
  for (let i = 0; i < b; i++) {
    items.push({ data: floatRgbToUint8(input.data, i * h * w * 3, h * w), width: w, height: h, channels: 3 });
  }
  return items;
}

/**
 * Preprocessor for CLIP vision encoders. ComfyUI IMAGE tensors are quantised to 8 bits first and then follow the
 * exact path of a decoded file, so an IMAGE and the PNG it came from give identical pixel_values. (ComfyUI's own
 * `clip_preprocess` resizes in float with torch bicubic and rounds the long side instead of truncating; the
 * difference is about 1e-2.)
 */
export class ClipImageProcessor {
  /** The resolved steps (plain data; see {@link ClipImageConfig}). */
  readonly config: ClipImageConfig;
  private readonly table: Float32Array;

  constructor(config: ClipImageConfig = CLIP_IMAGE_DEFAULTS) {
    this.config = config;
    this.table = normalizationTable(config);
  }

  /** From HF preprocessor_config.json content (see {@link parseClipImageConfig}). */
  static fromConfig(json: unknown, source?: string): ClipImageProcessor {
    return new ClipImageProcessor(parseClipImageConfig(json, source));
  }

  /** From `dir/preprocessor_config.json`, or CLIP's defaults when the folder has none. */
  static async fromDir(dir: string): Promise<ClipImageProcessor> {
    const file = path.join(dir, 'preprocessor_config.json');
    return ClipImageProcessor.fromConfigFile(existsSync(file) ? file : undefined);
  }

  /**
   * From a preprocessor_config.json file (a CLIP manifest's `preprocessorConfig`), or CLIP's defaults when there is
   * none.
   */
  static async fromConfigFile(file: string | undefined): Promise<ClipImageProcessor> {
    if (file === undefined) return new ClipImageProcessor();
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new Error(`image preprocessing: ${file} is not valid JSON: ${(err as Error).message}`);
    }
    return ClipImageProcessor.fromConfig(json, file);
  }

  /**
   * Preprocesses images into pixel_values [N, 3, S, S] float32 (S = crop size; without a crop, the common resized
   * size). N counts every item: one per encoded image, B per IMAGE batch. Decoding runs concurrently in sharp's
   * thread pool.
   */
  async preprocess(inputs: ClipImageInput | readonly ClipImageInput[]): Promise<FloatTensor> {
    const list = (Array.isArray(inputs) ? inputs : [inputs]) as readonly ClipImageInput[];
    const items = list.flatMap(itemsOf);
    if (items.length === 0) throw new Error('image preprocessing: no images given');
    const resized = await Promise.all(items.map((item) => this.resizedForCrop(item)));
    const crop = this.config.crop ?? { height: resized[0]!.height, width: resized[0]!.width };
    const per = 3 * crop.height * crop.width;
    const out = new Float32Array(items.length * per);
    resized.forEach((image, i) => {
      if (!this.config.crop && (image.width !== crop.width || image.height !== crop.height)) {
        throw new Error(
          `image preprocessing: without center crop all images must resize to one size; item ${i} is ` +
            `${image.width}×${image.height}, item 0 is ${crop.width}×${crop.height}`,
        );
      }
      cropNormalizeChw(image, { crop, table: this.table, out, offset: i * per });
    });
    return { data: out, dims: [items.length, 3, crop.height, crop.width] };
  }

  /**
   * What {@link preprocess} needs of one item: with a PIL filter and a crop that fits inside the resized image,
   * only the crop window is resized (pixels equal to resizing fully and cropping, at a fraction of the work);
   * otherwise {@link resized}.
   */
  private async resizedForCrop(item: EncodedImage | Rgb8Image): Promise<Rgb8Image> {
    const pil = PIL_FILTER_OF[this.config.resample];
    const crop = this.config.crop;
    if (!pil || !crop) return this.resized(item);
    const image = typeof item === 'string' || item instanceof Uint8Array ? await decodeRgb8(item) : item;
    const size = resizedSize(image.width, image.height, this.config.resize);
    if (size.width < crop.width || size.height < crop.height) return pilResize(image, size.width, size.height, { filter: pil });
    const window = { left: cropOffset(size.width, crop.width), top: cropOffset(size.height, crop.height), ...crop };
    return pilResize(image, size.width, size.height, { filter: pil, window });
  }

  /**
   * Decodes (when encoded) and resizes one item per the config; exposed for tests and custom pipelines. Bicubic,
   * bilinear and lanczos resize exactly as PIL (`pil-resample.ts`), as the HF processors do; nearest uses sharp.
   */
  async resized(item: EncodedImage | Rgb8Image): Promise<Rgb8Image> {
    const pil = PIL_FILTER_OF[this.config.resample];
    if (!pil && (typeof item === 'string' || item instanceof Uint8Array)) {
      const sizeFor = (w: number, h: number) => ({ ...resizedSize(w, h, this.config.resize), kernel: this.config.resample });
      const direct = await decodeResizedRgb8(item, sizeFor);
      if (direct) return direct;
    }
    const image = typeof item === 'string' || item instanceof Uint8Array ? await decodeRgb8(item) : item;
    const size = resizedSize(image.width, image.height, this.config.resize);
    if (pil) return pilResize(image, size.width, size.height, { filter: pil });
    return resizeRgb8(image, { ...size, kernel: this.config.resample });
  }
}
