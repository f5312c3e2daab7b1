/**
 * The sampler contract for every registered sampler, driven by a record keyed by the registry's names: a sampler
 * added to `samplers` without contract options here fails typecheck (the record's type) and this test.
 */
import { describe, expect, it } from 'vitest';
import { samplerNames, samplers, type SamplerName } from '../../../../models/sampling/samplers/index.js';
import { runSamplerContract, type SamplerContractOptions } from './sampler-contract.js';

const ode = (tolerance: number): SamplerContractOptions => ({ kind: 'ode', tolerance });
const sde = (stdTolerance: number, why: string): SamplerContractOptions => ({ kind: 'sde', stdTolerance, why });

const contracts: Record<SamplerName, SamplerContractOptions> = {
  // First order: at 30 Karras steps the worst element is ~0.12 off the exact ODE answer.
  euler: ode(0.15),
  euler_ancestral: sde(0.07, 'first-order ancestral steps under-shoot the toy variance at 30 steps (std ≈ 0.45 for 0.5; 0.48 at 100)'),
  heun: ode(0.02),
  dpm_2: ode(0.02),
  lms: ode(0.01),
  dpmpp_2m: ode(0.02),
  dpmpp_2m_sde: sde(0.03, 'stochastic: 4096 samples estimate the std to about ±0.01, plus a small discretisation bias'),
  ddim: ode(0.15),
  uni_pc: { kind: 'ode', tolerance: 0.01, oneStepSkip: 'ComfyUI’s uni_pc runs order 0 for one step and returns the rescaled input (ksampler-golden.test.ts)' },
};

describe('sampler contracts', () => {
  it('cover exactly the registered samplers, each registered under its own name', () => {
    expect(Object.keys(contracts).sort()).toEqual([...samplerNames].sort());
    for (const name of samplerNames) expect(samplers[name].name).toBe(name);
  });
});

for (const name of samplerNames) runSamplerContract(samplers[name], contracts[name]);
