/**
 * VAEDecode / VAEEncode for SD1.5 ONNX exports. LATENT holds raw VAE latents, as in ComfyUI; the 0.18215 scaling
 * into model space happens in the sampler (see `sample.ts`).
 * - Decode runs one image at a time (diffusers does this too: fp16 decoders misbehave at batch > 1, and it bounds
 *   memory), then maps [-1, 1] NCHW to IMAGE [B, H, W, 3] in 0 … 1.
 * - Encode centre-crops the image to multiples of 8 (as ComfyUI), maps 0 … 1 to [-1, 1], and reads either
 *   `latent_sample` (older exports: already a posterior sample, drawn inside the graph) or `latent_parameters`
 *   (newer optimum: mean ‖ logvar). From parameters we take the posterior mode (the mean), which keeps VAEEncode
 *   deterministic; `posterior: 'sample'` draws mean + exp(logvar/2)·ε with a seeded ε instead.
 */
import { floatOutput } from '../onnx/tensor-types.js';
import { latentNoise, type Seed } from '../sampling/noise.js';
import type { FloatTensor, ImageBatch, Latent } from '../tensors.js';
import { SD15_LATENT_FORMAT } from './latent-format.js';
import type { SessionSource } from './sessions.js';
import type { SdVae } from './types.js';

/** Options of {@link vaeDecode}. */
export interface VaeDecodeOptions {
  readonly sessions: SessionSource;
  readonly vae: SdVae;
  readonly latent: Latent;
  readonly signal?: AbortSignal;
  /** Called after each decoded image (for progress). */
  readonly onImage?: (done: number, total: number) => void;
}

/** Decodes raw latents [B, 4, h, w] to IMAGE [B, 8h, 8w, 3] in 0 … 1. */
export async function vaeDecode(o: VaeDecodeOptions): Promise<ImageBatch> {
  const { data, dims } = o.latent.samples;
  if (dims.length !== 4 || dims[1] !== SD15_LATENT_FORMAT.channels) throw new Error(`VAEDecode: expected LATENT samples [B,4,h,w], got [${dims.join(',')}]`);
  const [b, c, h, w] = dims as [number, number, number, number];
  const session = await o.sessions.get(o.vae.decoderPath);
  const inputName = session.input('latent_sample') ? 'latent_sample' : session.inputs[0]!.name;
  const outName = session.outputs.some((m) => m.name === 'sample') ? 'sample' : session.outputs[0]!.name;
  let out: Float32Array | undefined;
  let H = 0;
  let W = 0;
  for (let i = 0; i < b; i++) {
    const latent = { data: data.subarray(i * c * h * w, (i + 1) * c * h * w), dims: [1, c, h, w] };
    const res = floatOutput(await session.run({ [inputName]: latent }, { signal: o.signal }), outName, session.file);
    if (res.dims.length !== 4 || res.dims[1] !== 3) throw new Error(`VAE decoder ${session.file}: output ${outName} is [${res.dims.join(',')}], expected [1,3,H,W]`);
    [H, W] = [res.dims[2]!, res.dims[3]!];
    out ??= new Float32Array(b * H * W * 3);
    chwToHwcUnit(res.data, out.subarray(i * H * W * 3, (i + 1) * H * W * 3), H * W);
    o.onImage?.(i + 1, b);
  }
  return { data: out!, dims: [b, H, W, 3] };
}

/** [3, H·W] in [-1, 1] → [H·W, 3] in 0 … 1 (clamped). */
function chwToHwcUnit(src: Float32Array, dst: Float32Array, plane: number): void {
  for (let p = 0; p < plane; p++) {
    for (let k = 0; k < 3; k++) dst[p * 3 + k] = Math.min(Math.max(src[k * plane + p]! / 2 + 0.5, 0), 1);
  }
}

/** Options of {@link vaeEncode}. */
export interface VaeEncodeOptions {
  readonly sessions: SessionSource;
  readonly vae: SdVae;
  readonly image: ImageBatch;
  /** For `latent_parameters` exports: `mode` (default) or a seeded `sample`. */
  readonly posterior?: 'mode' | 'sample';
  /** Seed for `posterior: 'sample'` (image i uses seed + i). */
  readonly seed?: Seed;
  readonly signal?: AbortSignal;
}

/** One image, centre-cropped to multiples of 8, as NCHW [1, 3, H', W'] in [-1, 1]. */
export function imageToVaeInput(image: ImageBatch, index: number): FloatTensor {
  const [, H, W] = image.dims;
  const d = SD15_LATENT_FORMAT.downscale;
  const h = Math.floor(H / d) * d;
  const w = Math.floor(W / d) * d;
  if (h === 0 || w === 0) throw new Error(`VAEEncode: image ${W}×${H} is smaller than ${d}×${d}`);
  const y0 = Math.floor((H % d) / 2);
  const x0 = Math.floor((W % d) / 2);
  const out = new Float32Array(3 * h * w);
  const base = index * H * W * 3;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const src = base + ((y + y0) * W + (x + x0)) * 3;
      for (let k = 0; k < 3; k++) out[k * h * w + y * w + x] = image.data[src + k]! * 2 - 1;
    }
  }
  return { data: out, dims: [1, 3, h, w] };
}

/** Encodes IMAGE [B, H, W, 3] to raw latents [B, 4, H/8, W/8]. */
export async function vaeEncode(o: VaeEncodeOptions): Promise<Latent> {
  if (!o.vae.encoderPath) throw new Error(`VAE "${o.vae.key}" has no encoder (vae_encoder/model.onnx is missing), so VAEEncode cannot run`);
  const session = await o.sessions.get(o.vae.encoderPath);
  const inputName = session.input('sample') ? 'sample' : session.inputs[0]!.name;
  const b = o.image.dims[0];
  const parts: Float32Array[] = [];
  let dims: number[] = [];
  for (let i = 0; i < b; i++) {
    const out = await session.run({ [inputName]: imageToVaeInput(o.image, i) }, { signal: o.signal });
    const latent = readLatent(out as Record<string, FloatTensor>, session.file, { ...o, index: i });
    parts.push(latent.data);
    dims = [b, ...latent.dims.slice(1)];
  }
  const data = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.forEach((p, i) => data.set(p, i * p.length));
  return { samples: { data, dims } };
}

function readLatent(out: Record<string, FloatTensor>, file: string, o: VaeEncodeOptions & { index: number }): FloatTensor {
  if (out.latent_sample) return floatOutput(out, 'latent_sample', file);
  if (!out.latent_parameters) throw new Error(`VAE encoder ${file} has neither latent_sample nor latent_parameters among its outputs (${Object.keys(out).join(', ')})`);
  const p = floatOutput(out, 'latent_parameters', file);
  const [, c2, h, w] = p.dims as [number, number, number, number];
  const c = c2 / 2;
  const plane = c * h * w;
  const meanPart = p.data.slice(0, plane);
  if ((o.posterior ?? 'mode') === 'mode') return { data: meanPart, dims: [1, c, h, w] };
  if (o.seed === undefined) throw new Error('VAEEncode: posterior "sample" needs a seed');
  const eps = latentNoise({ seed: o.seed, dims: [1, c, h, w], batchIndex: [o.index] });
  for (let i = 0; i < plane; i++) {
    // diffusers DiagonalGaussianDistribution clamps logvar to [-30, 20].
    const logvar = Math.min(Math.max(p.data[plane + i]!, -30), 20);
    meanPart[i] = meanPart[i]! + Math.exp(0.5 * logvar) * eps[i]!;
  }
  return { data: meanPart, dims: [1, c, h, w] };
}
