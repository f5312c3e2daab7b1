import type { FloatTensor } from '../../tensors.js';

/**
 * A k-diffusion denoiser: given latents x at noise level σ (VE form, x = x0 + σ·ε, same dims as the sampled
 * latent) it resolves to its estimate of the clean latents x0, same length as `x.data`. The caller builds it
 * around the UNet and classifier-free guidance (see `epsToDenoiser` in `../denoiser.ts`). It must not keep or
 * mutate `x.data`.
 */
export type Denoiser = (x: FloatTensor, sigma: number) => Promise<Float32Array>;

/** Fresh standard-normal noise for the stochastic samplers (ancestral and SDE steps). */
export interface NoiseSource {
  /** Returns N(0, 1) samples shaped like `dims` (row-major), new ones on every call. */
  next(dims: readonly number[]): Float32Array;
}

/** What every sampler takes. */
export interface SampleOptions {
  readonly model: Denoiser;
  /** Starting latents, already noised to `sigmas[0]` (x = latent + noise·σ_0 scaling done by the caller). */
  readonly x: FloatTensor;
  /** The descending σ schedule to walk; n+1 values give n steps. Fewer than 2 values returns x unchanged. */
  readonly sigmas: ArrayLike<number>;
  /** Noise for stochastic steps; deterministic samplers never call it. */
  readonly noise: NoiseSource;
  /** Checked before every step; when aborted the sampler throws the signal's abort reason. */
  readonly signal?: AbortSignal;
  /**
   * Called once per step after it completes. `step` is 0-based (progress value = step + 1), `total` the step
   * count, `x0` that step's denoised estimate (for previews; do not keep it past the call without copying).
   */
  readonly onStep?: (step: number, total: number, x0: Float32Array) => void;
}

/**
 * One sampling algorithm (k-diffusion / ComfyUI formulation). `sample` resolves to the final latents with the
 * same length as `x.data`; it never mutates `x.data`.
 */
export interface Sampler {
  /** Its key in the `samplers` registry (`index.ts`). */
  readonly name: string;
  /**
   * ComfyUI computes steps+1 sigmas for these and drops the second-to-last one (`dpm_2`, `uni_pc`), because
   * their last step to σ = 0 would otherwise waste a second-order evaluation.
   */
  readonly discardPenultimateSigma: boolean;
  sample(opts: SampleOptions): Promise<Float32Array>;
}
