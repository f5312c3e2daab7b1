/**
 * End-to-end golden values from ComfyUI's own sampling code (how they were made: the fixture's `source`): for
 * every sampler, schedules, seeds, denoise < 1 and batches of 1 and 2, `sampleKSampler` must give the latent
 * ComfyUI gives for the same denoiser, seed and settings: the same σ schedule, the same starting noise (one
 * [B, 4, h, w] draw from torch's CPU generator), the same step noise and the same update rules.
 * Tolerance: ComfyUI computes in float32 throughout (σ included), we keep σ and step coefficients in float64, so
 * values differ in the last float32 digits; 2e-5 absolute (on values of order 1) is far below any algorithmic
 * difference (a wrong final step or noise stream moves values by 0.01 to 1). uni_pc gets 1e-4: ComfyUI evaluates
 * its λ = −ln σ, h, φ_k(h) and the ρ system in float32 tensors, which rounds them visibly (3.9e-5 seen).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleKSampler } from '../../../models/sampling/ksampler.js';
import type { SamplerName } from '../../../models/sampling/samplers/index.js';
import type { Denoiser } from '../../../models/sampling/samplers/sampler.js';
import type { SchedulerName } from '../../../models/sampling/schedulers/index.js';
import { discreteModelSampling } from '../../../models/sampling/sigmas.js';
import { gaussianDenoiser } from './samplers/sampler-contract.js';

interface GoldenCase {
  sampler: SamplerName;
  scheduler: SchedulerName;
  steps: number;
  denoise: number;
  seed: number;
  batch: number;
  latent: number;
  calls: number;
  sigmas: number[];
  out: number[];
}

const golden = JSON.parse(readFileSync(new URL('./fixtures/comfyui-ksampler-golden.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };
const modelSampling = discreteModelSampling();
const tolerance = (sampler: SamplerName) => (sampler === 'uni_pc' ? 1e-4 : 2e-5);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('sampleKSampler against ComfyUI', () => {
  it.each(golden.cases.map((c) => [`${c.sampler} ${c.scheduler} steps ${c.steps} denoise ${c.denoise} seed ${c.seed} batch ${c.batch}`, c] as const))('%s', async (_name, c) => {
    let calls = 0;
    const sigmasSeen: number[] = [];
    const model: Denoiser = (x, sigma) => {
      calls++;
      sigmasSeen.push(sigma);
      return gaussianDenoiser(x, sigma);
    };
    const dims = [c.batch, 4, 2, 3];
    const latent = { data: new Float32Array(c.batch * 24).fill(c.latent), dims };
    const out = await sampleKSampler({ model, modelSampling, latent, seed: c.seed, steps: c.steps, sampler: c.sampler, scheduler: c.scheduler, denoise: c.denoise });
    expect(out.dims).toEqual(dims);
    expect(out.data.length).toBe(c.out.length);
    expect(maxAbsDiff(out.data, c.out)).toBeLessThan(tolerance(c.sampler));
    expect(calls).toBe(c.calls);
    expect(sigmasSeen[0]).toBeCloseTo(c.sigmas[0]!, 4);
  });
});
