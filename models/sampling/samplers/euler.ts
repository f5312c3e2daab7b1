import type { Sampler } from './sampler.js';
import { denoise, eulerStep, runSteps, toD } from './step-utils.js';

/** k-diffusion `sample_euler` (Karras et al. 2022, Algorithm 2 with s_churn = 0): x ← x + d·(σ_{i+1} − σ_i). */
export const euler: Sampler = {
  name: 'euler',
  discardPenultimateSigma: false,
  sample(opts) {
    const s = opts.sigmas;
    return runSteps(opts, async (i, x) => {
      const x0 = await denoise(opts, x, s[i]!);
      return { x: eulerStep(x, toD(x, s[i]!, x0), s[i + 1]! - s[i]!), x0 };
    });
  },
};
