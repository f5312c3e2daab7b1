import { describe, expect, it } from 'vitest';
import { ddimUniform } from '../../../../models/sampling/schedulers/ddim-uniform.js';
import { discreteModelSampling } from '../../../../models/sampling/sigmas.js';
import { expectClose } from './scheduler-contract.js';

describe('ddimUniform.sigmas', () => {
  const ms = discreteModelSampling();
  it('uses DDIM leading timesteps 951, 901, …, 1 at 20 steps (reference table values)', () => {
    const s = ddimUniform.sigmas(ms, 20);
    expect(s.length).toBe(21);
    // σ_951, σ_901 and σ_1 from the reference's ᾱ/σ table.
    expectClose([s[0]!, s[1]!, s[18]!, s[19]!, s[20]!], [11.028331, 8.390685, 0.228147, 0.041314, 0]);
  });
  it('keeps ComfyUI’s extra step when the stride does not divide 1000 (7 steps → 9 values)', () => {
    expect(ddimUniform.sigmas(ms, 7).length).toBe(9);
  });
});
