import { describe, expect, it } from 'vitest';
import { ddim } from '../../../../models/sampling/samplers/ddim.js';
import { discreteModelSampling } from '../../../../models/sampling/sigmas.js';
import { constantEpsDenoiser, constantNoise, scalar } from './sampler-contract.js';

describe('ddim.sample', () => {
  const ms = discreteModelSampling();
  const ac = ms.alphasCumprod;
  /** One DDIM (η = 0) step t → t' in diffusers' VP variables, run through our VE sampler. */
  async function vpStep(t: number, tNext: number, xVp: number, eps: number): Promise<number> {
    const xVe = xVp / Math.sqrt(ac[t]!);
    const out = await ddim.sample({
      model: constantEpsDenoiser(eps), x: scalar(xVe), sigmas: [ms.sigmas[t]!, ms.sigmas[tNext]!], noise: constantNoise(0),
    });
    return out[0]! * Math.sqrt(ac[tNext]!);
  }
  it('reference vector: t 951 → 901, x = 1, ε = 0.5 gives x̂0 = 5.559411 and x′ = 1.154400', async () => {
    expect(1 / Math.sqrt(ac[951]!) - ms.sigmas[951]! * 0.5).toBeCloseTo(5.559411, 4);
    expect(await vpStep(951, 901, 1, 0.5)).toBeCloseTo(1.1544, 4);
  });
  it('reference vector: the last step t = 1 → ᾱ_0 gives 0.994357', async () => {
    expect(await vpStep(1, 0, 1, 0.5)).toBeCloseTo(0.994357, 5);
  });
});
