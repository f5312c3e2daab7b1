import { karrasSigmas } from '../sigmas.js';
import { checkSteps, type Scheduler } from './scheduler.js';

/** ComfyUI `karras`: Karras et al. (2022) ρ = 7 between the model's σ_min and σ_max, then 0. */
export const karras: Scheduler = {
  name: 'karras',
  sigmas(ms, steps) {
    checkSteps('karras', steps);
    return karrasSigmas({ n: steps, sigmaMin: ms.sigmaMin, sigmaMax: ms.sigmaMax });
  },
};
