import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_CLIP_CONFIG } from '../../../models/clip/graphs.js';
import { convertClipFile } from '../../../models/clip/convert-clip.js';
import { writeClipFolder } from '../../../models/tiny/clip-folder.js';
import { buildTinyVocab } from '../../../models/tiny/vocab.js';
import { NO_PROJECTOR } from '../../../models/declip/declip-model.js';
import { normalizeRows } from '../../../models/declip/zero-shot.js';
import { ModelStoreError } from '../../../models/store/model-store.js';
import { declipFixture, patternImages, type DeclipFixture } from './fixtures.js';

let fx: DeclipFixture;
beforeAll(() => {
  fx = declipFixture();
});
afterAll(async () => {
  await fx.close();
});

const arr = (t: { data: Float32Array } | undefined) => Array.from(t!.data);

describe('loadDeclipModel', () => {
  it('without a projector file equals CLIP exactly: perceptual = semantic = raw', async () => {
    const model = await fx.load('tiny-clip', NO_PROJECTOR);
    const e = await model.encodeImages(patternImages(3));
    expect(e.count).toBe(3);
    expect(e.raw!.dims).toEqual([3, 64]);
    expect(arr(e.perceptual)).toEqual(arr(e.raw));
    expect(arr(e.semantic)).toEqual(arr(e.raw));
  });

  it('with a zero-initialised projector file also equals CLIP exactly', async () => {
    const model = await fx.load('tiny-clip-h', 'tiny-declip-h-init.safetensors');
    const e = await model.encodeImages(patternImages(2));
    expect(e.dim).toBe(1024);
    expect(arr(e.perceptual)).toEqual(arr(e.raw));
  });

  it('with trained projectors gives distinct perceptual and semantic embeddings over the same raw f_I', async () => {
    const vanilla = await fx.load('tiny-clip', NO_PROJECTOR);
    const declip = await fx.load('tiny-clip', 'tiny-declip.safetensors');
    const images = patternImages(2);
    const a = await vanilla.encodeImages(images);
    const b = await declip.encodeImages(images);
    expect(arr(b.raw)).toEqual(arr(a.raw));
    expect(arr(b.perceptual)).not.toEqual(arr(b.raw));
    expect(arr(b.perceptual)).not.toEqual(arr(b.semantic));
    expect(b.modelKey).not.toBe(a.modelKey);
  });

  it('runs an ONNX CLIP folder: the optimum full model.onnx gives the same directions as the split files', async () => {
    const vocab = buildTinyVocab();
    const config = { ...TINY_CLIP_CONFIG, text: { ...TINY_CLIP_CONFIG.text, vocabSize: vocab.size } };
    writeClipFolder(path.join(fx.dirs.models, 'clip', 'tiny-clip-onnx'), { config, vocab, seed: 3 });
    const split = await fx.load('tiny-clip-onnx', NO_PROJECTOR, 'split');
    const full = await fx.load('tiny-clip-onnx', NO_PROJECTOR, 'full');
    expect([split.layout, full.layout]).toEqual(['split', 'full']);
    const images = patternImages(2);
    const a = normalizeRows((await split.encodeImages(images)).raw!);
    const b = normalizeRows((await full.encodeImages(images)).raw!);
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 4));
    const ta = normalizeRows(await split.encodeTexts(['Good photo.', 'Bad photo.']));
    const tb = normalizeRows(await full.encodeTexts(['Good photo.', 'Bad photo.']));
    ta.forEach((v, i) => expect(tb[i]).toBeCloseTo(v, 4));
    rmSync(path.join(fx.dirs.models, 'clip', 'tiny-clip-onnx'), { recursive: true });
  });

  it('runs the tiny .safetensors CLIP through its converted towers, and refuses the full layout for it', async () => {
    const model = await fx.load('tiny-clip', NO_PROJECTOR, 'split');
    expect(model.layout).toBe('split');
    await expect(fx.load('tiny-clip', NO_PROJECTOR, 'full')).rejects.toThrow(/tiny-clip is a \.safetensors .*model\.safetensors.*choose layout auto or split/);
  });

  it('rejects a projector whose d differs from the CLIP embedding width', async () => {
    await expect(fx.load('tiny-clip', 'tiny-declip-h.safetensors')).rejects.toThrow(/d = 1024 but CLIP tiny-clip embeds in d = 64/);
  });

  it('reports a missing model by name with what is available', async () => {
    await expect(fx.load('no-such-clip', NO_PROJECTOR)).rejects.toThrow(ModelStoreError);
    await expect(fx.load('no-such-clip', NO_PROJECTOR)).rejects.toThrow(/available: tiny-clip, tiny-clip-h/);
  });

  it('encodes an empty IMAGE batch to empty EMBEDS without running the encoder', async () => {
    const model = await fx.load('tiny-clip', NO_PROJECTOR);
    const e = await model.encodeImages({ data: new Float32Array(0), dims: [0, 32, 32, 3] });
    expect(e.count).toBe(0);
    expect(e.perceptual!.dims).toEqual([0, 64]);
  });
});

describe('DeclipModel.encodeTexts', () => {
  it('encodes each (model, text) once: repeated prompts come from the cache', async () => {
    const model = await fx.load('tiny-clip', NO_PROJECTOR);
    const { text } = await convertClipFile({ file: path.join(fx.tiny.clip, 'model.safetensors'), cacheDir: fx.dirs.cache });
    const runsOfText = () => fx.models.pool.stats().sessions.find((s) => s.file === text!.model)?.runs ?? 0;
    const before = runsOfText();
    const first = await model.encodeTexts(['Good photo.', 'Bad photo.', 'Good photo.']);
    expect(first.dims).toEqual([3, 64]);
    expect(arr({ data: first.data.subarray(0, 64) })).toEqual(arr({ data: first.data.subarray(128, 192) }));
    const afterFirst = runsOfText();
    expect(afterFirst).toBe(before + 1);
    for (let i = 0; i < 5; i++) await model.encodeTexts(['Good photo.', 'Bad photo.']);
    expect(runsOfText()).toBe(afterFirst);
    expect(model.textCache.stats().entries).toBe(2);
  });
});
