/**
 * KSamplerAdvanced: KSampler with a step window (start_at_step / end_at_step), optional starting noise and the
 * choice to return the latent with its leftover noise (for chaining samplers), as ComfyUI's node.
 */
import { combo, int } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import { modelInput, runSampler, samplingInputs, samplingOptions, seedInput } from './sampler-inputs.js';
import { LATENT } from '../socket-types.js';

export const ksamplerAdvancedNode = defineNode({
  type: 'KSamplerAdvanced',
  category: 'sampling',
  displayName: 'KSampler (Advanced)',
  description: 'KSampler with a step window, optional noise and leftover-noise output, for chaining samplers.',
  inputs: {
    required: {
      model: modelInput,
      add_noise: combo(['enable', 'disable']),
      noise_seed: seedInput('The random seed used for creating the noise.'),
      ...samplingInputs,
      start_at_step: int({ default: 0, min: 0, max: 10000 }),
      end_at_step: int({ default: 10000, min: 0, max: 10000 }),
      return_with_leftover_noise: combo(['disable', 'enable']),
    },
  },
  outputs: [{ type: LATENT, name: 'LATENT' }],
  async run(ctx, i) {
    const latent = await runSampler(ctx, {
      ...samplingOptions(i),
      seed: i.noise_seed,
      denoise: 1,
      addNoise: i.add_noise !== 'disable',
      startStep: i.start_at_step,
      lastStep: i.end_at_step,
      forceFullDenoise: i.return_with_leftover_noise !== 'enable',
    });
    return { outputs: [latent] };
  },
});
