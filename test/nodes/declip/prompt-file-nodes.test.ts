/**
 * The scoring nodes with a prompt file (docs/coop.md): `prompt_file` is an optional COMBO listing models/prompts
 * after "none" in /object_info; a graph through the real server scores with the learned prompt, and refuses one
 * learned for another CLIP naming both; QualityScore, AttributeScores (the attribute it was learned for) and
 * GatedGenerate score with the learned pair's embeddings, checked against an independent eq. 8 computation.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePromptFile } from '../../../models/coop/prompt-file.js';
import { loadLearnedPair } from '../../../models/coop/prompt-scoring.js';
import { textTowerSourceOf, trainPrompt } from '../../../models/coop/train-prompt.js';
import { loadDeclipModel, type DeclipModel } from '../../../models/declip/declip-model.js';
import type { Scores } from '../../../models/declip/types.js';
import { makeDegradedIqaSet } from '../../../models/i2t/degraded-iqa-set.js';
import { scorePair, type LearnedPairTexts } from '../../../models/iqa/iqa-scoring.js';
import { ATTRIBUTE_PROMPTS, QUALITY_PROMPTS, type PromptPair } from '../../../models/iqa/prompts.js';
import { createRng } from '../../../models/onnx-builder/prng.js';
import type { Conditioning } from '../../../models/sd/types.js';
import type { ImageBatch, Latent } from '../../../models/tensors.js';
import { coreNodes } from '../../../nodes/core/index.js';
import { attributeScoresNode, declipNodes, qualityScoreNode } from '../../../nodes/declip/index.js';
import { gatedGenerateNode } from '../../../nodes/dp-adapter/index.js';
import { pseudoRandom } from '../../support/arrays.js';
import { nodeContext } from '../../support/node-context.js';
import { createModelFixture, type ModelFixture } from '../../support/services.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { writeTinyClipStoreModel } from '../../models/coop/fixtures.js';

const P = 32;
const NOISE = ATTRIBUTE_PROMPTS.find((p) => p.id === 'noise')!;
let fx: ModelFixture;
let declip: DeclipModel;
let images: ImageBatch;

/** Trains a one-epoch prompt for `pair` on random embeddings and writes it to models/prompts/<name>. */
async function writePrompt(name: string, pair: PromptPair, clip = 'st-clip'): Promise<void> {
  const manifest = fx.models.store.resolveClip(clip);
  const rng = createRng(7);
  const prompt = await trainPrompt({
    tower: textTowerSourceOf(manifest), tokenizer: declip.tokenizer, pair, pool: fx.models.pool, cacheDir: fx.dirs.cache,
    data: { images: Float32Array.from({ length: 16 * P }, () => rng.normal()), dim: P, mos: Array.from({ length: 16 }, () => rng.uniform()) },
    config: { epochs: 1, batchSize: 8, contextLength: 3, lr: 0.05 },
  });
  writePromptFile(path.join(fx.models.store.dirOf('prompts'), name), prompt);
}

async function learned(name: string): Promise<LearnedPairTexts> {
  return loadLearnedPair({
    file: path.join(fx.models.store.dirOf('prompts'), name), clip: fx.models.store.resolveClip('st-clip'), tokenizer: declip.tokenizer,
    pool: fx.models.pool, cacheDir: fx.dirs.cache,
  });
}

beforeAll(async () => {
  fx = createModelFixture('pg-prompt-nodes-');
  writeTinyClipStoreModel({ modelsDir: fx.dirs.models, name: 'st-clip', seed: 3 });
  writeTinyClipStoreModel({ modelsDir: fx.dirs.models, name: 'st-other', seed: 5 });
  fx.models.store.invalidate();
  declip = await loadDeclipModel({ pool: fx.models.pool, store: fx.models.store, clip: 'st-clip', projector: 'none', graphDir: path.join(fx.dirs.cache, 'declip'), cacheDir: fx.dirs.cache });
  await writePrompt('technical.safetensors', QUALITY_PROMPTS.technical);
  await writePrompt('noise.safetensors', NOISE);
  await writePrompt('other.safetensors', QUALITY_PROMPTS.technical, 'st-other');
  const set = await makeDegradedIqaSet(path.join(fx.dirs.root, 'set'), { n: 3 });
  copyFileSync(path.join(set.imageDir, set.items[1]!.image), path.join(fx.dirs.input, 'photo.png'));
  images = { data: pseudoRandom(3 * 16 * 16 * 3, 4).map((v) => (v + 1) / 2), dims: [3, 16, 16, 3] };
}, 120_000);
afterAll(() => fx?.close());

describe('prompt_file through the real server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ nodes: [...coreNodes, ...declipNodes], dataRoot: fx.dirs.root });
  });
  afterAll(() => server?.close());

  const graph = (promptFile: string) => ({
    1: { class_type: 'LoadImage', inputs: { image: 'photo.png' } },
    2: { class_type: 'DeCLIPLoader', inputs: { clip_name: 'st-clip', projector: 'none', layout: 'auto' } },
    3: { class_type: 'QualityScore', inputs: { declip: ['2', 0], image: ['1', 0], space: 'perceptual', prompt_pair: 'technical', logit_scale: 100, prompt_file: promptFile } },
    4: { class_type: 'ShowScores', inputs: { scores: ['3', 0] } },
  });

  it('lists models/prompts after "none" as an optional COMBO of QualityScore and AttributeScores', async () => {
    const { body } = await server.getJson('/object_info');
    for (const type of ['QualityScore', 'AttributeScores']) {
      const [choices, options] = body[type].input.optional.prompt_file;
      expect(choices).toEqual(['none', 'noise.safetensors', 'other.safetensors', 'technical.safetensors']);
      expect(options.default).toBe('none');
    }
  });

  it('scores with the learned prompt, and refuses a prompt learned for another CLIP naming both', async () => {
    const ok = await server.postJson('/prompt', { prompt: graph('technical.safetensors') });
    expect(ok.status).toBe(200);
    const entry = await server.waitForHistory(ok.body.prompt_id);
    expect(entry.status.status_str).toBe('success');
    expect(entry.outputs['4'].text[0]).toMatch(/^learned 'Good photo\.' vs 'Bad photo\.' \(technical\.safetensors\)/);
    const bad = await server.postJson('/prompt', { prompt: graph('other.safetensors') });
    const failed = await server.waitForHistory(bad.body.prompt_id);
    expect(failed.status.status_str).toBe('error');
    const error = failed.status.messages.find((m: [string, unknown]) => m[0] === 'execution_error')[1];
    expect(error.node_type).toBe('QualityScore');
    expect(error.exception_message).toMatch(/learned for the CLIP text tower of st-other .*not for st-clip/);
  }, 60_000);
});

describe('QualityScore / AttributeScores with a prompt file', () => {
  it('QualityScore scores with the learned pair in eq. 8, not the hand-written one', async () => {
    const embeds = await declip.encodeImages(images);
    const run = async (prompt_file: string) => ((await qualityScoreNode.run(nodeContext(fx), {
      declip, image: images, space: 'perceptual', prompt_pair: 'aesthetic', logit_scale: 100, prompt_file,
    } as never)).outputs![0] as Scores);
    const withFile = await run('technical.safetensors');
    const expected = await scorePair({ model: declip, embeds, space: 'perceptual', pair: QUALITY_PROMPTS.technical, learned: await learned('technical.safetensors') });
    expect(withFile.values).toEqual(expected);
    expect(withFile.values).not.toEqual(await scorePair({ model: declip, embeds, space: 'perceptual', pair: QUALITY_PROMPTS.technical }));
    expect((await run('none')).label).toMatch(/^Aesthetic quality/);
    await expect(qualityScoreNode.run(nodeContext(fx), { declip, image: images, space: 'semantic', prompt_pair: 'technical', logit_scale: 100, prompt_file: 'technical.safetensors' } as never))
      .rejects.toThrow(/learned on DeCLIP perceptual embeddings/);
  });

  it('AttributeScores replaces the attribute the prompt was learned for and keeps the others', async () => {
    const run = async (group: string, prompt_file: string) => ((await attributeScoresNode.run(nodeContext(fx), {
      declip, image: images, space: 'perceptual', group, logit_scale: 100, prompt_file,
    } as never)).outputs![0] as Scores);
    const plain = await run('technical', 'none');
    const withFile = await run('technical', 'noise.safetensors');
    const embeds = await declip.encodeImages(images);
    expect(withFile.attributes!.noise).toEqual(await scorePair({ model: declip, embeds, space: 'perceptual', pair: NOISE, learned: await learned('noise.safetensors') }));
    expect(withFile.attributes!.noise).not.toEqual(plain.attributes!.noise);
    for (const id of ['brightness', 'colorfulness', 'contrast', 'sharpness']) expect(withFile.attributes![id]).toEqual(plain.attributes![id]);
    expect(withFile.label).toMatch(/learned prompt noise\.safetensors/);
    await expect(run('aesthetic', 'noise.safetensors')).rejects.toThrow(/not one of the aesthetic attribute pairs/);
  });
});

describe('GatedGenerate with a prompt file', () => {
  const cond = (seed: number): Conditioning => [{ embeds: { data: pseudoRandom(77 * 768, seed), dims: [1, 77, 768] } }];
  const latent: Latent = { samples: { data: new Float32Array(2 * 256), dims: [2, 4, 8, 8] } };
  const inputs = (prompt_file: string) => ({
    model: fx.ckpt.model, positive: cond(1), negative: cond(2), latent_image: latent, vae: fx.ckpt.vae, declip,
    seed: 100n, steps: 2, cfg: 3, sampler_name: 'euler', scheduler: 'normal', scorer: 'quality: aesthetic', space: 'perceptual',
    logit_scale: 100, threshold: 0, max_tries: 1, min_kept: 1, prompt_file,
  }) as Parameters<typeof gatedGenerateNode.run>[1];

  it('gates on the learned prompt\'s scores', async () => {
    const out = await gatedGenerateNode.run(nodeContext(fx), inputs('technical.safetensors'));
    const [, , all, allScores] = out.outputs as unknown as [ImageBatch, Scores, ImageBatch, Scores];
    expect(allScores.label).toMatch(/^learned 'Good photo\.' vs 'Bad photo\.' \(technical\.safetensors/);
    const embeds = await declip.encodeImages(all);
    expect(allScores.values).toEqual(await scorePair({ model: declip, embeds, space: 'perceptual', pair: QUALITY_PROMPTS.technical, learned: await learned('technical.safetensors') }));
    await expect(gatedGenerateNode.run(nodeContext(fx), inputs('other.safetensors'))).rejects.toThrow(/st-other .*not for st-clip/);
  }, 60_000);
});
