import { describe, expect, it } from 'vitest';
import { dpmpp2mSde, makeDpmPp2mSde } from '../../../../models/sampling/samplers/dpmpp-2m-sde.js';
import { constantNoise, linearDenoiser, scalar } from './sampler-contract.js';

describe('dpmpp2mSde.sample', () => {
  it('hand-derived step with D = 0.2·x, σ 2 → 1, x = 1: 0.25 + 0.75·0.2 = 0.4, plus √0.75·z', async () => {
    const run = (z: number) =>
      dpmpp2mSde.sample({ model: linearDenoiser(0.2), x: scalar(1), sigmas: [2, 1], noise: constantNoise(z) });
    expect((await run(0))[0]).toBeCloseTo(0.4, 6);
    expect((await run(1))[0]).toBeCloseTo(0.4 + Math.sqrt(0.75), 6);
  });
  it('hand-derived second step (midpoint): σ 2 → 1 → 0.5 without noise gives 0.115', async () => {
    // 0.25·0.4 + 0.75·0.08 + ½·0.75·(0.08 − 0.2) = 0.1 + 0.06 − 0.045.
    const out = await dpmpp2mSde.sample({ model: linearDenoiser(0.2), x: scalar(1), sigmas: [2, 1, 0.5], noise: constantNoise(0) });
    expect(out[0]).toBeCloseTo(0.115, 6);
  });
  it('with η = 0 it is deterministic DPM++ 2M and never draws noise', async () => {
    const ode = makeDpmPp2mSde({ eta: 0, sNoise: 1, solverType: 'midpoint' });
    const noise = { next: () => { throw new Error('drew noise'); } };
    const out = await ode.sample({ model: linearDenoiser(0.2), x: scalar(1), sigmas: [2, 1, 0.5], noise });
    expect(out[0]).toBeCloseTo(0.34, 6);
  });
});
