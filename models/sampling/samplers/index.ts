import { ddim } from './ddim.js';
import { dpm2 } from './dpm-2.js';
import { dpmpp2m } from './dpmpp-2m.js';
import { dpmpp2mSde } from './dpmpp-2m-sde.js';
import { euler } from './euler.js';
import { eulerAncestral } from './euler-ancestral.js';
import { heun } from './heun.js';
import { lms } from './lms.js';
import type { Sampler } from './sampler.js';
import { uniPc } from './uni-pc.js';

export type { Denoiser, NoiseSource, SampleOptions, Sampler } from './sampler.js';

/**
 * Every sampler by its ComfyUI name, in ComfyUI's KSampler combo order: the one declaration of the names. The
 * name type, the combo list and the contract tests all derive from this record.
 */
export const samplers = {
  euler,
  euler_ancestral: eulerAncestral,
  heun,
  dpm_2: dpm2,
  lms,
  dpmpp_2m: dpmpp2m,
  dpmpp_2m_sde: dpmpp2mSde,
  ddim,
  uni_pc: uniPc,
} as const satisfies Readonly<Record<string, Sampler>>;

/** ComfyUI's names of the samplers this package implements (`comfy.samplers.SAMPLER_NAMES` subset). */
export type SamplerName = keyof typeof samplers;

/** Sampler names in ComfyUI's KSampler combo order. */
export const samplerNames = Object.keys(samplers) as readonly SamplerName[];

/** Looks a sampler up by name; throws naming the valid choices when it is unknown. */
export function getSampler(name: string): Sampler {
  const s = (samplers as Record<string, Sampler | undefined>)[name];
  if (!s) throw new Error(`unknown sampler "${name}"; expected one of ${samplerNames.join(', ')}`);
  return s;
}
