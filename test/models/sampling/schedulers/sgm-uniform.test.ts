import { describe, it } from 'vitest';
import { sgmUniform } from '../../../../models/sampling/schedulers/sgm-uniform.js';
import { discreteModelSampling } from '../../../../models/sampling/sigmas.js';
import { expectClose } from './scheduler-contract.js';

describe('sgmUniform.sigmas', () => {
  it('matches the reference head and tail at 20 steps (SD1.5)', () => {
    const s = sgmUniform.sigmas(discreteModelSampling(), 20);
    // ComfyUI's sgm_uniform schedule for SD1.5, 20 steps: [14.6146, 10.9073, 8.3072, …, 0.2255, 0].
    expectClose([s[0]!, s[1]!, s[2]!, s[19]!, s[20]!], [14.6146, 10.9073, 8.3072, 0.2255, 0]);
  });
});
