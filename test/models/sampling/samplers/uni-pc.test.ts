import { describe, expect, it } from 'vitest';
import { solveLinear, uniPc } from '../../../../models/sampling/samplers/uni-pc.js';
import { constantNoise, linearDenoiser, scalar } from './sampler-contract.js';

describe('uniPc.sample', () => {
  it('hand-derived two steps with D = 0.2·x on σ = 2, 1, 0 (order 1, corrector on step 1)', async () => {
    // Step 1 predictor (DPM++ 1): 0.6; corrector with ρ = ½, B(h) = −ln 2, D1 = 0.12 − 0.2: 0.6 − 0.04·ln 2.
    // Step 2 to σ = 0.001 (no corrector), from the model value at the predictor (0.12):
    // 0.001·x₁ + (1 − 0.001)·0.12.
    let calls = 0;
    const model = linearDenoiser(0.2);
    const out = await uniPc.sample({
      model: (x, s) => (calls++, model(x, s)), x: scalar(1), sigmas: [2, 1, 0], noise: constantNoise(0),
    });
    const x1 = 0.6 - 0.04 * Math.LN2;
    expect(out[0]).toBeCloseTo(0.001 * x1 + 0.999 * 0.12, 6);
    expect(calls).toBe(2);
  });
  it('steps = 1 is ComfyUI’s order 0: one model call, x rescaled by α(σ0)/α(σ1), not updated', async () => {
    let calls = 0;
    const model = linearDenoiser(0.2);
    const out = await uniPc.sample({ model: (x, s) => (calls++, model(x, s)), x: scalar(1), sigmas: [2, 1], noise: constantNoise(0) });
    expect(out[0]).toBeCloseTo(Math.sqrt(2) / Math.sqrt(5), 6);
    expect(calls).toBe(1);
  });
  it('asks ComfyUI to drop the penultimate sigma', () => expect(uniPc.discardPenultimateSigma).toBe(true));
});

describe('solveLinear', () => {
  it('solves a pivoting-needing 3×3 system', () => {
    const x = solveLinear([[0, 2, 1], [1, 1, 1], [2, 1, 3]], [5, 6, 13]);
    expect(0 * x[0]! + 2 * x[1]! + x[2]!).toBeCloseTo(5, 12);
    expect(x[0]! + x[1]! + x[2]!).toBeCloseTo(6, 12);
    expect(2 * x[0]! + x[1]! + 3 * x[2]!).toBeCloseTo(13, 12);
  });
  it('names a singular system', () => expect(() => solveLinear([[1, 1], [1, 1]], [1, 2])).toThrow(/singular/));
});
