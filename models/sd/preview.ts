/**
 * Step previews: a cheap latent → RGB linear projection (ComfyUI's `Latent2RGBPreviewer`) of one image of the
 * denoised estimate x0, encoded as a small JPEG or PNG with sharp. One preview costs a 4×3 matrix product per
 * latent cell plus encoding an h×w image (64×64 for a 512² generation), well under a millisecond of maths.
 */
import sharp from 'sharp';
import { SD15_LATENT_FORMAT, type LatentFormat } from './latent-format.js';

/** An encoded preview image (the shape `ctx.progress` takes). */
export interface EncodedPreview {
  readonly format: 'jpeg' | 'png';
  readonly data: Uint8Array;
}

/** Options of {@link latentToRgb}. */
export interface LatentToRgbOptions {
  /** Model-space latents [B, C, h, w], row-major. */
  readonly data: Float32Array;
  readonly dims: readonly number[];
  /** Which image of the batch (default 0). */
  readonly index?: number;
  /** Default SD1.5. */
  readonly format?: LatentFormat;
}

/** 8-bit RGB pixels, interleaved, row-major. */
export interface Rgb8 {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/**
 * Projects one latent image to RGB: rgb = Σ_c x[c]·factors[c], then (rgb + 1)/2 clamped to 0 … 1 and ×255
 * truncated (as ComfyUI's previewer does). The result has the latent's size (h × w).
 */
export function latentToRgb(o: LatentToRgbOptions): Rgb8 {
  const f = o.format ?? SD15_LATENT_FORMAT;
  const [batch, channels, height, width] = o.dims as [number, number, number, number];
  const index = o.index ?? 0;
  if (o.dims.length !== 4 || channels !== f.channels) {
    throw new Error(`latent preview: expected latents [B,${f.channels},h,w], got [${o.dims.join(',')}]`);
  }
  if (!Number.isInteger(index) || index < 0 || index >= batch) throw new Error(`latent preview: image ${index} is outside the batch of ${batch}`);
  const plane = height * width;
  const base = index * channels * plane;
  const out = new Uint8Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let k = 0; k < 3; k++) {
      let v = 0;
      for (let c = 0; c < channels; c++) v += o.data[base + c * plane + p]! * f.rgbFactors[c]![k]!;
      const unit = Math.min(Math.max((v + 1) / 2, 0), 1);
      out[p * 3 + k] = Math.trunc(unit * 255);
    }
  }
  return { data: out, width, height };
}

/** Options of {@link encodeLatentPreview}. */
export interface LatentPreviewOptions extends LatentToRgbOptions {
  /** Default `jpeg` (ComfyUI's default preview format). */
  readonly imageFormat?: 'jpeg' | 'png';
  /** JPEG quality 1 … 100; default 90. */
  readonly quality?: number;
}

/** {@link latentToRgb} encoded as a JPEG or PNG for a binary preview frame. */
export async function encodeLatentPreview(o: LatentPreviewOptions): Promise<EncodedPreview> {
  const rgb = latentToRgb(o);
  const img = sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } });
  const format = o.imageFormat ?? 'jpeg';
  const buf = format === 'png' ? await img.png({ compressionLevel: 1 }).toBuffer() : await img.jpeg({ quality: o.quality ?? 90 }).toBuffer();
  return { format, data: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
}
