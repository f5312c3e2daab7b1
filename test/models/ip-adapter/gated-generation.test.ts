import { describe, expect, it } from 'vitest';
import { bestIndex, runGatedGeneration, type GatedGenerationOptions } from '../../../models/ip-adapter/gated-generation.js';
import type { ImageBatch } from '../../../models/tensors.js';

/** A try of `b` 1×1 images whose pixel value is the image's seed, so outputs can be traced back to seeds. */
const generate = (b: number) => async (seed: bigint): Promise<ImageBatch> => {
  const data = new Float32Array(b * 3);
  for (let j = 0; j < b; j++) data.fill(Number(seed) + j, j * 3, j * 3 + 3);
  return { data, dims: [b, 1, 1, 3] };
};
/** Scores from a table by seed (the image's pixel value). */
const scoreBySeed = (table: Record<number, number>) => async (images: ImageBatch) => ({
  label: 'test',
  values: Array.from({ length: images.dims[0] }, (_, j) => table[images.data[j * 3]!] ?? 0),
});
const base = (o: Partial<GatedGenerationOptions>): GatedGenerationOptions => ({
  generate: generate(1), score: scoreBySeed({}), seed: 10, threshold: 0.5, maxTries: 4, ...o,
});

describe('runGatedGeneration', () => {
  it('re-samples with the next seed until a score clears the threshold', async () => {
    const r = await runGatedGeneration(base({ score: scoreBySeed({ 10: 0.2, 11: 0.4, 12: 0.7, 13: 0.9 }) }));
    expect(r.tries.map((t) => t.seed)).toEqual([10n, 11n, 12n]);
    expect(r.allScores).toEqual([0.2, 0.4, 0.7]);
    expect(r.passed).toBe(true);
    expect(r.keptSeeds).toEqual([12n]);
    expect(r.kept.data[0]).toBe(12);
    expect(r.all.dims).toEqual([3, 1, 1, 3]);
  });

  it('steps the seed by the batch size so no seed repeats, and stops at min_kept passing images', async () => {
    const scores = { 10: 0.9, 11: 0.1, 12: 0.1, 13: 0.6, 14: 0.8, 15: 0.3 };
    const r = await runGatedGeneration(base({ generate: generate(2), score: scoreBySeed(scores), minKept: 3 }));
    expect(r.allSeeds).toEqual([10n, 11n, 12n, 13n, 14n, 15n]);
    expect(r.tries.map((t) => t.passed)).toEqual([[true, false], [false, true], [true, false]]);
    expect(r.keptSeeds).toEqual([10n, 13n, 14n]);
    expect(r.keptScores).toEqual([0.9, 0.6, 0.8]);
    expect(Array.from(r.kept.data.filter((_, i) => i % 3 === 0))).toEqual([10, 13, 14]);
  });

  it('returns the best try, flagged, when nothing passes within max_tries', async () => {
    const r = await runGatedGeneration(base({ score: scoreBySeed({ 10: 0.2, 11: 0.45, 12: 0.3 }), maxTries: 3 }));
    expect(r.tries).toHaveLength(3);
    expect(r.passed).toBe(false);
    expect(r.keptSeeds).toEqual([11n]);
    expect(r.keptScores).toEqual([0.45]);
    expect(r.kept.dims).toEqual([1, 1, 1, 3]);
  });

  it('reports every try as it finishes', async () => {
    const seen: string[] = [];
    await runGatedGeneration(base({ maxTries: 2, onTry: (t, max) => seen.push(`${t.index + 1}/${max}:${t.scores.join()}`) }));
    expect(seen).toEqual(['1/2:0', '2/2:0']);
  });

  it('rejects bad settings and mismatched score counts with clear messages', async () => {
    await expect(runGatedGeneration(base({ maxTries: 0 }))).rejects.toThrow(/max_tries must be an integer ≥ 1, got 0/);
    await expect(runGatedGeneration(base({ minKept: 0 }))).rejects.toThrow(/min_kept/);
    const wrong = async () => ({ label: 'x', values: [1, 2] });
    await expect(runGatedGeneration(base({ score: wrong }))).rejects.toThrow(/2 score\(s\) for 1 image\(s\) in try 1/);
  });
});

describe('bestIndex', () => {
  it('picks the highest finite score, the first on ties', () => {
    expect(bestIndex([0.1, NaN, 0.3, 0.3])).toBe(2);
    expect(bestIndex([NaN])).toBe(0);
  });
});
