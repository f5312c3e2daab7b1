import { euler } from './euler.js';
import type { Sampler } from './sampler.js';

/**
 * ComfyUI's `ddim` is the Euler sampler (it differs only in drawing fresh random noise for inpainting masks,
 * which this package does not sample with). Deterministic DDIM (η = 0) and Euler on σ are the same ODE step:
 * x' = x0 + σ'·ε with ε = (x − x0)/σ. Pair it with the `ddim_uniform` scheduler for DDIM's timesteps.
 */
export const ddim: Sampler = {
  name: 'ddim',
  discardPenultimateSigma: false,
  sample: (opts) => euler.sample(opts),
};
