import type { ModelSamplingInfo } from '../sigmas.js';

/**
 * Turns a step count into the descending σ schedule a sampler walks, with ComfyUI's semantics.
 * `sigmas` returns steps+1 values, descending, ending in 0 (σ units, VE form). Two ComfyUI schedulers can
 * return a different count and we keep that for bit-parity: `ddim_uniform` (its stride is ⌊T/steps⌋) and
 * `beta` (it drops repeated timesteps). Callers must use the returned length, never assume steps+1.
 */
export interface Scheduler {
  /** Its key in the `schedulers` registry (`index.ts`). */
  readonly name: string;
  /** @param steps number of sampling steps, an integer ≥ 1. */
  sigmas(model: ModelSamplingInfo, steps: number): Float64Array;
}

/** Throws a clear error unless `steps` is an integer ≥ 1. */
export function checkSteps(scheduler: string, steps: number): void {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new Error(`scheduler ${scheduler}: steps must be an integer >= 1, got ${steps}`);
  }
}
