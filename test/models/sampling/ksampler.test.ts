import { describe, expect, it } from 'vitest';
import { applyStepWindow, ksamplerSigmas, sampleKSampler, type KSamplerOptions } from '../../../models/sampling/ksampler.js';
import { latentNoise } from '../../../models/sampling/noise.js';
import type { Denoiser } from '../../../models/sampling/samplers/sampler.js';
import { normal } from '../../../models/sampling/schedulers/normal.js';
import { discreteModelSampling } from '../../../models/sampling/sigmas.js';
import { gaussianDenoiser } from './samplers/sampler-contract.js';

const ms = discreteModelSampling();

describe('ksamplerSigmas', () => {
  it('denoise = 1 (and > 0.9999) is the scheduler’s schedule', () => {
    const full = Array.from(normal.sigmas(ms, 20));
    expect(Array.from(ksamplerSigmas({ modelSampling: ms, scheduler: 'normal', sampler: 'euler', steps: 20 }))).toEqual(full);
    expect(
      Array.from(ksamplerSigmas({ modelSampling: ms, scheduler: 'normal', sampler: 'euler', steps: 20, denoise: 0.99995 })),
    ).toEqual(full);
  });
  it('denoise 0.5: the last 21 of a 40-step schedule, starting at σ ≈ 1.5482 (reference)', () => {
    const s = ksamplerSigmas({ modelSampling: ms, scheduler: 'normal', sampler: 'euler', steps: 20, denoise: 0.5 });
    expect(s.length).toBe(21);
    expect(s[0]).toBeCloseTo(1.5482, 4);
    expect(Array.from(s)).toEqual(Array.from(normal.sigmas(ms, 40).slice(-21)));
  });
  it('denoise near 0 keeps steps+1 tiny sigmas; denoise ≤ 0 gives nothing to sample', () => {
    const s = ksamplerSigmas({ modelSampling: ms, scheduler: 'karras', sampler: 'euler', steps: 20, denoise: 0.001 });
    expect(s.length).toBe(21);
    expect(s[0]).toBeLessThan(0.05);
    expect(s[20]).toBe(0);
    expect(ksamplerSigmas({ modelSampling: ms, scheduler: 'karras', sampler: 'euler', steps: 20, denoise: 0 }).length).toBe(0);
  });
  it('drops the penultimate sigma of a steps+1 schedule for dpm_2 and uni_pc', () => {
    const longer = Array.from(normal.sigmas(ms, 21));
    const expected = [...longer.slice(0, 20), 0];
    for (const sampler of ['dpm_2', 'uni_pc'] as const) {
      expect(Array.from(ksamplerSigmas({ modelSampling: ms, scheduler: 'normal', sampler, steps: 20 }))).toEqual(expected);
    }
  });
  it('steps = 1 gives [σ_max, 0]', () => {
    const s = ksamplerSigmas({ modelSampling: ms, scheduler: 'normal', sampler: 'euler', steps: 1 });
    expect(s.length).toBe(2);
    expect(s[0]).toBeCloseTo(ms.sigmaMax, 10);
    expect(s[1]).toBe(0);
  });
  it('rejects bad steps, denoise and names', () => {
    const base = { modelSampling: ms, scheduler: 'normal', sampler: 'euler', steps: 20 } as const;
    expect(() => ksamplerSigmas({ ...base, steps: 0 })).toThrow(/steps/);
    expect(() => ksamplerSigmas({ ...base, denoise: 1.5 })).toThrow(/denoise/);
    expect(() => ksamplerSigmas({ ...base, scheduler: 'nope' as 'normal' })).toThrow(/unknown scheduler/);
  });
});

describe('applyStepWindow', () => {
  const s = Float64Array.of(5, 4, 3, 2, 1, 0);
  it('cuts at lastStep, zeroes the end when forced, then starts at startStep', () => {
    expect(Array.from(applyStepWindow(s, { lastStep: 3 })!)).toEqual([5, 4, 3, 2]);
    expect(Array.from(applyStepWindow(s, { lastStep: 3, forceFullDenoise: true })!)).toEqual([5, 4, 3, 0]);
    expect(Array.from(applyStepWindow(s, { startStep: 2 })!)).toEqual([3, 2, 1, 0]);
    expect(Array.from(applyStepWindow(s, { startStep: 1, lastStep: 10000 })!)).toEqual([4, 3, 2, 1, 0]);
    expect(applyStepWindow(s, { startStep: 5 })).toBeUndefined();
  });
});

/** A denoiser that records σ and the first input it sees. */
function recording(): { model: Denoiser; sigmas: number[]; firstX: () => Float32Array } {
  const sigmas: number[] = [];
  let first: Float32Array | undefined;
  return {
    sigmas,
    firstX: () => first!,
    model: async (x, sigma) => {
      if (!first) first = Float32Array.from(x.data);
      sigmas.push(sigma);
      return gaussianDenoiser(x, sigma);
    },
  };
}

const dims = [1, 4, 4, 4];
const zeros = { data: new Float32Array(64), dims };
const base = (over: Partial<KSamplerOptions> = {}): KSamplerOptions => ({
  model: gaussianDenoiser, modelSampling: ms, latent: zeros, seed: 42, steps: 4, sampler: 'euler', scheduler: 'karras',
  ...over,
});

describe('sampleKSampler', () => {
  it('txt2img starts from noise·√(1+σ_max²) (= 14.6488 for SD1.5) and returns the latent dims', async () => {
    const rec = recording();
    const out = await sampleKSampler(base({ model: rec.model }));
    const noise = latentNoise({ seed: 42, dims });
    expect(Math.sqrt(1 + ms.sigmaMax ** 2)).toBeCloseTo(14.6488, 4);
    rec.firstX().forEach((v, i) => expect(v).toBeCloseTo(noise[i]! * Math.sqrt(1 + ms.sigmaMax ** 2), 4));
    expect(out.dims).toEqual(dims);
    expect(rec.sigmas.length).toBe(4);
  });
  it('img2img (denoise 0.5) adds noise·σ_0 to the latent', async () => {
    const rec = recording();
    const latent = { data: new Float32Array(64).fill(0.7), dims };
    await sampleKSampler(base({ model: rec.model, latent, denoise: 0.5, scheduler: 'normal', steps: 20 }));
    const noise = latentNoise({ seed: 42, dims });
    const s0 = rec.sigmas[0]!;
    expect(s0).toBeCloseTo(1.5482, 4);
    rec.firstX().forEach((v, i) => expect(v).toBeCloseTo(0.7 + noise[i]! * s0, 4));
  });
  it('denoise = 0 and startStep past the end return the latent untouched without calling the model', async () => {
    const rec = recording();
    const latent = { data: Float32Array.from({ length: 64 }, (_, i) => i / 64), dims };
    for (const over of [{ denoise: 0 }, { startStep: 4 }, { startStep: 99 }]) {
      const out = await sampleKSampler(base({ model: rec.model, latent, ...over }));
      expect(Array.from(out.data)).toEqual(Array.from(latent.data));
      expect(out.data).not.toBe(latent.data);
    }
    expect(rec.sigmas).toEqual([]);
  });
  it('same seed gives identical bytes; another seed differs', async () => {
    const a = await sampleKSampler(base({ sampler: 'euler_ancestral' }));
    const b = await sampleKSampler(base({ sampler: 'euler_ancestral' }));
    const c = await sampleKSampler(base({ sampler: 'euler_ancestral', seed: 43 }));
    expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer))).toBe(true);
    expect(Buffer.from(a.data.buffer).equals(Buffer.from(c.data.buffer))).toBe(false);
  });
  it('with seed-plus-index, image i of a batch equals a batch-1 run with seed + i (ancestral step noise included)', async () => {
    const bDims = [2, 4, 4, 4];
    const batch = await sampleKSampler(base({ sampler: 'euler_ancestral', latent: { data: new Float32Array(128), dims: bDims }, noiseRule: 'seed-plus-index' }));
    const one = await sampleKSampler(base({ sampler: 'euler_ancestral', seed: 43, noiseRule: 'seed-plus-index' }));
    expect(Array.from(batch.data.subarray(64))).toEqual(Array.from(one.data));
  });
  it('by default, as ComfyUI, image 0 of a batch equals batch 1 with the same seed, image 1 does not equal seed + 1', async () => {
    const bDims = [2, 4, 4, 4];
    const batch = await sampleKSampler(base({ sampler: 'euler', latent: { data: new Float32Array(128), dims: bDims } }));
    const first = await sampleKSampler(base({ sampler: 'euler' }));
    const next = await sampleKSampler(base({ sampler: 'euler', seed: 43 }));
    expect(Array.from(batch.data.subarray(0, 64))).toEqual(Array.from(first.data));
    expect(Array.from(batch.data.subarray(64))).not.toEqual(Array.from(next.data));
  });
  it('add_noise disabled starts from the latent as is', async () => {
    const rec = recording();
    const latent = { data: new Float32Array(64).fill(0.25), dims };
    await sampleKSampler(base({ model: rec.model, latent, addNoise: false }));
    expect(Array.from(rec.firstX())).toEqual(Array.from(latent.data));
  });
  it('KSamplerAdvanced window: start 2, end 6 of 10 with leftover noise walks σ[2..5] and stops at σ[6]', async () => {
    const rec = recording();
    const full = ksamplerSigmas({ modelSampling: ms, scheduler: 'karras', sampler: 'euler', steps: 10 });
    await sampleKSampler(base({ model: rec.model, steps: 10, startStep: 2, lastStep: 6 }));
    expect(rec.sigmas).toEqual(Array.from(full.slice(2, 6)));
    const forced = recording();
    const out = await sampleKSampler(base({ model: forced.model, steps: 10, lastStep: 6, forceFullDenoise: true }));
    expect(forced.sigmas).toEqual(Array.from(full.slice(0, 6)));
    // Forced to σ = 0, the last Euler step lands on the denoiser's estimate: near the toy's data range.
    expect(Math.max(...Array.from(out.data, Math.abs))).toBeLessThan(3);
  });
  it('reports progress once per step and stops on interrupt', async () => {
    const steps: number[] = [];
    await sampleKSampler(base({ steps: 6, onStep: (i, total) => steps.push(i + 1 - total) }));
    expect(steps).toEqual([-5, -4, -3, -2, -1, 0]);
    const ac = new AbortController();
    ac.abort();
    await expect(sampleKSampler(base({ signal: ac.signal }))).rejects.toMatchObject({ name: 'AbortError' });
  });
  it('every sampler × scheduler runs end to end at steps = 1 and steps = 3 with finite output', async () => {
    const samplerNames = ['euler', 'euler_ancestral', 'heun', 'dpm_2', 'lms', 'dpmpp_2m', 'dpmpp_2m_sde', 'ddim', 'uni_pc'] as const;
    const schedulerNames = ['normal', 'karras', 'exponential', 'sgm_uniform', 'simple', 'ddim_uniform', 'beta'] as const;
    for (const sampler of samplerNames) {
      for (const scheduler of schedulerNames) {
        for (const steps of [1, 3]) {
          const out = await sampleKSampler(base({ sampler, scheduler, steps }));
          expect(out.data.every(Number.isFinite), `${sampler}/${scheduler}/${steps}`).toBe(true);
        }
      }
    }
  });
  it('names a latent whose data does not match its dims', async () => {
    await expect(sampleKSampler(base({ latent: { data: new Float32Array(3), dims } }))).rejects.toThrow(/latent has 3 values/);
  });
});
