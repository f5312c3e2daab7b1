import type { Sampler } from './sampler.js';
import { denoise, lincomb, runSteps } from './step-utils.js';

/**
 * k-diffusion `sample_dpmpp_2m` (DPM-Solver++(2M), Lu et al. 2022), in σ-space with t = −ln σ, h = t_{i+1} − t_i:
 * x ← (σ_{i+1}/σ_i)·x − (e^{−h} − 1)·D, where D = x0 on the first step and on the last step to σ = 0, else
 * D = (1 + 1/(2r))·x0 − (1/(2r))·x0_prev with r = h_prev/h.
 */
export const dpmpp2m: Sampler = {
  name: 'dpmpp_2m',
  discardPenultimateSigma: false,
  sample(opts) {
    const s = opts.sigmas;
    let prev: Float32Array | undefined;
    return runSteps(opts, async (i, x) => {
      const sigma = s[i]!;
      const next = s[i + 1]!;
      const x0 = await denoise(opts, x, sigma);
      let out: Float32Array;
      if (next === 0) {
        out = Float32Array.from(x0);
      } else {
        const h = Math.log(sigma) - Math.log(next);
        const ratio = next / sigma;
        const c = -Math.expm1(-h);
        if (!prev) {
          out = lincomb([[ratio, x], [c, x0]]);
        } else {
          const r = (Math.log(s[i - 1]!) - Math.log(sigma)) / h;
          const w = 1 / (2 * r);
          out = lincomb([[ratio, x], [c * (1 + w), x0], [-c * w, prev]]);
        }
      }
      prev = x0;
      return { x: out, x0 };
    });
  },
};
