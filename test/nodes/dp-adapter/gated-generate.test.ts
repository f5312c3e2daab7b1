import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDeclipModel, type DeclipModel } from '../../../models/declip/declip-model.js';
import { scorePair } from '../../../models/iqa/iqa-scoring.js';
import type { Scores } from '../../../models/declip/types.js';
import { QUALITY_PROMPTS } from '../../../models/iqa/prompts.js';
import { sdSample } from '../../../models/sd/sample.js';
import type { Conditioning } from '../../../models/sd/types.js';
import { vaeDecode } from '../../../models/sd/vae.js';
import type { ImageBatch, Latent } from '../../../models/tensors.js';
import { gatedGenerateNode } from '../../../nodes/dp-adapter/index.js';
import { createModelFixture, type ModelFixture } from '../../support/services.js';
import { maxAbsDiff, pseudoRandom } from '../../support/arrays.js';
import { nodeContext } from '../../support/node-context.js';

let fx: ModelFixture;
let declip: DeclipModel;
const cond = (seed: number): Conditioning => [{ embeds: { data: pseudoRandom(77 * 768, seed), dims: [1, 77, 768] } }];
const latent = (b: number): Latent => ({ samples: { data: new Float32Array(b * 256), dims: [b, 4, 8, 8] } });

beforeAll(async () => {
  fx = createModelFixture();
  declip = await loadDeclipModel({
    pool: fx.models.pool, store: fx.models.store, clip: 'tiny-clip', projector: 'tiny-declip.safetensors', graphDir: path.join(fx.dirs.cache, 'declip'),
  });
});
afterAll(() => fx.close());

type Out = { outputs: readonly unknown[]; ui: Record<string, any[]> };
const inputs = (o: Partial<Record<string, unknown>>) => ({
  model: fx.ckpt.model, positive: cond(1), negative: cond(2), latent_image: latent(2), vae: fx.ckpt.vae, declip,
  seed: 100n, steps: 3, cfg: 3, sampler_name: 'euler', scheduler: 'normal',
  scorer: 'quality: technical', space: 'perceptual', logit_scale: 100, threshold: 0.5, max_tries: 3, min_kept: 1, ...o,
}) as Parameters<typeof gatedGenerateNode.run>[1];

describe('GatedGenerate', () => {
  it('stops at the first try when it passes, keeping every passing image', async () => {
    const ctx = nodeContext(fx);
    const out = (await gatedGenerateNode.run(ctx, inputs({ threshold: 0 }))) as Out;
    const [kept, keptScores, all, allScores, seeds, passed] = out.outputs as [ImageBatch, Scores, ImageBatch, Scores, string, boolean];
    expect(passed).toBe(true);
    expect(seeds).toBe('100, 101');
    expect(all.dims).toEqual([2, 64, 64, 3]);
    expect(kept.data).toEqual(all.data);
    expect(keptScores.values).toEqual(allScores.values);
    expect(out.ui.tries.map((t) => [t.try, t.seed, t.passed])).toEqual([[1, '100', true], [1, '101', true]]);
    expect(ctx.events.filter((e: any) => e.progress).at(-1)).toEqual({ progress: [3, 9] });
  });

  it('re-samples with the next seeds, records every try, and returns the best image flagged when none passes', async () => {
    const out = (await gatedGenerateNode.run(nodeContext(fx), inputs({ threshold: 1 }))) as Out;
    const [kept, keptScores, all, allScores, seeds, passed] = out.outputs as [ImageBatch, Scores, ImageBatch, Scores, string, boolean];
    expect(passed).toBe(false);
    expect(seeds).toBe('100, 101, 102, 103, 104, 105');
    expect(all.dims[0]).toBe(6);
    expect(allScores.values).toHaveLength(6);
    expect(new Set(allScores.values).size).toBeGreaterThan(1); // different seeds, different images, different scores
    const best = allScores.values.indexOf(Math.max(...allScores.values));
    expect(kept.dims[0]).toBe(1);
    expect(keptScores.values).toEqual([allScores.values[best]]);
    expect(keptScores.label).toMatch(/none passed/);
    // History: one row per image with its try, seed, score and a preview file.
    expect(out.ui.passed).toEqual([false]);
    expect(out.ui.tries.map((t) => t.score)).toEqual(allScores.values);
    expect(out.ui.tries.map((t) => t.try)).toEqual([1, 1, 2, 2, 3, 3]);
    expect(out.ui.images).toHaveLength(6);
    for (const img of out.ui.images) expect(existsSync(path.join(fx.dirs.temp, img.subfolder, img.filename))).toBe(true);

    // Independent check of the kept image: KSampler at batch 1 with its seed, VAE decode, and eq. 8 scoring.
    const alone = await vaeDecode({
      sessions: fx.models.pool, vae: fx.ckpt.vae,
      latent: await sdSample({
        sessions: fx.models.pool, model: fx.ckpt.model, positive: cond(1), negative: cond(2), latent: latent(1),
        seed: 100n + BigInt(best), steps: 3, cfg: 3, sampler: 'euler', scheduler: 'normal',
      }),
    });
    expect(maxAbsDiff(alone.data, kept.data)).toBeLessThan(1e-5);
    const embeds = await declip.encodeImages(alone);
    const [score] = await scorePair({ model: declip, embeds, space: 'perceptual', pair: QUALITY_PROMPTS.technical, logitScale: 100 });
    expect(score).toBeCloseTo(keptScores.values[0]!, 5);
  });

  it('scores with the mean of an AttributeScores group', async () => {
    const out = (await gatedGenerateNode.run(nodeContext(fx), inputs({ scorer: 'attributes: technical', threshold: 0, latent_image: latent(1) }))) as Out;
    const allScores = out.outputs[3] as Scores;
    expect(allScores.label).toMatch(/technical attributes/);
    expect(allScores.values).toHaveLength(1);
  });
});
