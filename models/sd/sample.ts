/**
 * One KSampler / KSamplerAdvanced run on an SD1.5 ONNX UNet: picks the UNet (the IP-capable one when the MODEL
 * carries an IP-Adapter patch), builds classifier-free guidance, moves the LATENT into model space (× 0.18215, as
 * ComfyUI's `process_latent_in`), runs ComfyUI's sampling semantics from `models/sampling`, and moves the result
 * back. Noise: ComfyUI's by default (the whole batch drawn from one generator seeded with the seed, rule
 * `comfy-batch-stream`); `noiseRule: 'seed-plus-index'` gives image i the noise of seed + i instead
 * (`models/sampling/noise.ts`).
 */
import { sampleKSampler } from '../sampling/ksampler.js';
import type { NoiseRule, Seed } from '../sampling/noise.js';
import type { SamplerName } from '../sampling/samplers/index.js';
import type { SchedulerName } from '../sampling/schedulers/index.js';
import type { Latent } from '../tensors.js';
import { createGuidance } from './guidance.js';
import { ipUnetPathOf } from './ip-adapter-feed.js';
import { SD15_LATENT_FORMAT, scaled } from './latent-format.js';
import { modelSamplingFor } from './model-sampling.js';
import type { SessionSource } from './sessions.js';
import { StepReporter, type ProgressSink } from './step-reporter.js';
import type { Conditioning, SdModel } from './types.js';
import { SdUnet } from './unet.js';

/** Options of {@link sdSample}: ComfyUI's KSampler / KSamplerAdvanced inputs plus runtime hooks. */
export interface SdSampleOptions {
  readonly sessions: SessionSource;
  readonly model: SdModel;
  readonly positive: Conditioning;
  readonly negative: Conditioning;
  /** Raw VAE-scale latents [B, 4, h, w] (EmptyLatentImage zeros for txt2img, VAEEncode output for img2img). */
  readonly latent: Latent;
  /** 0 … 2^64−1. */
  readonly seed: Seed;
  readonly steps: number;
  readonly cfg: number;
  readonly sampler: SamplerName;
  readonly scheduler: SchedulerName;
  /** 0 … 1 (KSampler); < 1 starts part-way down the schedule (img2img). Default 1. */
  readonly denoise?: number;
  /** KSamplerAdvanced add_noise; default true. */
  readonly addNoise?: boolean;
  /** KSamplerAdvanced start_at_step / end_at_step. */
  readonly startStep?: number;
  readonly lastStep?: number;
  /** KSamplerAdvanced: true unless return_with_leftover_noise. */
  readonly forceFullDenoise?: boolean;
  readonly noiseRule?: NoiseRule;
  /** `never` forces separate uncond and cond UNet calls. */
  readonly batching?: 'auto' | 'never';
  readonly signal?: AbortSignal;
  /** One call per step (value 1 … total); throwing stops sampling (interrupt). */
  readonly onProgress?: ProgressSink;
  /** Preview every N steps (0/undefined: none). */
  readonly previewEvery?: number;
  readonly previewFormat?: 'jpeg' | 'png';
}

/** Loads the UNet a MODEL samples with: the IP-capable one when patched, else the plain one. */
export async function unetFor(sessions: SessionSource, model: SdModel): Promise<SdUnet> {
  return model.ipAdapter ? SdUnet.loadIp(sessions, ipUnetPathOf(model)) : SdUnet.load(sessions, model.unetPath);
}

/** Samples and resolves to the new LATENT (raw VAE scale, same dims and batch index as the input). */
export async function sdSample(o: SdSampleOptions): Promise<Latent> {
  const dims = o.latent.samples.dims;
  if (dims.length !== 4 || dims[1] !== SD15_LATENT_FORMAT.channels) {
    throw new Error(`KSampler: expected LATENT samples [B,4,h,w], got [${dims.join(',')}]`);
  }
  const modelSampling = modelSamplingFor(o.model.schedulerConfig, `${o.model.key} scheduler_config.json`);
  const unet = await unetFor(o.sessions, o.model);
  const guidance = createGuidance({
    unet, positive: o.positive, negative: o.negative, cfg: o.cfg, batch: dims[0]!, modelSampling,
    ipAdapter: o.model.ipAdapter, batching: o.batching, signal: o.signal,
  });
  const reporter = new StepReporter({ onProgress: o.onProgress ?? (() => {}), previewEvery: o.previewEvery, previewFormat: o.previewFormat });
  const scale = SD15_LATENT_FORMAT.scaleFactor;
  const out = await sampleKSampler({
    model: async (x, sigma) => {
      await reporter.flush(); // the previous step's report (and interrupt check) comes first
      return guidance.denoiser(x, sigma);
    },
    modelSampling,
    latent: { data: scaled(o.latent.samples.data, scale), dims },
    seed: o.seed,
    steps: o.steps,
    sampler: o.sampler,
    scheduler: o.scheduler,
    denoise: o.denoise,
    addNoise: o.addNoise,
    startStep: o.startStep,
    lastStep: o.lastStep,
    forceFullDenoise: o.forceFullDenoise,
    batchIndex: o.latent.batchIndex,
    noiseRule: o.noiseRule,
    signal: o.signal,
    onStep: (step, total, x0) => reporter.onStep(step, total, x0, dims),
  });
  await reporter.flush();
  return { samples: { data: scaled(out.data, 1 / scale), dims: [...dims] }, ...(o.latent.batchIndex ? { batchIndex: o.latent.batchIndex } : {}) };
}
