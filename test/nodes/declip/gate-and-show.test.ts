import { describe, expect, it } from 'vitest';
import type { Scores } from '../../../models/declip/types.js';
import type { ImageBatch } from '../../../models/tensors.js';
import { qualityGateNode, showScoresNode } from '../../../nodes/declip/index.js';
import { nodeContext, tempDataDirs } from '../../support/node-context.js';

/** Image i is filled with the value i (so a kept image can be identified by its pixels). */
function batch(n: number, h = 2, w = 3): ImageBatch {
  const per = h * w * 3;
  const data = new Float32Array(n * per);
  for (let i = 0; i < n; i++) data.fill(i, i * per, (i + 1) * per);
  return { data, dims: [n, h, w, 3] };
}
const ids = (img: ImageBatch) => Array.from({ length: img.dims[0] }, (_, i) => img.data[i * (img.data.length / img.dims[0])]);
const scores = (values: number[], attributes?: Record<string, number[]>): Scores => ({ label: 'q', values, attributes });

function gate(image: ImageBatch, s: Scores, mode: 'threshold' | 'top_k' | 'best_of', extra: { threshold?: number; k?: number } = {}) {
  const { dirs, cleanup } = tempDataDirs();
  const ctx = nodeContext({ dirs });
  try {
    const out = qualityGateNode.run(ctx, { image, scores: s, mode, threshold: extra.threshold ?? 0.5, k: extra.k ?? 1 });
    // QualityGate's run is synchronous; the declared type also allows a promise.
    const [kept, rejected, keptScores] = (out as Exclude<typeof out, Promise<unknown>>).outputs;
    return { kept, rejected, keptScores, events: ctx.events };
  } finally {
    cleanup();
  }
}

describe('QualityGate', () => {
  it('threshold keeps scores ≥ threshold in batch order and rejects the rest', () => {
    const r = gate(batch(4), scores([0.2, 0.9, 0.5, 0.4], { noise: [1, 2, 3, 4] }), 'threshold', { threshold: 0.5 });
    expect(ids(r.kept)).toEqual([1, 2]);
    expect(ids(r.rejected)).toEqual([0, 3]);
    expect(r.keptScores.values).toEqual([0.9, 0.5]);
    expect(r.keptScores.attributes!.noise).toEqual([2, 3]);
    expect(r.kept.dims).toEqual([2, 2, 3, 3]);
  });

  it('top_k keeps the k best, best first', () => {
    const r = gate(batch(4), scores([0.2, 0.9, 0.5, 0.7]), 'top_k', { k: 2 });
    expect(ids(r.kept)).toEqual([1, 3]);
    expect(ids(r.rejected)).toEqual([0, 2]);
    expect(r.keptScores.label).toBe('q, kept by top 2');
  });

  it('best_of keeps only the best image', () => {
    const r = gate(batch(3), scores([0.3, 0.3, 0.1]), 'best_of');
    expect(ids(r.kept)).toEqual([0]);
    expect(ids(r.rejected)).toEqual([1, 2]);
  });

  it('gives an empty [0, H, W, 3] batch when nothing clears the threshold', () => {
    const r = gate(batch(2), scores([0.1, 0.2]), 'threshold', { threshold: 0.9 });
    expect(r.kept.dims).toEqual([0, 2, 3, 3]);
    expect(r.rejected.dims[0]).toBe(2);
  });

  it('passes an empty batch through without error', () => {
    const empty: ImageBatch = { data: new Float32Array(0), dims: [0, 4, 4, 3] };
    const r = gate(empty, scores([]), 'top_k', { k: 3 });
    expect(r.kept.dims).toEqual([0, 4, 4, 3]);
    expect(r.rejected.dims).toEqual([0, 4, 4, 3]);
    expect(r.keptScores.values).toEqual([]);
  });

  it('rejects images without a finite score, and says so', () => {
    const r = gate(batch(3), scores([NaN, 0.8, 0.6]), 'threshold', { threshold: 0 });
    expect(ids(r.kept)).toEqual([1, 2]);
    expect(ids(r.rejected)).toEqual([0]);
    expect(r.events).toContainEqual({ log: 'QualityGate: image(s) 0 have no finite score and were rejected' });
  });

  it('refuses scores of another batch size instead of dropping images', () => {
    expect(() => gate(batch(3), scores([0.1, 0.2]), 'threshold')).toThrow(/2 value\(s\) but the IMAGE batch has 3 image\(s\)/);
  });
});

describe('ShowScores', () => {
  it('returns one row per image plus label and direction lines as UI output', () => {
    const { dirs, cleanup } = tempDataDirs();
    try {
      const s: Scores = { label: 'Technical quality (CLIP)', values: [0.25, 0.75], attributes: { noise: [0.4, 0.6] }, directions: { noise: 'higher = cleaner (less noise)' } };
      const r = showScoresNode.run(nodeContext({ dirs }), { scores: s }) as { ui: Record<string, unknown[]> };
      expect(r.ui.scores).toEqual([{ image: 0, score: 0.25, noise: 0.4 }, { image: 1, score: 0.75, noise: 0.6 }]);
      expect(r.ui.text).toEqual(['Technical quality (CLIP): 2 image(s)', 'noise: higher = cleaner (less noise)']);
      expect(showScoresNode.outputNode).toBe(true);
    } finally {
      cleanup();
    }
  });
});
