import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdSample, type SdSampleOptions } from '../../../models/sd/sample.js';
import type { EncodedPreview } from '../../../models/sd/preview.js';
import { encodePrompt } from '../../../models/sd/text-encoder.js';
import type { Conditioning } from '../../../models/sd/types.js';
import { zeros } from '../../../models/tensors.js';
import { createSdFixture, type SdFixture } from './sd-fixture.js';
import { maxAbsDiff, pseudoRandom, relMaxDiff } from '../../support/arrays.js';
import { samplerNames } from '../../../models/sampling/samplers/index.js';
import { schedulerNames } from '../../../models/sampling/schedulers/index.js';

let fx: SdFixture;
let pos: Conditioning;
let neg: Conditioning;
beforeAll(async () => {
  fx = createSdFixture();
  pos = [await encodePrompt({ sessions: fx.models.pool, clip: fx.ckpt.clip, text: 'a sharp photo of a cat' })];
  neg = [await encodePrompt({ sessions: fx.models.pool, clip: fx.ckpt.clip, text: 'blurry' })];
});
afterAll(() => fx?.close());

const run = (o: Partial<SdSampleOptions> = {}) =>
  sdSample({
    sessions: fx.models.pool, model: fx.ckpt.model, positive: pos, negative: neg,
    latent: { samples: zeros([1, 4, 8, 8]) }, seed: 42, steps: 4, cfg: 7, sampler: 'euler', scheduler: 'normal', ...o,
  });

const bytes = (d: Float32Array) => Buffer.from(d.buffer, d.byteOffset, d.byteLength);

describe('sdSample', () => {
  it('is deterministic per seed: same seed → identical bytes, another seed → different bytes', async () => {
    const a = await run();
    const b = await run();
    const c = await run({ seed: 43 });
    expect(bytes(a.samples.data).equals(bytes(b.samples.data))).toBe(true);
    expect(bytes(a.samples.data).equals(bytes(c.samples.data))).toBe(false);
    expect(a.samples.dims).toEqual([1, 4, 8, 8]);
  });

  it('draws a batch as ComfyUI: one stream for the whole batch, so image 0 equals the same seed at batch 1', async () => {
    const batch = await run({ latent: { samples: zeros([2, 4, 8, 8]) } });
    const alone = await run();
    expect(relMaxDiff(batch.samples.data.subarray(0, 256), alone.samples.data)).toBeLessThan(1e-5);
    expect(relMaxDiff(batch.samples.data.subarray(256), (await run({ seed: 43 })).samples.data)).toBeGreaterThan(1e-3);
  });

  it('with seed-plus-index gives image i of a batch the result of seed + i run alone (batch-position independent noise)', async () => {
    const noiseRule = 'seed-plus-index' as const;
    const batch = await run({ latent: { samples: zeros([2, 4, 8, 8]) }, sampler: 'euler_ancestral', noiseRule });
    const alone = await run({ seed: 43, sampler: 'euler_ancestral', noiseRule });
    expect(relMaxDiff(batch.samples.data.subarray(256), alone.samples.data)).toBeLessThan(1e-5);
    const indexed = await run({ latent: { samples: zeros([1, 4, 8, 8]), batchIndex: [1] }, sampler: 'euler_ancestral', noiseRule });
    expect(relMaxDiff(indexed.samples.data, alone.samples.data)).toBeLessThan(1e-5);
    expect(indexed.batchIndex).toEqual([1]);
  });

  it('takes 64-bit seeds without losing precision', async () => {
    const max = await run({ seed: 0xffffffffffffffffn });
    const below = await run({ seed: 0xfffffffffffffffen });
    expect(bytes(max.samples.data).equals(bytes(below.samples.data))).toBe(false);
  });

  it('reports once per step with previews every N steps (and on the last)', async () => {
    const calls: [number, number, EncodedPreview | undefined][] = [];
    await run({ steps: 5, previewEvery: 2, onProgress: (v, t, p) => calls.push([v, t, p]) });
    expect(calls.map(([v, t]) => [v, t])).toEqual([[1, 5], [2, 5], [3, 5], [4, 5], [5, 5]]);
    expect(calls.map(([, , p]) => p?.format ?? null)).toEqual([null, 'jpeg', null, 'jpeg', 'jpeg']);
  });

  it('stops within one step when the progress report throws (interrupt)', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const onProgress = (v: number) => {
      seen.push(v);
      if (v === 2) {
        controller.abort();
        throw new Error('interrupted');
      }
    };
    await expect(run({ steps: 10, onProgress, signal: controller.signal })).rejects.toThrow(/interrupt/i);
    expect(seen).toEqual([1, 2]);
  });

  it('img2img: denoise < 1 keeps the input closer than a full denoise does', async () => {
    const input = { samples: { data: pseudoRandom(256, 9), dims: [1, 4, 8, 8] } };
    const partial = await run({ latent: input, denoise: 0.3, steps: 6 });
    const full = await run({ latent: input, denoise: 1, steps: 6 });
    expect(maxAbsDiff(partial.samples.data, input.samples.data)).toBeLessThan(maxAbsDiff(full.samples.data, input.samples.data));
    const none = await run({ latent: input, denoise: 0 });
    expect(maxAbsDiff(none.samples.data, input.samples.data)).toBeLessThan(1e-6);
  });

  it('KSamplerAdvanced windows: two chained halves equal one full run', async () => {
    const full = await run({ steps: 6, denoise: 1 });
    const first = await run({ steps: 6, startStep: 0, lastStep: 3, forceFullDenoise: false });
    const second = await run({ steps: 6, latent: first, addNoise: false, startStep: 3, lastStep: 10000, forceFullDenoise: true });
    // The tiny UNet is no real denoiser, so latents reach the hundreds: compare relative to the largest value
    // (the hand-over passes through raw VAE scale, i.e. ÷0.18215 then ×0.18215 in float32).
    const scale = full.samples.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(maxAbsDiff(second.samples.data, full.samples.data)).toBeLessThan(1e-5 * scale);
    expect(maxAbsDiff(first.samples.data, full.samples.data)).toBeGreaterThan(1e-3 * scale);
  });

  it('runs every sampler and scheduler name the nodes offer', async () => {
    for (const sampler of samplerNames) {
      const out = await run({ sampler, steps: 2 });
      expect(out.samples.data.every(Number.isFinite), sampler).toBe(true);
    }
    for (const scheduler of schedulerNames) {
      const out = await run({ scheduler, steps: 2 });
      expect(out.samples.data.every(Number.isFinite), scheduler).toBe(true);
    }
    // A name from outside the typed combo (a wire value that skipped validation) still fails clearly.
    await expect(run({ sampler: 'nope' as never })).rejects.toThrow(/unknown sampler "nope"/);
  });
});
