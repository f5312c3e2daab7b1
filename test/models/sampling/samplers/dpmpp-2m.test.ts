import { describe, expect, it } from 'vitest';
import { dpmpp2m } from '../../../../models/sampling/samplers/dpmpp-2m.js';
import { constantEpsDenoiser, constantNoise, linearDenoiser, scalar } from './sampler-contract.js';

describe('dpmpp2m.sample', () => {
  it('reference vector: DPMSolverMultistep step 0 (999 → 949), x = 1, ε = 0.5 → 1.168367 (VP units)', async () => {
    const [s0, s1] = [14.614655, 10.904246];
    // diffusers' VP latent x relates to ours by x_VE = x_VP·√(σ²+1).
    const xVe = Math.sqrt(s0 * s0 + 1);
    expect(xVe - s0 * 0.5).toBeCloseTo(7.3415, 4);
    expect(Math.log(s0 / s1)).toBeCloseTo(0.292873, 5);
    const out = await dpmpp2m.sample({ model: constantEpsDenoiser(0.5), x: scalar(xVe), sigmas: [s0, s1], noise: constantNoise(0) });
    expect(out[0]! / Math.sqrt(s1 * s1 + 1)).toBeCloseTo(1.168367, 5);
  });
  it('hand-derived second-order step: D = 0.2·x on σ = 2, 1, 0.5 from x = 1 → 0.6 → 0.34', async () => {
    // Step 0: 0.5·1 + 0.5·0.2 = 0.6. Step 1: r = 1, D = 1.5·0.12 − 0.5·0.2 = 0.08, x = 0.5·0.6 + 0.5·0.08.
    const out = await dpmpp2m.sample({ model: linearDenoiser(0.2), x: scalar(1), sigmas: [2, 1, 0.5], noise: constantNoise(0) });
    expect(out[0]).toBeCloseTo(0.34, 6);
  });
  it('the last step to σ = 0 returns the denoised estimate', async () => {
    const out = await dpmpp2m.sample({ model: linearDenoiser(0.2), x: scalar(1), sigmas: [2, 1, 0], noise: constantNoise(0) });
    expect(out[0]).toBeCloseTo(0.2 * 0.6, 6);
  });
});
