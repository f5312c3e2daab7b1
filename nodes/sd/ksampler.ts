/** KSampler: ComfyUI's sampler node (seed, steps, cfg, sampler, scheduler, denoise) on an SD1.5 ONNX UNet. */
import { float } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import { modelInput, runSampler, samplingInputs, samplingOptions, seedInput } from './sampler-inputs.js';
import { LATENT } from '../socket-types.js';

export const ksamplerNode = defineNode({
  type: 'KSampler',
  category: 'sampling',
  displayName: 'KSampler',
  description: 'Uses the provided model, positive and negative conditioning to denoise the latent image.',
  inputs: {
    required: {
      model: modelInput,
      seed: seedInput('The random seed used for creating the noise.'),
      ...samplingInputs,
      denoise: float({
        default: 1.0, min: 0.0, max: 1.0, step: 0.01,
        tooltip: 'The amount of denoising applied, lower values will maintain the structure of the initial image allowing for image to image sampling.',
      }),
    },
  },
  outputs: [{ type: LATENT, name: 'LATENT', tooltip: 'The denoised latent.' }],
  async run(ctx, i) {
    const latent = await runSampler(ctx, { ...samplingOptions(i), seed: i.seed, denoise: i.denoise });
    return { outputs: [latent] };
  },
});
