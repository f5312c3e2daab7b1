import { describe, expect, it } from 'vitest';
import { lms, lmsCoefficient } from '../../../../models/sampling/samplers/lms.js';
import { constantNoise, linearDenoiser, scalar } from './sampler-contract.js';

describe('lmsCoefficient', () => {
  it('integrates the Lagrange basis exactly (hand integrals on σ = 2, 1, 0.5)', () => {
    expect(lmsCoefficient(1, [2, 1], 0, 0)).toBeCloseTo(-1, 12);
    // ∫_1^0.5 (2 − τ) dτ = −0.625 and ∫_1^0.5 (τ − 1) dτ = 0.125.
    expect(lmsCoefficient(2, [2, 1, 0.5], 1, 0)).toBeCloseTo(-0.625, 12);
    expect(lmsCoefficient(2, [2, 1, 0.5], 1, 1)).toBeCloseTo(0.125, 12);
  });
  it('coefficients of order 4 sum to σ_{i+1} − σ_i (the basis sums to 1)', () => {
    const s = [14, 9, 5, 2.5, 1.1, 0.3];
    const sum = [0, 1, 2, 3].reduce((a, j) => a + lmsCoefficient(4, s, 4, j), 0);
    expect(sum).toBeCloseTo(0.3 - 1.1, 12);
  });
  it('refuses an order higher than the history', () => expect(() => lmsCoefficient(3, [3, 2, 1], 1, 0)).toThrow(/too high/));
});

describe('lms.sample', () => {
  it('hand-derived two steps with D = 0.2·x on σ = 2, 1, 0.5 from x = 1 → 0.6 → 0.35', async () => {
    const out = await lms.sample({ model: linearDenoiser(0.2), x: scalar(1), sigmas: [2, 1, 0.5], noise: constantNoise(0) });
    expect(out[0]).toBeCloseTo(0.35, 6);
  });
});

describe('lms final step', () => {
  it('returns the denoised estimate on a step to σ = 0, as ComfyUI', async () => {
    const { lms } = await import('../../../../models/sampling/samplers/lms.js');
    const { linearDenoiser, scalar, constantNoise } = await import('./sampler-contract.js');
    // Step 0 (σ 2 → 1) is an LMS step x + c·d; step 1 (σ 1 → 0) returns D(x) = 0.2·x.
    const out = await lms.sample({ model: linearDenoiser(0.2), x: scalar(1), sigmas: [2, 1, 0], noise: constantNoise(0) });
    const x1 = 1 + (1 - 2) * ((1 - 0.2) / 2);
    expect(out[0]).toBeCloseTo(0.2 * x1, 6);
  });
});
