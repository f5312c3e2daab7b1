import { exponentialSigmas } from '../sigmas.js';
import { checkSteps, type Scheduler } from './scheduler.js';

/** ComfyUI `exponential`: evenly spaced in ln σ from σ_max to σ_min, then 0. */
export const exponential: Scheduler = {
  name: 'exponential',
  sigmas(ms, steps) {
    checkSteps('exponential', steps);
    return exponentialSigmas({ n: steps, sigmaMin: ms.sigmaMin, sigmaMax: ms.sigmaMax });
  },
};
