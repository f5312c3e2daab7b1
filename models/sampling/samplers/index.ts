import { ddim } from './ddim.js';
import { dpm2 } from './dpm-2.js';
import { dpmpp2m } from './dpmpp-2m.js';
import { dpmpp2mSde } from './dpmpp-2m-sde.js';
import { euler } from './euler.js';
import { eulerAncestral } from './euler-ancestral.js';
import { heun } from './heun.js';
import { lms } from './lms.js';
import type { Sampler, SamplerName } from './sampler.js';
import { uniPc } from './uni-pc.js';

export type { Denoiser, NoiseSource, SampleOptions, Sampler, SamplerName } from './sampler.js';

/** Every sampler by its ComfyUI name. */
export const samplers: Readonly<Record<SamplerName, Sampler>> = {
  euler,
  euler_ancestral: eulerAncestral,
  heun,
  dpm_2: dpm2,
  lms,
  dpmpp_2m: dpmpp2m,
  dpmpp_2m_sde: dpmpp2mSde,
  ddim,
  uni_pc: uniPc,
};

/** Sampler names in ComfyUI's KSampler combo order. */
export const samplerNames: readonly SamplerName[] = [
  'euler',
  'euler_ancestral',
  'heun',
  'dpm_2',
  'lms',
  'dpmpp_2m',
  'dpmpp_2m_sde',
  'ddim',
  'uni_pc',
];

/** Looks a sampler up by name; throws naming the valid choices when it is unknown. */
export function getSampler(name: string): Sampler {
  const s = (samplers as Record<string, Sampler | undefined>)[name];
  if (!s) throw new Error(`unknown sampler "${name}"; expected one of ${samplerNames.join(', ')}`);
  return s;
}
