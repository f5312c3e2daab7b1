import { describe, it } from 'vitest';
import { exponential } from '../../../../models/sampling/schedulers/exponential.js';
import { discreteModelSampling } from '../../../../models/sampling/sigmas.js';
import { expectClose } from './scheduler-contract.js';

describe('exponential.sigmas', () => {
  it('matches the reference head and tail at 20 steps (SD1.5)', () => {
    const s = exponential.sigmas(discreteModelSampling(), 20);
    // ComfyUI's exponential schedule for SD1.5, 20 steps: [14.6146, 10.5363, 7.5961, …, 0.0405, 0.0292, 0], given to 4 decimals.
    expectClose([s[0]!, s[1]!, s[2]!, s[18]!, s[19]!, s[20]!], [14.6146, 10.5363, 7.5961, 0.0405, 0.0292, 0]);
  });
});
