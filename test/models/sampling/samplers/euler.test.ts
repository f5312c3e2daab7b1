import { describe, expect, it } from 'vitest';
import { euler } from '../../../../models/sampling/samplers/euler.js';
import { constantEpsDenoiser, constantNoise, scalar } from './sampler-contract.js';

describe('euler.sample', () => {
  it('reference one-step vector: step 0 of linspace 20, x = 1, ε = 0.5 → −0.933899', async () => {
    const out = await euler.sample({
      model: constantEpsDenoiser(0.5), x: scalar(1), sigmas: [14.614655, 10.746857], noise: constantNoise(0),
    });
    expect(out[0]).toBeCloseTo(-0.933899, 5);
  });
  it('a final step to σ = 0 lands on the denoised estimate', async () => {
    const out = await euler.sample({
      model: constantEpsDenoiser(0.5), x: scalar(1), sigmas: [0.029168, 0], noise: constantNoise(0),
    });
    expect(out[0]).toBeCloseTo(1 - 0.029168 * 0.5, 6);
  });
});
