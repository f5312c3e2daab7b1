import { describe, expect, it } from 'vitest';
import { dpm2 } from '../../../../models/sampling/samplers/dpm-2.js';
import { constantNoise, linearDenoiser, scalar } from './sampler-contract.js';

describe('dpm2.sample', () => {
  it('hand-derived step with D = 0.2·x, σ 2 → 1, x = 1: midpoint σ = √2', async () => {
    const d = 0.4;
    const x2 = 1 + d * (Math.SQRT2 - 2);
    const d2 = (0.8 * x2) / Math.SQRT2;
    const out = await dpm2.sample({ model: linearDenoiser(0.2), x: scalar(1), sigmas: [2, 1], noise: constantNoise(0) });
    expect(out[0]).toBeCloseTo(1 - d2, 6);
    expect(out[0]).toBeCloseTo(0.566863, 5);
  });
  it('asks ComfyUI to drop the penultimate sigma', () => expect(dpm2.discardPenultimateSigma).toBe(true));
});
