/**
 * `.safetensors` CLIPs end to end: the store recognises bare files and HF folders in clip/ and clip_vision/ by their
 * keys, convertClipFile builds the towers into the cache once (a second call reuses it), the converted towers run
 * through openClipTowers with the golden numbers, and bad files fail with messages that name them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClipTowers } from '../../../models/clip/clip-towers.js';
import { ClipFileError, convertClipFile } from '../../../models/clip/convert-clip.js';
import { SessionPool } from '../../../models/onnx/session-pool.js';
import { openSafetensors } from '../../../models/safetensors/read.js';
import { encodeSafetensors, writeSafetensors } from '../../../models/safetensors/write.js';
import { ModelStore } from '../../../models/store/model-store.js';
import { GOLDEN_CLIP_CONFIG as C, buildOpenClipTensors, openClipToHf } from '../../../models/tiny/clip-safetensors.js';
import { buildTinyVocab, tokenizerFiles } from '../../../models/tiny/vocab.js';
import { maxAbsDiff } from '../../support/arrays.js';

const GOLDEN = path.join(import.meta.dirname, '../../fixtures/clip/golden-quick-gelu.safetensors');
let root: string;
let models: string;
let cache: string;
let pool: SessionPool;
let store: ModelStore;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pg-clip-st-'));
  models = path.join(root, 'models');
  cache = path.join(root, 'cache');
  pool = new SessionPool({ device: 'cpu' });
  store = new ModelStore({ modelsDir: models, cacheMs: 0 });
  const oc = buildOpenClipTensors(C, 5);
  const hf = openClipToHf(oc, C);
  writeSafetensors(path.join(models, 'clip/golden-hf.safetensors'), hf);
  writeSafetensors(path.join(models, 'clip_vision/golden-openclip.safetensors'), oc);
  const visionOnly = Object.fromEntries(Object.entries(hf).filter(([k]) => k.startsWith('vision_model.') || k === 'visual_projection.weight'));
  writeSafetensors(path.join(models, 'clip_vision/vision-only.safetensors'), visionOnly);
  writeSafetensors(path.join(models, 'clip/vision-only.safetensors'), visionOnly);
  writeSafetensors(path.join(models, 'clip_vision/lora.safetensors'), { 'lora_unet_down.alpha': { dtype: 'F32', shape: [1], data: Float32Array.of(1) } });
  const tok = path.join(models, 'tokenizers/golden-hf');
  mkdirSync(tok, { recursive: true });
  for (const [name, text] of Object.entries(tokenizerFiles(buildTinyVocab()))) writeFileSync(path.join(tok, name), text);
});
afterAll(async () => {
  await pool?.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('ModelStore with .safetensors CLIPs', () => {
  it('lists bare files by their keys, with the tokenizer from models/tokenizers/<stem>', () => {
    const clip = store.resolveClip('golden-hf.safetensors');
    expect(clip.safetensors).toMatchObject({ layout: 'hf', file: path.join(models, 'clip/golden-hf.safetensors') });
    expect(clip.tokenizer.dir).toBe(path.join(models, 'tokenizers/golden-hf'));
    expect(store.resolveClipVision('golden-openclip.safetensors').safetensors?.layout).toBe('openclip');
    expect(store.resolveClipVision('vision-only.safetensors').safetensors?.layout).toBe('hf');
  });

  it('says what is wrong with a file that is not a usable CLIP', () => {
    const problems = (kind: 'clip' | 'clip_vision', name: string) => store.listModels(kind).find((e) => e.name === name);
    expect(problems('clip_vision', 'lora.safetensors')).toMatchObject({ ok: false, problems: [expect.stringMatching(/lora\.safetensors: not a CLIP encoder: expected vision_model/)] });
    expect(problems('clip', 'vision-only.safetensors')).toMatchObject({ ok: false, problems: [expect.stringMatching(/image tower only; models\/clip needs both towers/)] });
    // Loaders still offer refused .safetensors files (as ComfyUI lists every file), so choosing one names the problem.
    expect(store.names('clip_vision')).not.toContain('lora.safetensors');
    expect(store.weightsFileNames('clip_vision')).toEqual(['golden-openclip.safetensors', 'lora.safetensors', 'vision-only.safetensors']);
    expect(() => store.resolveClipVision('lora.safetensors')).toThrow(/clip_vision model "lora\.safetensors" cannot be loaded: .*lora\.safetensors: not a CLIP encoder/);
  });
});

describe('convertClipFile', () => {
  it('converts once into the cache and runs with the golden numbers through openClipTowers', async () => {
    const manifest = store.resolveClip('golden-hf.safetensors');
    const towers = await openClipTowers({ pool, manifest, dummyText: [1, 2], imageSize: 32, cacheDir: cache });
    const golden = await openSafetensors(GOLDEN);
    const embeds = await towers.encodeImage({ data: await golden.read('pixel_values'), dims: [2, 3, 32, 32] });
    const want = await golden.read('image_embeds');
    expect(maxAbsDiff(embeds.data, want) / Math.max(...Array.from(want, Math.abs))).toBeLessThan(1e-4);
    const ids = await golden.read('input_ids');
    const text = await towers.encodeText({ ids: Int32Array.from(ids), dims: [2, 12], eosIndex: [5, 9] });
    const wantText = await golden.read('text_embeds');
    expect(maxAbsDiff(text.data, wantText) / Math.max(...Array.from(wantText, Math.abs))).toBeLessThan(1e-4);
    await golden.close();

    const c = await convertClipFile({ file: manifest.safetensors!.file, cacheDir: cache });
    const mtime = statSync(c.vision!.model).mtimeMs;
    const again = await convertClipFile({ file: manifest.safetensors!.file, cacheDir: cache });
    expect(again.dir).toBe(c.dir);
    expect(statSync(again.vision!.model).mtimeMs).toBe(mtime);
    expect(c.vision!.structure).toMatchObject({ layout: 'hf', width: 128, imageSize: 32, projectionDim: 32 });
  }, 60_000);

  it('names the file for a non-CLIP file, a truncated file, a lying header and a missing key', async () => {
    const bad = path.join(root, 'bad');
    mkdirSync(bad, { recursive: true });
    const lora = path.join(models, 'clip_vision/lora.safetensors');
    await expect(convertClipFile({ file: lora, cacheDir: cache })).rejects.toThrow(ClipFileError);
    await expect(convertClipFile({ file: lora, cacheDir: cache })).rejects.toThrow(lora);

    const good = readFileSync(path.join(models, 'clip_vision/golden-openclip.safetensors'));
    const truncated = path.join(bad, 'truncated.safetensors');
    writeFileSync(truncated, good.subarray(0, good.length - 1000));
    await expect(convertClipFile({ file: truncated, cacheDir: cache })).rejects.toThrow(/truncated\.safetensors: .*outside the .*data section/);

    const headerLen = Number(good.readBigUInt64LE(0));
    const header = JSON.parse(good.subarray(8, 8 + headerLen).toString()) as Record<string, { data_offsets: number[] }>;
    header['visual.proj']!.data_offsets = [0, 12]; // the shape needs 128·32·4 bytes
    const lying = path.join(bad, 'lying.safetensors');
    const json = Buffer.from(JSON.stringify(header).padEnd(headerLen, ' '));
    writeFileSync(lying, Buffer.concat([good.subarray(0, 8), json, good.subarray(8 + headerLen)]));
    await expect(convertClipFile({ file: lying, cacheDir: cache })).rejects.toThrow(/lying\.safetensors: tensor "visual\.proj" F32 \[128,32\] needs 16384 bytes/);

    const missing = path.join(bad, 'missing.safetensors');
    const oc = buildOpenClipTensors(C, 5);
    delete oc['visual.transformer.resblocks.1.mlp.c_fc.bias'];
    writeFileSync(missing, encodeSafetensors(oc));
    await expect(convertClipFile({ file: missing, cacheDir: cache })).rejects.toThrow(
      /missing\.safetensors: tensor "visual\.transformer\.resblocks\.1\.mlp\.c_fc\.bias" is missing/,
    );
  }, 60_000);
});
