/**
 * Classifier-free guidance around the SD UNet, as a k-diffusion {@link Denoiser}:
 * ε = ε_u + g·(ε_c − ε_u) (docs/sampling.md), with ε_u from the negative and ε_c from the positive conditioning.
 * - When the export takes a batch of 2B, uncond and cond go through ONE call, stacked [uncond; cond] (diffusers'
 *   and ComfyUI's order); otherwise two calls. Contexts of different lengths (long prompts with a different
 *   number of 77-token chunks) also take two calls.
 * - cfg = 1 skips the uncond pass (ComfyUI does the same), so the negative prompt costs nothing.
 * - Several conditioning entries on one side are averaged (ComfyUI without areas or strengths).
 * - An IP-Adapter patch appends its image tokens to both sides and feeds `ipadapter_scale` per step.
 */
import { applyCfg, epsToDenoiser } from '../sampling/denoiser.js';
import type { Denoiser } from '../sampling/samplers/sampler.js';
import { nearestTimestep, type ModelSamplingInfo } from '../sampling/sigmas.js';
import { concatBatch, type FloatTensor } from '../tensors.js';
import { appendTokens, ipScaleAt, ipSigmaWindow, type IpSigmaWindow } from './ip-adapter-feed.js';
import type { Conditioning, ConditioningEntry, IpAdapterPatch } from './types.js';
import type { SdUnet } from './unet.js';

/** Options of {@link createGuidance}. */
export interface GuidanceOptions {
  readonly unet: SdUnet;
  readonly positive: Conditioning;
  readonly negative: Conditioning;
  /** Guidance scale g ≥ 0; 1 disables guidance and the uncond pass. */
  readonly cfg: number;
  /** Images in the latent batch B. */
  readonly batch: number;
  readonly modelSampling: ModelSamplingInfo;
  /** The MODEL's IP-Adapter patch; `unet` must then be the IP-capable UNet. */
  readonly ipAdapter?: IpAdapterPatch;
  /** `never` forces two calls even when a batch of 2B is allowed (for tests and benchmarks). Default `auto`. */
  readonly batching?: 'auto' | 'never';
  readonly signal?: AbortSignal;
}

/** Guided ε prediction plus the denoiser built on it. */
export interface Guidance {
  /** ε for scaled input x/√(σ²+1) at UNet timestep t; σ picks the IP-Adapter scale. */
  eps(scaledX: FloatTensor, t: number, sigma: number): Promise<Float32Array>;
  /** The k-diffusion denoiser x ↦ x0 (timestep = nearest integer t, as ComfyUI). */
  readonly denoiser: Denoiser;
}

/** Repeats a [1, S, D] embedding to [B, S, D] (or checks a [B, S, D] one). */
function contextFor(entry: ConditioningEntry, batch: number, side: string): FloatTensor {
  const e = entry.embeds;
  if (e.dims.length !== 3) throw new Error(`${side} conditioning: embeds must be [1, tokens, 768], got [${e.dims.join(',')}]`);
  if (e.dims[0] === batch) return e;
  if (e.dims[0] !== 1) throw new Error(`${side} conditioning has a batch of ${e.dims[0]} for a latent batch of ${batch}`);
  return concatBatch(Array.from({ length: batch }, () => e));
}

function mean(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(parts[0]!.length);
  for (const p of parts) for (let i = 0; i < out.length; i++) out[i] += p[i]! / parts.length;
  return out;
}

/** Builds the guided model for one sampling run (contexts are prepared once here, not per step). */
export function createGuidance(o: GuidanceOptions): Guidance {
  if (o.positive.length === 0 || o.negative.length === 0) throw new Error('KSampler: positive and negative conditioning must each hold at least one entry');
  if (!(o.cfg >= 0)) throw new Error(`KSampler: cfg must be ≥ 0, got ${o.cfg}`);
  const ip = o.ipAdapter;
  if (ip && !o.unet.ipScaleInput) throw new Error(`the MODEL has an IP-Adapter patch but UNet ${o.unet.session.file} is not IP-capable`);
  const withIp = (ctx: FloatTensor, tokens: FloatTensor | undefined) => (tokens ? appendTokens(ctx, tokens) : ctx);
  const cond = o.positive.map((e) => withIp(contextFor(e, o.batch, 'positive'), ip?.cond));
  const uncond = o.cfg === 1 ? [] : o.negative.map((e) => withIp(contextFor(e, o.batch, 'negative'), ip?.uncond));
  const window: IpSigmaWindow | undefined = ip ? ipSigmaWindow(o.modelSampling, ip) : undefined;
  const stack =
    o.batching !== 'never' && cond.length === 1 && uncond.length === 1 && cond[0]!.dims[1] === uncond[0]!.dims[1] && o.unet.acceptsBatch(2 * o.batch);
  const stacked = stack ? concatBatch([uncond[0]!, cond[0]!]) : undefined;

  async function eps(x: FloatTensor, t: number, sigma: number): Promise<Float32Array> {
    const ipScale = ip && window ? ipScaleAt({ weight: ip.weight, layerScales: ip.layerScales, window, sigma, length: o.unet.ipScaleLength }) : undefined;
    const run = (sample: FloatTensor, context: FloatTensor) => o.unet.predict({ sample, timestep: t, context, ipScale, signal: o.signal });
    if (stacked) {
      const both = await run(concatBatch([x, x]), stacked);
      const half = x.data.length;
      return applyCfg({ uncond: both.subarray(0, half), cond: both.subarray(half), scale: o.cfg });
    }
    const c: Float32Array[] = [];
    for (const ctx of cond) c.push(await run(x, ctx));
    if (uncond.length === 0) return mean(c);
    const u: Float32Array[] = [];
    for (const ctx of uncond) u.push(await run(x, ctx));
    return applyCfg({ uncond: mean(u), cond: mean(c), scale: o.cfg });
  }

  const denoiser: Denoiser = (x, sigma) =>
    epsToDenoiser({ predictEps: (scaled, t) => eps(scaled, t, sigma), sigmaToT: (s) => nearestTimestep(o.modelSampling, s) })(x, sigma);
  return { eps, denoiser };
}
