import { describe, it } from 'vitest';
import { simple } from '../../../../models/sampling/schedulers/simple.js';
import { discreteModelSampling } from '../../../../models/sampling/sigmas.js';
import { expectClose } from './scheduler-contract.js';

describe('simple.sigmas', () => {
  it('takes the table at t = 999, 949, … (reference values at 20 steps, SD1.5)', () => {
    const s = simple.sigmas(discreteModelSampling(), 20);
    // t = 999 … 549 coincide with the reference DPMSolverMultistep integer timesteps; the tail is ComfyUI's 0.2230.
    expectClose(Array.from(s.subarray(0, 10)), [
      14.614655, 10.904246, 8.302811, 6.44296, 5.087767, 4.081732, 3.321085, 2.73547, 2.276464, 1.910251,
    ]);
    expectClose([s[19]!, s[20]!], [0.223, 0]);
  });
});
