import { describe, expect, it } from 'vitest';
import { ancestralStep, eulerAncestral } from '../../../../models/sampling/samplers/euler-ancestral.js';
import { constantEpsDenoiser, constantNoise, scalar } from './sampler-contract.js';

describe('ancestralStep', () => {
  it('reference: step 0 of 20 gives σ_up = 7.283034 and σ_down = 7.902679', () => {
    const { up, down } = ancestralStep(14.614655, 10.746857);
    expect(up).toBeCloseTo(7.283034, 5);
    expect(down).toBeCloseTo(7.902679, 5);
    expect(down ** 2 + up ** 2).toBeCloseTo(10.746857 ** 2, 9);
  });
  it('η = 0 is deterministic', () => expect(ancestralStep(2, 1, 0)).toEqual({ down: 1, up: 0 }));
});

describe('eulerAncestral.sample', () => {
  const run = (noise: number, sigmas: number[]) =>
    eulerAncestral.sample({ model: constantEpsDenoiser(0.5), x: scalar(1), sigmas, noise: constantNoise(noise) });
  it('reference: the deterministic part for x = 1, ε = 0.5 is −2.355988; noise adds σ_up·z', async () => {
    expect((await run(0, [14.614655, 10.746857]))[0]).toBeCloseTo(-2.355988, 5);
    expect((await run(1, [14.614655, 10.746857]))[0]).toBeCloseTo(-2.355988 + 7.283034, 4);
  });
  it('adds no noise on the last step to σ = 0', async () => {
    expect((await run(1, [0.5, 0]))[0]).toBeCloseTo(1 - 0.5 * 0.5, 6);
  });
});
