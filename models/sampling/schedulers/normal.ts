import { appendZero, linspace, nearestTimestep, sigmaFromT, type ModelSamplingInfo } from '../sigmas.js';
import { checkSteps, type Scheduler } from './scheduler.js';

/**
 * Timesteps evenly spaced in t over `points` points from t(σ_max) to t(σ_min) (plus one point dropped at the
 * end when `dropLast`), each mapped to σ by log-σ interpolation. Shared by `normal` and `sgm_uniform`.
 */
export function uniformTimestepSigmas(ms: ModelSamplingInfo, points: number, dropLast: boolean): Float64Array {
  const start = nearestTimestep(ms, ms.sigmaMax);
  const end = nearestTimestep(ms, ms.sigmaMin);
  const ts = linspace(start, end, dropLast ? points + 1 : points).subarray(0, points);
  return ts.map((t) => sigmaFromT(ms, t));
}

/**
 * ComfyUI `normal`: t = linspace(t(σ_max), t(σ_min), steps), σ by log interpolation, then 0. For SD1.5 this
 * is diffusers' Euler "linspace" schedule. (For a model whose σ_min is 0, the zero is part of the linspace and
 * no extra 0 is appended, as ComfyUI does.)
 */
export const normal: Scheduler = {
  name: 'normal',
  sigmas(ms, steps) {
    checkSteps('normal', steps);
    const end = nearestTimestep(ms, ms.sigmaMin);
    if (Math.abs(sigmaFromT(ms, end)) <= 1e-5) return uniformTimestepSigmas(ms, steps + 1, false);
    return appendZero(uniformTimestepSigmas(ms, steps, false));
  },
};
