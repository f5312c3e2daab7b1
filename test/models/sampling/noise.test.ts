import { describe, expect, it } from 'vitest';
import { defaultNoiseRule, latentNoise, offsetSeed, stepNoiseSource, toSeed } from '../../../models/sampling/noise.js';
import { TorchCpuGenerator } from '../../../models/sampling/torch-random.js';

const dims = [3, 4, 2, 3]; // 24 values per image: exercises the tail refill of the 16-block path.
const per = 24;

describe('latentNoise (seed-plus-index)', () => {
  const rule = 'seed-plus-index' as const;
  it('image i equals a batch-1 draw with seed + i, whatever the batch size', () => {
    const batch = latentNoise({ seed: 100, dims, rule });
    for (let i = 0; i < 3; i++) {
      const alone = latentNoise({ seed: 100 + i, dims: [1, 4, 2, 3], rule });
      expect(Array.from(batch.subarray(i * per, (i + 1) * per))).toEqual(Array.from(alone));
    }
  });
  it('is torch.manual_seed(seed); torch.randn(1, …) for a single image', () => {
    expect(Array.from(latentNoise({ seed: 0, dims: [1, 4, 2, 2] }))).toEqual(Array.from(new TorchCpuGenerator(0).randn(16)));
  });
  it('uses the batch index as the seed offset', () => {
    const withIndex = latentNoise({ seed: 7, dims: [2, 4, 2, 3], batchIndex: [5, 2], rule });
    expect(Array.from(withIndex.subarray(0, per))).toEqual(Array.from(latentNoise({ seed: 12, dims: [1, 4, 2, 3] })));
    expect(Array.from(withIndex.subarray(per))).toEqual(Array.from(latentNoise({ seed: 9, dims: [1, 4, 2, 3] })));
  });
  it('is deterministic, and a different seed gives different noise', () => {
    expect(Array.from(latentNoise({ seed: 5n, dims }))).toEqual(Array.from(latentNoise({ seed: 5, dims })));
    expect(Array.from(latentNoise({ seed: 6, dims }))).not.toEqual(Array.from(latentNoise({ seed: 5, dims })));
  });
  it('accepts 64-bit seeds and wraps seed + i mod 2^64', () => {
    const max = (1n << 64n) - 1n;
    const b = latentNoise({ seed: max, dims: [2, 4, 2, 3], rule });
    expect(Array.from(b.subarray(per))).toEqual(Array.from(latentNoise({ seed: 0, dims: [1, 4, 2, 3] })));
  });
});

describe('latentNoise (comfy-batch-stream)', () => {
  it('is the default, as in ComfyUI', () => {
    expect(defaultNoiseRule).toBe('comfy-batch-stream');
    expect(Array.from(latentNoise({ seed: 3, dims }))).toEqual(Array.from(latentNoise({ seed: 3, dims, rule: 'comfy-batch-stream' })));
  });
  it('is one torch.randn over the whole batch', () => {
    const n = latentNoise({ seed: 3, dims, rule: 'comfy-batch-stream' });
    expect(Array.from(n)).toEqual(Array.from(new TorchCpuGenerator(3).randn(72)));
  });
  it('with a batch index draws [1,…] per index 0 … max in order and keeps the used ones', () => {
    const n = latentNoise({ seed: 3, dims: [2, 4, 2, 3], batchIndex: [2, 0], rule: 'comfy-batch-stream' });
    const g = new TorchCpuGenerator(3);
    const d0 = g.randn(per);
    g.randn(per);
    const d2 = g.randn(per);
    expect(Array.from(n)).toEqual([...d2, ...d0]);
  });
});

describe('stepNoiseSource', () => {
  it('seed-plus-index draws per image from seed + i + 1 (ComfyUI CPU default_noise_sampler adds 1), fresh each call', () => {
    const src = stepNoiseSource({ seed: 10, dims: [2, 4, 2, 3], rule: 'seed-plus-index' });
    const g0 = new TorchCpuGenerator(11);
    const g1 = new TorchCpuGenerator(12);
    const first = src.next([2, 4, 2, 3]);
    expect(Array.from(first)).toEqual([...g0.randn(per), ...g1.randn(per)]);
    expect(Array.from(src.next([2, 4, 2, 3]))).toEqual([...g0.randn(per), ...g1.randn(per)]);
  });
  it('comfy-batch-stream draws the whole batch from seed + 1', () => {
    const src = stepNoiseSource({ seed: 10, dims, rule: 'comfy-batch-stream' });
    expect(Array.from(src.next(dims))).toEqual(Array.from(new TorchCpuGenerator(11).randn(72)));
  });
  it('names a shape mismatch', () => {
    expect(() => stepNoiseSource({ seed: 1, dims }).next([1, 4, 2, 3])).toThrow(/step noise/);
    expect(() => stepNoiseSource({ seed: 1, dims, rule: 'seed-plus-index' }).next([1, 4, 2, 3])).toThrow(/step noise/);
  });
});

describe('toSeed / offsetSeed', () => {
  it('rejects negative, fractional, unsafe and out-of-range seeds', () => {
    for (const bad of [-1, 1.5, 2 ** 60]) expect(() => toSeed(bad)).toThrow(/seed/);
    expect(() => toSeed(1n << 64n)).toThrow(/seed/);
    expect(() => latentNoise({ seed: 1, dims: [2, 1], batchIndex: [0] })).toThrow(/batchIndex/);
  });
  it('adds mod 2^64', () => expect(offsetSeed((1n << 64n) - 1n, 2)).toBe(1n));
});
