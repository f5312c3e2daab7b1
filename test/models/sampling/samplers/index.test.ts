import { describe, expect, it } from 'vitest';
import { getSampler, samplerNames, samplers } from '../../../../models/sampling/samplers/index.js';

describe('samplers registry', () => {
  it('offers the registry\'s names, in its order, for the KSampler combo', () => {
    expect(samplerNames).toEqual(Object.keys(samplers));
  });
  it('getSampler throws naming the choices for an unknown name', () => {
    expect(getSampler('lms')).toBe(samplers.lms);
    expect(() => getSampler('dpmpp_3m_sde')).toThrow(/unknown sampler "dpmpp_3m_sde".*euler/);
  });
});
