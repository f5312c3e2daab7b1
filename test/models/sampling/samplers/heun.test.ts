import { describe, expect, it } from 'vitest';
import { heun } from '../../../../models/sampling/samplers/heun.js';
import { constantNoise, linearDenoiser, scalar } from './sampler-contract.js';

describe('heun.sample', () => {
  it('hand-derived step with D = 0.2·x, σ 2 → 1, x = 1: d = 0.4, x₂ = 0.6, d₂ = 0.48 → 0.56', async () => {
    let calls = 0;
    const model = linearDenoiser(0.2);
    const out = await heun.sample({
      model: (x, s) => (calls++, model(x, s)), x: scalar(1), sigmas: [2, 1], noise: constantNoise(0),
    });
    expect(out[0]).toBeCloseTo(0.56, 6);
    expect(calls).toBe(2);
  });
  it('takes a plain Euler step (one call) to σ = 0', async () => {
    let calls = 0;
    const model = linearDenoiser(0.2);
    const out = await heun.sample({
      model: (x, s) => (calls++, model(x, s)), x: scalar(1), sigmas: [2, 0], noise: constantNoise(0),
    });
    expect(out[0]).toBeCloseTo(0.2, 6);
    expect(calls).toBe(1);
  });
});
