import type { Sampler } from './sampler.js';
import { denoise, lincomb, runSteps } from './step-utils.js';

/** DPM++ 2M SDE settings; ComfyUI's defaults. */
export interface DpmPp2mSdeConfig {
  readonly eta: number;
  readonly sNoise: number;
  readonly solverType: 'midpoint' | 'heun';
}

export const dpmpp2mSdeDefaults = { eta: 1, sNoise: 1, solverType: 'midpoint' } as const satisfies DpmPp2mSdeConfig;

/**
 * k-diffusion `sample_dpmpp_2m_sde` (η = 1, midpoint). With t = −ln σ, h = t_{i+1} − t_i, ηh = η·h:
 * x ← (σ_{i+1}/σ_i)·e^{−ηh}·x + (1 − e^{−h−ηh})·x0 [+ ½(1 − e^{−h−ηh})/r·(x0 − x0_prev)]
 *     + σ_{i+1}·√(1 − e^{−2ηh})·s_noise·z, and x ← x0 on the last step to σ = 0.
 *
 * Noise: ComfyUI draws z from a torchsde Brownian tree seeded by the seed; this port draws z from the
 * {@link NoiseSource} instead. Brownian increments over disjoint intervals, normalised by √|Δt|, are independent
 * N(0, 1), so the distribution is the same but the numbers (and so the image) differ from ComfyUI's.
 */
export function makeDpmPp2mSde(config: DpmPp2mSdeConfig = dpmpp2mSdeDefaults): Sampler {
  const { eta, sNoise, solverType } = config;
  return {
    name: 'dpmpp_2m_sde',
    discardPenultimateSigma: false,
    sample(opts) {
      const s = opts.sigmas;
      let prev: Float32Array | undefined;
      let hLast = 0;
      return runSteps(opts, async (i, x) => {
        const sigma = s[i]!;
        const next = s[i + 1]!;
        const x0 = await denoise(opts, x, sigma);
        let out: Float32Array;
        if (next === 0) {
          out = Float32Array.from(x0);
        } else {
          const h = Math.log(sigma) - Math.log(next);
          const etaH = eta * h;
          const c = -Math.expm1(-h - etaH);
          const terms: [number, Float32Array][] = [[(next / sigma) * Math.exp(-etaH), x], [c, x0]];
          if (prev) {
            const r = hLast / h;
            const k = solverType === 'heun' ? (c / (-h - etaH) + 1) / r : (0.5 * c) / r;
            terms.push([k, x0], [-k, prev]);
          }
          if (eta) terms.push([next * Math.sqrt(-Math.expm1(-2 * etaH)) * sNoise, opts.noise.next(opts.x.dims)]);
          out = lincomb(terms);
          hLast = h;
        }
        prev = x0;
        return { x: out, x0 };
      });
    },
  };
}

/** DPM++ 2M SDE with ComfyUI's defaults. */
export const dpmpp2mSde: Sampler = makeDpmPp2mSde();
