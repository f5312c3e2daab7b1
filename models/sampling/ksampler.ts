/**
 * ComfyUI's KSampler / KSamplerAdvanced sampling semantics on plain arrays (`comfy/samplers.py` `KSampler`,
 * `comfy/sample.py`, `nodes.common_ksampler`): the σ schedule from steps / denoise / start / end, the starting
 * noise, its scaling, and the sampler run. The model is a callback (see `denoiser.ts`); latents are in model space
 * (already multiplied by the VAE scaling factor, e.g. 0.18215 for SD1.5: the node does that, as ComfyUI's
 * `process_latent_in` does).
 */
import { sizeOf, type FloatTensor } from '../tensors.js';
import { latentNoise, stepNoiseSource, type NoiseRule, type Seed } from './noise.js';
import { getSampler } from './samplers/index.js';
import type { Denoiser } from './samplers/sampler.js';
import type { SamplerName } from './samplers/index.js';
import { getScheduler } from './schedulers/index.js';
import type { SchedulerName } from './schedulers/index.js';
import type { ModelSamplingInfo } from './sigmas.js';

/** Options for {@link ksamplerSigmas}. */
export interface KSamplerSigmaOptions {
  readonly modelSampling: ModelSamplingInfo;
  readonly scheduler: SchedulerName;
  readonly sampler: SamplerName;
  /** Steps, an integer ≥ 1. */
  readonly steps: number;
  /** Fraction of the schedule to run, 0 … 1 (default 1). */
  readonly denoise?: number;
}

/**
 * The σ schedule ComfyUI's `KSampler.set_steps` builds:
 * - denoise > 0.9999: the scheduler's schedule for `steps` (steps+1 values for most schedulers);
 * - 0 < denoise ≤ 0.9999: the schedule for ⌊steps/denoise⌋ steps, keeping its last steps+1 values (so img2img
 *   starts part-way down, e.g. normal, 20 steps, denoise 0.5 starts at σ ≈ 1.5482);
 * - denoise ≤ 0: empty (nothing to sample).
 * Samplers with `discardPenultimateSigma` (dpm_2, uni_pc) get the schedule for one more step with its
 * second-to-last value removed.
 */
export function ksamplerSigmas({ modelSampling, scheduler, sampler, steps, denoise = 1 }: KSamplerSigmaOptions): Float64Array {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`KSampler: steps must be an integer >= 1, got ${steps}`);
  if (!(denoise <= 1)) throw new Error(`KSampler: denoise must be in 0 … 1, got ${denoise}`);
  const sched = getScheduler(scheduler);
  const discard = getSampler(sampler).discardPenultimateSigma;
  const calc = (n: number): Float64Array => {
    const s = sched.sigmas(modelSampling, discard ? n + 1 : n);
    if (!discard) return s;
    const out = new Float64Array(s.length - 1);
    out.set(s.subarray(0, s.length - 2));
    out[out.length - 1] = s[s.length - 1]!;
    return out;
  };
  if (denoise > 0.9999) return calc(steps);
  if (denoise <= 0) return new Float64Array(0);
  const full = calc(Math.floor(steps / denoise));
  return full.slice(Math.max(full.length - (steps + 1), 0));
}

/** The step window of KSamplerAdvanced; see {@link applyStepWindow}. */
export interface StepWindow {
  /** First step to run (ComfyUI `start_at_step`); undefined runs from 0. */
  readonly startStep?: number;
  /** Last step boundary (ComfyUI `end_at_step`); undefined or ≥ the step count runs to the end. */
  readonly lastStep?: number;
  /** Set the final σ to 0 after cutting at `lastStep` (KSamplerAdvanced with return_with_leftover_noise off). */
  readonly forceFullDenoise?: boolean;
}

/**
 * `KSampler.sample`'s windowing: cut at lastStep (and zero the end if forced), then start at startStep.
 * Returns undefined when startStep is at or past the last step, meaning "return the latent unchanged".
 */
export function applyStepWindow(sigmas: Float64Array, w: StepWindow): Float64Array | undefined {
  let s = sigmas;
  if (w.lastStep !== undefined && w.lastStep < s.length - 1) {
    s = s.slice(0, w.lastStep + 1);
    if (w.forceFullDenoise) s[s.length - 1] = 0;
  }
  if (w.startStep !== undefined) {
    if (w.startStep >= s.length - 1) return undefined;
    s = s.slice(w.startStep);
  }
  return s;
}

/** Options for {@link sampleKSampler}: ComfyUI's KSampler inputs (cfg and conditioning live in `model`). */
export interface KSamplerOptions extends StepWindow {
  /** The guided denoiser (UNet + CFG), see `epsToDenoiser`. */
  readonly model: Denoiser;
  readonly modelSampling: ModelSamplingInfo;
  /** The input latent in model space, [B, C, h, w]; zeros for txt2img. */
  readonly latent: FloatTensor;
  /** 0 … 2^64−1. */
  readonly seed: Seed;
  readonly steps: number;
  readonly sampler: SamplerName;
  readonly scheduler: SchedulerName;
  /** 0 … 1, default 1. */
  readonly denoise?: number;
  /** False for KSamplerAdvanced add_noise = disable: start from the latent as is. Default true. */
  readonly addNoise?: boolean;
  /** Per-image noise offsets (ComfyUI `batch_index`). */
  readonly batchIndex?: readonly number[];
  readonly noiseRule?: NoiseRule;
  readonly signal?: AbortSignal;
  /** Once per step; `step` 0-based, `x0` that step's denoised latent (model space). */
  readonly onStep?: (step: number, total: number, x0: Float32Array) => void;
}

/**
 * Runs ComfyUI KSampler semantics and resolves to the sampled latent (model space, same dims as `latent`).
 * Starting point: x = latent + noise·√(1+σ_0²) when σ_0 is the model's σ_max (full denoise, as ComfyUI's
 * `noise_scaling` with max_denoise), else x = latent + noise·σ_0 (img2img / partial schedules).
 * Throws the signal's abort reason when `signal` aborts (checked every step).
 */
export async function sampleKSampler(o: KSamplerOptions): Promise<FloatTensor> {
  const dims = [...o.latent.dims];
  if (sizeOf(dims) !== o.latent.data.length) {
    throw new Error(`KSampler: latent has ${o.latent.data.length} values but dims [${dims.join(',')}]`);
  }
  const full = ksamplerSigmas(o);
  const sigmas = full.length === 0 ? undefined : applyStepWindow(full, o);
  if (!sigmas) return { data: Float32Array.from(o.latent.data), dims };
  const noiseOpts = { seed: o.seed, dims, batchIndex: o.batchIndex, rule: o.noiseRule };
  const noise = o.addNoise === false ? new Float32Array(o.latent.data.length) : latentNoise(noiseOpts);
  const sigma0 = sigmas[0]!;
  const sigmaMax = o.modelSampling.sigmaMax;
  const maxDenoise = Math.abs(sigma0 - sigmaMax) <= 1e-5 * Math.max(sigma0, sigmaMax) || sigma0 > sigmaMax;
  const scale = maxDenoise ? Math.sqrt(1 + sigma0 * sigma0) : sigma0;
  const x = new Float32Array(noise.length);
  for (let i = 0; i < x.length; i++) x[i] = noise[i]! * scale + o.latent.data[i]!;
  const data = await getSampler(o.sampler).sample({
    model: o.model,
    x: { data: x, dims },
    sigmas,
    noise: stepNoiseSource(noiseOpts),
    signal: o.signal,
    onStep: o.onStep,
  });
  return { data, dims };
}
