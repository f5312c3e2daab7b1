/**
 * The SD sampling layer: pure maths, no ONNX (the model is a callback). Entry points: `sampleKSampler` for
 * ComfyUI KSampler semantics, `epsToDenoiser`/`applyCfg` to wrap a UNet, the `samplers` and `schedulers`
 * registries, the σ maths in `sigmas.ts` and seeded noise in `noise.ts`.
 */
export { applyCfg, epsToDenoiser, type CfgOptions, type EpsDenoiserOptions } from './denoiser.js';
export {
  applyStepWindow,
  ksamplerSigmas,
  sampleKSampler,
  type KSamplerOptions,
  type KSamplerSigmaOptions,
  type StepWindow,
} from './ksampler.js';
export {
  defaultNoiseRule,
  latentNoise,
  offsetSeed,
  stepNoiseSource,
  toSeed,
  type NoiseOptions,
  type NoiseRule,
  type Seed,
} from './noise.js';
export {
  getSampler,
  samplerNames,
  samplers,
  type Denoiser,
  type NoiseSource,
  type SampleOptions,
  type Sampler,
  type SamplerName,
} from './samplers/index.js';
export { getScheduler, schedulerNames, schedulers, type Scheduler, type SchedulerName } from './schedulers/index.js';
export {
  discreteModelSampling,
  nearestTimestep,
  sd15Schedule,
  sigmaFromT,
  tFromSigma,
  type BetaScheduleConfig,
  type ModelSamplingInfo,
} from './sigmas.js';
export { TorchCpuGenerator } from './torch-random.js';
