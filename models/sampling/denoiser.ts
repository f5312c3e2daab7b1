/**
 * Glue between an ε-prediction UNet and the k-diffusion samplers: the samplers want a denoiser x ↦ x0 in VE form,
 * the UNet wants x/√(σ²+1) and a discrete timestep and returns ε (ComfyUI `EPS.calculate_input` /
 * `calculate_denoised`).
 */
import type { FloatTensor } from '../tensors.js';
import type { Denoiser } from './samplers/sampler.js';

/** Options for {@link epsToDenoiser}. */
export interface EpsDenoiserOptions {
  /**
   * The guided noise prediction: given the scaled input x/√(σ²+1) (same dims as the latent) and the UNet
   * timestep t, resolve to ε with the same length. Classifier-free guidance belongs in here (see {@link applyCfg}).
   */
  readonly predictEps: (scaledX: FloatTensor, t: number) => Promise<Float32Array>;
  /**
   * σ → UNet timestep. ComfyUI feeds the nearest integer (`nearestTimestep`); k-diffusion's interpolated float
   * (`tFromSigma`) is the alternative. Both live in `sigmas.ts`.
   */
  readonly sigmaToT: (sigma: number) => number;
}

/** Wraps an ε-prediction model as a {@link Denoiser}: x0 = x − σ·ε(x/√(σ²+1), t(σ)). */
export function epsToDenoiser({ predictEps, sigmaToT }: EpsDenoiserOptions): Denoiser {
  return async (x, sigma) => {
    const scale = 1 / Math.sqrt(sigma * sigma + 1);
    const scaled = new Float32Array(x.data.length);
    for (let i = 0; i < scaled.length; i++) scaled[i] = x.data[i]! * scale;
    const eps = await predictEps({ data: scaled, dims: x.dims }, sigmaToT(sigma));
    if (eps.length !== x.data.length) {
      throw new Error(`predictEps returned ${eps.length} values for a latent of ${x.data.length} ([${x.dims.join(',')}])`);
    }
    const out = new Float32Array(eps.length);
    for (let i = 0; i < out.length; i++) out[i] = x.data[i]! - sigma * eps[i]!;
    return out;
  };
}

/** Options for {@link applyCfg}. */
export interface CfgOptions {
  /** The unconditional (negative prompt) prediction. */
  readonly uncond: Float32Array;
  /** The conditional (positive prompt) prediction, same length. */
  readonly cond: Float32Array;
  /** Guidance scale g; 1 returns `cond` unchanged (callers should then skip the uncond pass altogether). */
  readonly scale: number;
}

/**
 * Classifier-free guidance: uncond + g·(cond − uncond). Works on ε or on x0 alike (the map is affine, so ComfyUI's
 * x0-space form and diffusers' ε-space form agree).
 */
export function applyCfg({ uncond, cond, scale }: CfgOptions): Float32Array {
  if (uncond.length !== cond.length) {
    throw new Error(`applyCfg: uncond has ${uncond.length} values but cond has ${cond.length}`);
  }
  if (scale === 1) return cond;
  const out = new Float32Array(cond.length);
  for (let i = 0; i < out.length; i++) out[i] = uncond[i]! + scale * (cond[i]! - uncond[i]!);
  return out;
}
