/**
 * Prompt files: a learned prompt written to models/prompts/ round-trips through the safetensors file, the store
 * lists it (and lists broken files with their reason), reading checks the format and every field, and scoring
 * with it runs the context through the scoring CLIP's text tower — refused, naming both, for another CLIP.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDeclipModel } from '../../../models/declip/declip-model.js';
import { learnedPromptSchema, type LearnedPrompt } from '../../../models/coop/learned-prompt.js';
import { PromptFileError, readPromptFile, writePromptFile } from '../../../models/coop/prompt-file.js';
import { loadLearnedPair, PromptMismatchError } from '../../../models/coop/prompt-scoring.js';
import { PromptModelError, textTowerSourceOf, trainPrompt } from '../../../models/coop/train-prompt.js';
import { scorePair } from '../../../models/iqa/iqa-scoring.js';
import { QUALITY_PROMPTS } from '../../../models/iqa/prompts.js';
import { createRng } from '../../../models/onnx-builder/prng.js';
import { createModelRuntime, type ModelRuntime } from '../../../models/runtime/model-runtime.js';
import { encodeSafetensors } from '../../../models/safetensors/write.js';
import { ClipTokenizer } from '../../../models/tokenizers/clip-bpe.js';
import { tempDataDirs } from '../../support/node-context.js';
import { writeTestClip } from '../declip/train/fixtures.js';
import { writeTinyClipStoreModel } from './fixtures.js';

const P = 32;
const { dirs, cleanup } = tempDataDirs();
let models: ModelRuntime;
let prompt: LearnedPrompt;
let promptsDir: string;

function syntheticData(n: number, seed: number) {
  const rng = createRng(seed);
  const images = Float32Array.from({ length: n * P }, () => rng.normal());
  return { images, dim: P, mos: Array.from({ length: n }, () => rng.uniform()) };
}

beforeAll(async () => {
  writeTinyClipStoreModel({ modelsDir: dirs.models, name: 'tiny-clip-st', seed: 3 });
  writeTinyClipStoreModel({ modelsDir: dirs.models, name: 'other-clip-st', seed: 5 });
  writeTestClip(path.join(dirs.models, 'clip', 'onnx-clip'));
  models = createModelRuntime({ modelsDir: dirs.models, device: 'cpu' });
  const manifest = models.store.resolveClip('tiny-clip-st');
  prompt = await trainPrompt({
    tower: textTowerSourceOf(manifest), tokenizer: await ClipTokenizer.fromDir(manifest.tokenizer.dir), pair: QUALITY_PROMPTS.technical,
    data: syntheticData(24, 1), pool: models.pool, cacheDir: dirs.cache, config: { epochs: 1, batchSize: 8, contextLength: 4 },
  });
  promptsDir = models.store.dirOf('prompts');
  writePromptFile(path.join(promptsDir, 'technical.safetensors'), prompt);
}, 60_000);
afterAll(async () => {
  await models?.dispose();
  cleanup();
});

describe('writePromptFile / readPromptFile', () => {
  it('round-trips the context tensor and every header field', async () => {
    const back = await readPromptFile(path.join(promptsDir, 'technical.safetensors'));
    expect(learnedPromptSchema.safeParse(back).success).toBe(true);
    expect(back.context.dims).toEqual([1, 4, 64]);
    expect(Array.from(back.context.data)).toEqual(Array.from(prompt.context.data));
    expect(back.pair).toEqual(prompt.pair);
    expect(back.model).toEqual(prompt.model);
    expect(back.model.source).toBe('tiny-clip-st');
    expect(back.metrics).toEqual(prompt.metrics);
    expect(back.options).toEqual(prompt.options);
  });

  it('refuses other safetensors, broken header fields and contexts that do not fit, naming the file', async () => {
    const other = path.join(promptsDir, 'projector.safetensors');
    writeFileSync(other, encodeSafetensors({ w: { dtype: 'F32', shape: [2], data: new Float32Array(2) } }, { format: 'pt' }));
    await expect(readPromptFile(other)).rejects.toThrow(PromptFileError);
    await expect(readPromptFile(other)).rejects.toThrow(/projector\.safetensors: metadata format is 'pt'.*not a learned prompt/);
    const header = (over: Record<string, string>) => ({
      format: prompt.format, space: prompt.space, loss: prompt.loss, pair: JSON.stringify(prompt.pair), model: JSON.stringify(prompt.model),
      options: JSON.stringify(prompt.options), metrics: JSON.stringify(prompt.metrics), ...over,
    });
    const context = (width: number) => ({ context: { dtype: 'F32' as const, shape: [1, 4, width], data: new Float32Array(4 * width) } });
    const badPair = path.join(promptsDir, 'bad-pair.safetensors');
    writeFileSync(badPair, encodeSafetensors(context(64), header({ pair: JSON.stringify({ positive: '' }) })));
    await expect(readPromptFile(badPair)).rejects.toThrow(/bad-pair\.safetensors: does not hold a valid learned prompt \(pair/);
    const notJson = path.join(promptsDir, 'not-json.safetensors');
    writeFileSync(notJson, encodeSafetensors(context(64), header({ metrics: '{' })));
    await expect(readPromptFile(notJson)).rejects.toThrow(/metadata field 'metrics' is not JSON/);
    const narrow = path.join(promptsDir, 'narrow.safetensors');
    writeFileSync(narrow, encodeSafetensors(context(16), header({})));
    await expect(readPromptFile(narrow)).rejects.toThrow(/context width 16 differs from the text tower's 64/);
    await expect(readPromptFile(path.join(promptsDir, 'absent.safetensors'))).rejects.toThrow(/prompt file .*absent\.safetensors/);
  });
});

describe('ModelStore prompts folder', () => {
  it('lists the prompt files (COMBO choices) and the broken ones with their reason', () => {
    writeFileSync(path.join(promptsDir, 'notes.bin'), 'not a prompt');
    models.store.invalidate();
    expect(models.store.names('prompts')).toContain('technical.safetensors');
    const entries = models.store.listModels('prompts');
    const broken = Object.fromEntries(entries.filter((e) => !e.ok).map((e) => [e.name, (e as { problems: readonly string[] }).problems.join('; ')]));
    expect(broken['projector.safetensors']).toMatch(/not a learned prompt/);
    expect(broken['notes.bin']).toMatch(/not a \.safetensors prompt file/);
    expect(models.store.resolvePrompt('technical.safetensors').contextDims).toEqual([1, 4, 64]);
    expect(() => models.store.resolvePrompt('projector.safetensors')).toThrow(/prompts model "projector.safetensors" cannot be loaded/);
  });
});

describe('loadLearnedPair', () => {
  const load = async (clip: string) => {
    const manifest = models.store.resolveClip(clip);
    return loadLearnedPair({
      file: path.join(promptsDir, 'technical.safetensors'), clip: manifest, tokenizer: await ClipTokenizer.fromDir(manifest.tokenizer.dir),
      pool: models.pool, cacheDir: dirs.cache,
    });
  };

  it('encodes the learned pair with the CLIP it was learned for, and eq. 8 then scores with it', async () => {
    const learned = await load('tiny-clip-st');
    expect(learned.text.length).toBe(2 * P);
    for (const r of [0, 1]) expect(Math.hypot(...learned.text.subarray(r * P, (r + 1) * P))).toBeCloseTo(1, 5);
    const model = await loadDeclipModel({ pool: models.pool, store: models.store, clip: 'tiny-clip-st', projector: 'none', graphDir: path.join(dirs.cache, 'declip') });
    const images = syntheticData(6, 2).images;
    const embeds = { modelKey: model.key, dim: P, count: 6, raw: { data: images, dims: [6, P] }, perceptual: { data: images, dims: [6, P] } };
    const plain = await scorePair({ model, embeds, space: 'perceptual', pair: QUALITY_PROMPTS.technical });
    const withPrompt = await scorePair({ model, embeds, space: 'perceptual', pair: QUALITY_PROMPTS.technical, learned });
    expect(withPrompt).toHaveLength(6);
    expect(withPrompt).not.toEqual(plain);
    // Another pair is not replaced; another space is refused.
    expect(await scorePair({ model, embeds, space: 'perceptual', pair: QUALITY_PROMPTS.aesthetic, learned }))
      .toEqual(await scorePair({ model, embeds, space: 'perceptual', pair: QUALITY_PROMPTS.aesthetic }));
    await expect(scorePair({ model, embeds, space: 'clip', pair: QUALITY_PROMPTS.technical, learned })).rejects.toThrow(/learned on DeCLIP perceptual embeddings/);
  });

  it('refuses a prompt learned for another CLIP, naming both, and an ONNX-only CLIP by name', async () => {
    await expect(load('other-clip-st')).rejects.toThrow(PromptMismatchError);
    await expect(load('other-clip-st')).rejects.toThrow(/learned for the CLIP text tower of tiny-clip-st .*not for other-clip-st/);
    await expect(load('onnx-clip')).rejects.toThrow(PromptModelError);
  });
});
