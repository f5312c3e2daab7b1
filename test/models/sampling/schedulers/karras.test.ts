import { describe, it } from 'vitest';
import { karras } from '../../../../models/sampling/schedulers/karras.js';
import { discreteModelSampling } from '../../../../models/sampling/sigmas.js';
import { expectClose } from './scheduler-contract.js';

describe('karras.sigmas', () => {
  it('equals the reference Karras ρ=7 20-step schedule (SD1.5)', () => {
    expectClose(karras.sigmas(discreteModelSampling(), 20), [
      14.614655, 11.725379, 9.340217, 7.383631, 5.789424, 4.499846, 3.464757, 2.640849, 1.990923, 1.483217,
      1.090791, 0.79095, 0.564725, 0.396392, 0.27304, 0.184169, 0.121342, 0.077861, 0.048482, 0.029168, 0,
    ]);
  });
});
