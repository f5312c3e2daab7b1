import { describe, expect, it } from 'vitest';
import { getSampler, samplerNames, samplers } from '../../../../models/sampling/samplers/index.js';

describe('samplers registry', () => {
  it('lists every sampler the issue asks for, each under its own name', () => {
    expect([...samplerNames].sort()).toEqual(
      ['ddim', 'dpm_2', 'dpmpp_2m', 'dpmpp_2m_sde', 'euler', 'euler_ancestral', 'heun', 'lms', 'uni_pc'].sort(),
    );
    for (const n of samplerNames) expect(samplers[n].name).toBe(n);
  });
  it('getSampler throws naming the choices for an unknown name', () => {
    expect(getSampler('lms')).toBe(samplers.lms);
    expect(() => getSampler('dpmpp_3m_sde')).toThrow(/unknown sampler "dpmpp_3m_sde".*euler/);
  });
});
