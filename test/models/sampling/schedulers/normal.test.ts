import { describe, it } from 'vitest';
import { normal } from '../../../../models/sampling/schedulers/normal.js';
import { discreteModelSampling } from '../../../../models/sampling/sigmas.js';
import { expectClose } from './scheduler-contract.js';

describe('normal.sigmas', () => {
  it('equals the reference Euler linspace 20 schedule (SD1.5)', () => {
    // diffusers' Euler "linspace" 20 sigmas for SD1.5; ComfyUI's normal scheduler equals it.
    expectClose(normal.sigmas(discreteModelSampling(), 20), [
      14.614655, 10.746857, 8.081541, 6.204954, 4.855667, 3.865386, 3.123769, 2.557169, 2.115662, 1.764825,
      1.480582, 1.245815, 1.048143, 0.87843, 0.729719, 0.596435, 0.473586, 0.355547, 0.232168, 0.029168, 0,
    ]);
  });
});
