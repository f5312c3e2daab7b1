import type { Sampler } from './sampler.js';
import { denoise, eulerStep, runSteps, toD } from './step-utils.js';

/**
 * k-diffusion `sample_heun` (Karras et al. 2022, Algorithm 2, s_churn = 0): an Euler predictor, then the average
 * of the slopes at both ends; the last step to σ = 0 is plain Euler. Two model calls per step except the last.
 */
export const heun: Sampler = {
  name: 'heun',
  discardPenultimateSigma: false,
  sample(opts) {
    const s = opts.sigmas;
    return runSteps(opts, async (i, x) => {
      const sigma = s[i]!;
      const next = s[i + 1]!;
      const x0 = await denoise(opts, x, sigma);
      const d = toD(x, sigma, x0);
      const dt = next - sigma;
      if (next === 0) return { x: eulerStep(x, d, dt), x0 };
      const x2 = eulerStep(x, d, dt);
      const d2 = toD(x2, next, await denoise(opts, x2, next));
      const dPrime = new Float32Array(x.length);
      for (let k = 0; k < x.length; k++) dPrime[k] = (d[k]! + d2[k]!) / 2;
      return { x: eulerStep(x, dPrime, dt), x0 };
    });
  },
};
