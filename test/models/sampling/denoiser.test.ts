import { describe, expect, it } from 'vitest';
import { applyCfg, epsToDenoiser } from '../../../models/sampling/denoiser.js';
import { discreteModelSampling, nearestTimestep } from '../../../models/sampling/sigmas.js';

describe('epsToDenoiser', () => {
  it('feeds x/√(σ²+1) and t(σ) to the UNet and returns x − σ·ε', async () => {
    const ms = discreteModelSampling();
    const seen: { scaled: number[]; t: number; dims: readonly number[] }[] = [];
    const den = epsToDenoiser({
      predictEps: async (x, t) => {
        seen.push({ scaled: Array.from(x.data), t, dims: x.dims });
        return Float32Array.of(0.5, -1);
      },
      sigmaToT: (s) => nearestTimestep(ms, s),
    });
    const sigma = ms.sigmaMax;
    const out = await den({ data: Float32Array.of(2, 4), dims: [1, 2, 1, 1] }, sigma);
    // Reference: at σ_max the input scale 1/√(σ²+1) is 0.0682649.
    expect(seen[0]!.scaled[0]! / 2).toBeCloseTo(0.0682649, 6);
    expect(seen[0]!.t).toBe(999);
    expect(seen[0]!.dims).toEqual([1, 2, 1, 1]);
    expect(out[0]).toBeCloseTo(2 - sigma * 0.5, 5);
    expect(out[1]).toBeCloseTo(4 + sigma, 5);
  });
  it('names a wrong-length ε', async () => {
    const den = epsToDenoiser({ predictEps: async () => new Float32Array(1), sigmaToT: () => 0 });
    await expect(den({ data: new Float32Array(2), dims: [2] }, 1)).rejects.toThrow(/predictEps returned 1 values/);
  });
});

describe('applyCfg', () => {
  it('computes uncond + g·(cond − uncond), and returns cond as is at g = 1', () => {
    const uncond = Float32Array.of(1, 2);
    const cond = Float32Array.of(3, 0);
    expect(Array.from(applyCfg({ uncond, cond, scale: 7.5 }))).toEqual([16, -13]);
    expect(applyCfg({ uncond, cond, scale: 1 })).toBe(cond);
  });
  it('rejects mismatched lengths', () => {
    expect(() => applyCfg({ uncond: new Float32Array(2), cond: new Float32Array(3), scale: 2 })).toThrow(/uncond has 2/);
  });
});
