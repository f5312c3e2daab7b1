/** Split, batch plans, row gathering and crops: the deterministic plumbing around the graphs. */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../models/onnx-builder/prng.js';
import { augmentedViews, randomCropBox } from '../../../../models/declip/train/augment.js';
import { checkEmbeddingSet, epochBatches, gatherRows, normalizeRows, splitIndices } from '../../../../models/declip/train/embedding-set.js';
import { resolveTrainConfig, TRAIN_DEFAULTS } from '../../../../models/declip/train/config.js';

describe('splitIndices', () => {
  it('holds out a seeded share, disjoint from training, the same for the same seed', () => {
    const a = splitIndices(100, 0.1, 7);
    expect(a.val).toHaveLength(10);
    expect(new Set([...a.train, ...a.val]).size).toBe(100);
    expect(splitIndices(100, 0.1, 7)).toEqual(a);
    expect(splitIndices(100, 0.1, 8).val).not.toEqual(a.val);
    expect(splitIndices(100, 0, 7).val).toEqual([]);
  });
});

describe('epochBatches', () => {
  it('covers every training image once per epoch, reshuffles per epoch and drops a trailing single', () => {
    const train = Array.from({ length: 21 }, (_, i) => i * 2);
    const e0 = epochBatches({ train, batchSize: 10, views: 3, seed: 1, epoch: 0 });
    expect(e0.map((b) => b.indices.length)).toEqual([10, 10]);
    expect(new Set(e0.flatMap((b) => b.indices)).size).toBe(20);
    expect(e0.flatMap((b) => b.views).every((v) => v >= 0 && v < 3)).toBe(true);
    expect(epochBatches({ train, batchSize: 10, views: 3, seed: 1, epoch: 1 })).not.toEqual(e0);
    expect(epochBatches({ train, batchSize: 10, views: 3, seed: 1, epoch: 0 })).toEqual(e0);
  });
});

describe('gatherRows / normalizeRows / checkEmbeddingSet', () => {
  it('picks [index, view] rows and normalises rows to unit length', () => {
    const data = Float32Array.from({ length: 2 * 2 * 3 }, (_, i) => i); // [N=2, K=2, d=3]
    expect([...gatherRows({ data, dim: 3, views: 2, indices: [1, 0], picks: [1, 0] })]).toEqual([9, 10, 11, 0, 1, 2]);
    const u = normalizeRows(Float32Array.of(3, 4, 0, 0), 2);
    expect([...u]).toEqual([...Float32Array.of(0.6, 0.8, 0, 0)]);
  });

  it('names the array that does not fit', () => {
    const set = { dim: 2, count: 2, views: 1, image: new Float32Array(4), perceptual: new Float32Array(3), semantic: new Float32Array(4), dataHash: '', modelKey: '' };
    expect(() => checkEmbeddingSet(set)).toThrow(/perceptual \[N,d\] has 3 values, expected 4/);
  });
});

describe('resolveTrainConfig', () => {
  it('defaults to the paper and rejects out-of-range settings by name', () => {
    expect(resolveTrainConfig()).toMatchObject({ lr: 1e-5, weightDecay: 0.05, batchSize: 1024, epochs: 200, temperature: 0.07 });
    expect(resolveTrainConfig({ epochs: undefined }).epochs).toBe(TRAIN_DEFAULTS.epochs);
    expect(() => resolveTrainConfig({ batchSize: 0 })).toThrow(/batchSize/);
    expect(() => resolveTrainConfig({ valFraction: 0.95 })).toThrow(/valFraction/);
  });
});

describe('random crops', () => {
  it('keeps view 0 whole and draws crops inside the image within the area range', () => {
    const image = { data: new Uint8Array(40 * 30 * 3).map((_, i) => i % 251), width: 40, height: 30, channels: 3 as const };
    const views = augmentedViews(image, 4, createRng(1));
    expect(views[0]).toBe(image);
    for (const v of views.slice(1)) {
      expect(v.width * v.height).toBeGreaterThanOrEqual(0.45 * 1200);
      expect(v.width <= 40 && v.height <= 30).toBe(true);
    }
    const box = randomCropBox(createRng(2), { width: 40, height: 30 });
    expect(box.left + box.width).toBeLessThanOrEqual(40);
    expect(box.top + box.height).toBeLessThanOrEqual(30);
  });
});
