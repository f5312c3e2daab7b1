import type { Sampler } from './sampler.js';
import { denoise, eulerStep, runSteps, toD } from './step-utils.js';

/**
 * k-diffusion `sample_dpm_2` (DPM-Solver-2 flavoured Heun): evaluate at the log-midpoint σ_mid = √(σ_i·σ_{i+1})
 * and take the full step with that slope; the last step to σ = 0 is Euler. ComfyUI drops the penultimate sigma
 * of the schedule for this sampler.
 */
export const dpm2: Sampler = {
  name: 'dpm_2',
  discardPenultimateSigma: true,
  sample(opts) {
    const s = opts.sigmas;
    return runSteps(opts, async (i, x) => {
      const sigma = s[i]!;
      const next = s[i + 1]!;
      const x0 = await denoise(opts, x, sigma);
      const d = toD(x, sigma, x0);
      if (next === 0) return { x: eulerStep(x, d, next - sigma), x0 };
      const mid = Math.exp(0.5 * (Math.log(sigma) + Math.log(next)));
      const x2 = eulerStep(x, d, mid - sigma);
      const d2 = toD(x2, mid, await denoise(opts, x2, mid));
      return { x: eulerStep(x, d2, next - sigma), x0 };
    });
  },
};
