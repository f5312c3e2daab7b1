/** Input specs shared by KSampler and KSamplerAdvanced (ComfyUI's names, defaults and ranges), and their run. */
import { combo, float, int, socket } from '../../server/engine/inputs.js';
import type { InputsOf } from '../../server/engine/node-definition.js';
import type { NodeCtx } from '../define-node.js';
import { samplerNames } from '../../models/sampling/samplers/index.js';
import { schedulerNames } from '../../models/sampling/schedulers/index.js';
import { sdSample, type SdSampleOptions } from '../../models/sd/sample.js';
import type { Conditioning, SdModel } from '../../models/sd/types.js';
import type { Latent } from '../../models/tensors.js';
import { previewEvery } from './services.js';
import { CONDITIONING, LATENT, MODEL } from '../socket-types.js';

/** 0 … 2^64−1, kept as a bigint so no seed loses precision. */
export const seedInput = (tooltip: string) =>
  int({ default: 0, min: 0, max: 0xffffffffffffffffn, controlAfterGenerate: true, big: true, tooltip });

export const modelInput = socket(MODEL, { tooltip: 'The model used for denoising the input latent.' });
export const stepsInput = int({ default: 20, min: 1, max: 10000, tooltip: 'The number of steps used in the denoising process.' });
export const cfgInput = float({
  default: 8.0, min: 0.0, max: 100.0, step: 0.1, round: 0.01,
  tooltip: 'The Classifier-Free Guidance scale balances creativity and adherence to the prompt. Higher values result in images more closely matching the prompt however too high values will negatively impact quality.',
});
export const samplerInput = combo(samplerNames, { tooltip: 'The algorithm used when sampling, this can affect the quality, speed, and style of the generated output.' });
export const schedulerInput = combo(schedulerNames, { tooltip: 'The scheduler controls how noise is gradually removed to form the image.' });
export const positiveInput = socket(CONDITIONING, { tooltip: 'The conditioning describing the attributes you want to include in the image.' });
export const negativeInput = socket(CONDITIONING, { tooltip: 'The conditioning describing the attributes you want to exclude from the image.' });
export const latentInput = socket(LATENT, { tooltip: 'The latent image to denoise.' });

/**
 * The inputs after the seed that KSampler and KSamplerAdvanced share, in ComfyUI's order (the editor maps widget
 * values by position, so the order is part of the wire format).
 */
export const samplingInputs = {
  steps: stepsInput,
  cfg: cfgInput,
  sampler_name: samplerInput,
  scheduler: schedulerInput,
  positive: positiveInput,
  negative: negativeInput,
  latent_image: latentInput,
};

/** The run values of `model` plus {@link samplingInputs}, as the engine types them from the specs. */
type SamplingInputValues = InputsOf<{ required: { model: typeof modelInput } & typeof samplingInputs }>;

/** The sampler options named by those inputs (ComfyUI's names → ours); seed and denoise stay with the node. */
export function samplingOptions(i: SamplingInputValues): Pick<NodeSampleOptions, 'model' | 'positive' | 'negative' | 'latent' | 'steps' | 'cfg' | 'sampler' | 'scheduler'> {
  return {
    model: i.model, positive: i.positive, negative: i.negative, latent: i.latent_image,
    steps: i.steps, cfg: i.cfg, sampler: i.sampler_name, scheduler: i.scheduler,
  };
}

/** The sampler options a node decides; the runtime, progress and previews come from `ctx`. */
export type NodeSampleOptions = Omit<SdSampleOptions, 'sessions' | 'signal' | 'onProgress' | 'previewEvery' | 'previewFormat'>;

/** Runs a sampler for a node: progress once per step through `ctx.progress`, with previews as configured. */
export function runSampler(ctx: NodeCtx, o: NodeSampleOptions): Promise<Latent> {
  return sdSample({
    ...o,
    sessions: ctx.services.models.pool,
    signal: ctx.signal,
    onProgress: (value, total, preview) => ctx.progress(value, total, preview),
    previewEvery: previewEvery(ctx.services, o.steps),
    previewFormat: ctx.services.previews?.format,
  });
}
