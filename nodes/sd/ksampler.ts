/** KSampler: ComfyUI's sampler node (seed, steps, cfg, sampler, scheduler, denoise) on an SD1.5 ONNX UNet. */
import { float } from '../../server/engine/inputs.js';
import { defineNode } from '../../server/engine/node-definition.js';
import {
  cfgInput, latentInput, modelInput, negativeInput, positiveInput, runSampler, samplerInput, schedulerInput, seedInput, stepsInput,
} from './sampler-inputs.js';

export const ksamplerNode = defineNode({
  type: 'KSampler',
  category: 'sampling',
  displayName: 'KSampler',
  description: 'Uses the provided model, positive and negative conditioning to denoise the latent image.',
  inputs: {
    required: {
      model: modelInput,
      seed: seedInput('The random seed used for creating the noise.'),
      steps: stepsInput,
      cfg: cfgInput,
      sampler_name: samplerInput,
      scheduler: schedulerInput,
      positive: positiveInput,
      negative: negativeInput,
      latent_image: latentInput,
      denoise: float({
        default: 1.0, min: 0.0, max: 1.0, step: 0.01,
        tooltip: 'The amount of denoising applied, lower values will maintain the structure of the initial image allowing for image to image sampling.',
      }),
    },
  },
  outputs: [{ type: 'LATENT', name: 'LATENT', tooltip: 'The denoised latent.' }],
  async run(ctx, i) {
    const latent = await runSampler(ctx, {
      model: i.model, positive: i.positive, negative: i.negative, latent: i.latent_image,
      seed: i.seed, steps: i.steps, cfg: i.cfg, sampler: i.sampler_name, scheduler: i.scheduler, denoise: i.denoise,
    });
    return { outputs: [latent] };
  },
});
