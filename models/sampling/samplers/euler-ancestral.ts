import type { Sampler } from './sampler.js';
import { denoise, runSteps, toD } from './step-utils.js';

/** k-diffusion `get_ancestral_step`: how far to step down deterministically and how much noise to add back. */
export function ancestralStep(sigmaFrom: number, sigmaTo: number, eta = 1): { down: number; up: number } {
  if (!eta) return { down: sigmaTo, up: 0 };
  const up = Math.min(sigmaTo, eta * Math.sqrt((sigmaTo ** 2 * (sigmaFrom ** 2 - sigmaTo ** 2)) / sigmaFrom ** 2));
  return { down: Math.sqrt(sigmaTo ** 2 - up ** 2), up };
}

/**
 * k-diffusion `sample_euler_ancestral` (η = 1, s_noise = 1): an Euler step to σ_down, then fresh noise ·σ_up
 * (none on the last step to σ = 0).
 */
export const eulerAncestral: Sampler = {
  name: 'euler_ancestral',
  discardPenultimateSigma: false,
  sample(opts) {
    const s = opts.sigmas;
    return runSteps(opts, async (i, x) => {
      const sigma = s[i]!;
      const x0 = await denoise(opts, x, sigma);
      const { down, up } = ancestralStep(sigma, s[i + 1]!);
      const d = toD(x, sigma, x0);
      const out = new Float32Array(x.length);
      const dt = down - sigma;
      for (let k = 0; k < x.length; k++) out[k] = x[k]! + d[k]! * dt;
      if (s[i + 1]! > 0) {
        const n = opts.noise.next(opts.x.dims);
        for (let k = 0; k < x.length; k++) out[k] += n[k]! * up;
      }
      return { x: out, x0 };
    });
  },
};
