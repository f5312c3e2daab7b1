import { appendZero } from '../sigmas.js';
import { uniformTimestepSigmas } from './normal.js';
import { checkSteps, type Scheduler } from './scheduler.js';

/** ComfyUI `sgm_uniform`: like `normal` over steps+1 points with the last dropped, then 0. */
export const sgmUniform: Scheduler = {
  name: 'sgm_uniform',
  sigmas(ms, steps) {
    checkSteps('sgm_uniform', steps);
    return appendZero(uniformTimestepSigmas(ms, steps, true));
  },
};
