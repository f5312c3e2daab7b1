import { betaPpf } from '../beta-distribution.js';
import { linspace, roundHalfEven } from '../sigmas.js';
import { checkSteps, type Scheduler } from './scheduler.js';

/** The Beta distribution's shape parameters; ComfyUI's defaults (Lee et al. 2024, arXiv:2407.12173). */
export interface BetaSchedulerConfig {
  readonly alpha: number;
  readonly beta: number;
}

export const betaSchedulerDefaults = { alpha: 0.6, beta: 0.6 } as const satisfies BetaSchedulerConfig;

/**
 * ComfyUI `beta`: t_k = rint(ppf_Beta(α,β)(1 − k/steps) · (T−1)) for k = 0 … steps−1, σ_table[t_k], repeated
 * timesteps dropped, then 0. With many steps the U-shaped Beta(0.6, 0.6) repeats timesteps near the ends, so the
 * result can be shorter than steps+1 (SD1.5: 139 steps → 139 values); kept for ComfyUI parity.
 */
export function makeBetaScheduler(config: BetaSchedulerConfig = betaSchedulerDefaults): Scheduler {
  return {
    name: 'beta',
    sigmas(ms, steps) {
      checkSteps('beta', steps);
      const last = ms.sigmas.length - 1;
      const out: number[] = [];
      let prev = -1;
      // numpy.linspace(0, 1, steps, endpoint=False) = linspace(0, 1, steps+1) without its last point.
      for (const u of linspace(0, 1, steps + 1).subarray(0, steps)) {
        const t = roundHalfEven(betaPpf(1 - u, config.alpha, config.beta) * last);
        if (t !== prev) out.push(ms.sigmas[t]!);
        prev = t;
      }
      out.push(0);
      return Float64Array.from(out);
    },
  };
}

/** The `beta` scheduler with ComfyUI's default α = β = 0.6. */
export const beta: Scheduler = makeBetaScheduler();
