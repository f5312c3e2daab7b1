import fs, { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelStore, ModelStoreError } from '../../../models/store/model-store.js';
import { declipShapes, ipAdapterShapes, safetensors, sd15Files, tree } from './fixtures.js';

let root: string;
let store: ModelStore;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pg-store-'));
  store = new ModelStore({ modelsDir: root, cacheMs: 0 });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const problemsOf = (kind: Parameters<ModelStore['listModels']>[0], name: string) => {
  const e = store.listModels(kind).find((x) => x.name === name);
  if (!e) throw new Error(`no entry ${name}`);
  return e.ok ? [] : e.problems;
};

describe('ModelStore checkpoints', () => {
  it('recognises a diffusers SD1.5 ONNX folder with absolute paths and external data', () => {
    tree(path.join(root, 'checkpoints/sd15'), sd15Files({ 'unet_ip/model.onnx': 'onnx', 'vae_encoder/model.onnx': 'onnx', 'README.md': '#' }));
    const m = store.resolveCheckpoint('sd15');
    const dir = path.join(root, 'checkpoints/sd15');
    expect(m.unet).toEqual({ model: path.join(dir, 'unet/model.onnx'), externalData: [path.join(dir, 'unet/weights.pb')] });
    expect(m.ipUnet?.model).toBe(path.join(dir, 'unet_ip/model.onnx'));
    expect(m.vaeEncoder?.model).toBe(path.join(dir, 'vae_encoder/model.onnx'));
    expect(m.tokenizer).toMatchObject({ vocab: path.join(dir, 'tokenizer/vocab.json'), merges: path.join(dir, 'tokenizer/merges.txt') });
    expect(m.schedulerConfig).toBe(path.join(dir, 'scheduler/scheduler_config.json'));
    expect(m.warnings).toEqual([]);
    expect(store.names('checkpoints')).toEqual(['sd15']);
  });

  it('recognises an optimum folder (model.onnx_data, no model_index or scheduler) with a warning', () => {
    const files = sd15Files({ 'unet/model.onnx_data': 'w', 'tokenizer/tokenizer.json': '{}', 'extra.bin': 'x' });
    for (const k of ['model_index.json', 'unet/weights.pb', 'tokenizer/vocab.json', 'scheduler/scheduler_config.json']) delete files[k];
    tree(path.join(root, 'checkpoints/opt'), files);
    const m = store.resolveCheckpoint('opt');
    expect(m.unet.externalData.map((p) => path.basename(p))).toEqual(['model.onnx_data']);
    expect(m.modelIndex).toBeUndefined();
    expect(m.warnings).toEqual([
      'scheduler/scheduler_config.json is missing: the SD1.5 scheduler defaults are used',
      'unknown entries ignored: extra.bin',
    ]);
  });

  it('reports exactly what a half-there folder lacks, when listing and when resolving', () => {
    const files = sd15Files({ 'vae_decoder/diffusion_pytorch_model.safetensors': 'x', 'model_index.json': JSON.stringify({ vae_encoder: ['diffusers', 'OnnxRuntimeModel'] }) });
    delete files['unet/model.onnx'];
    delete files['vae_decoder/model.onnx'];
    delete files['tokenizer/merges.txt'];
    delete files['text_encoder/model.onnx'];
    files['text_encoder/model.onnx'] = '';
    tree(path.join(root, 'checkpoints/half'), files);
    const expected = [
      'text_encoder/model.onnx is empty (an interrupted download?)',
      'unet/model.onnx is missing (folder has: weights.pb)',
      'vae_decoder/ has diffusion_pytorch_model.safetensors but no model.onnx: this is a PyTorch diffusers folder; export it to ONNX first (e.g. optimum-cli export onnx --model <repo> <folder>)',
      'vae_encoder/ is missing (model_index.json lists it): expected vae_encoder/model.onnx',
      'tokenizer/ has no usable tokenizer: merges.txt missing and no tokenizer.json (found: vocab.json)',
    ];
    expect(problemsOf('checkpoints', 'half')).toEqual(expected);
    expect(store.names('checkpoints')).toEqual([]);
    const err = (() => { try { store.resolveCheckpoint('half'); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(ModelStoreError);
    expect((err as ModelStoreError).problems).toEqual(expected);
    expect((err as Error).message).toMatch(/^checkpoints model "half" cannot be loaded: text_encoder/);
  });

  it('lists single-file .safetensors checkpoints, explains pickles, bad JSON and unknown names', () => {
    tree(path.join(root, 'checkpoints'), { 'v1-5.safetensors': 'x', 'old.ckpt': 'x' });
    tree(path.join(root, 'checkpoints/badjson'), sd15Files({ 'scheduler/scheduler_config.json': '{oops' }));
    expect(store.resolve('checkpoints', 'v1-5.safetensors')).toMatchObject({ format: 'ldm-safetensors', file: path.join(root, 'checkpoints', 'v1-5.safetensors') });
    expect(() => store.resolveCheckpoint('v1-5.safetensors')).toThrow(/single-file \.safetensors checkpoint.*CheckpointLoaderSimple/);
    expect(problemsOf('checkpoints', 'old.ckpt')[0]).toMatch(/PyTorch pickle \(\.ckpt\).*convert it to \.safetensors.*optimum-cli/);
    expect(problemsOf('checkpoints', 'badjson')).toEqual([expect.stringMatching(/^scheduler\/scheduler_config\.json is not valid JSON/)]);
    expect(() => store.resolveCheckpoint('nope')).toThrow(/checkpoints model "nope" cannot be loaded: not found in .*checkpoints \(available: v1-5\.safetensors\)/);
    expect(() => store.resolveCheckpoint('../clip')).toThrow(/a model name must be a single file or folder name/);
  });
});

describe('ModelStore clip and clip_vision', () => {
  it('recognises the split layout at the root and under onnx/, and the optimum full model', () => {
    tree(path.join(root, 'clip/split'), { 'vision_model.onnx': 'o', 'text_model.onnx': 'o', 'vocab.json': '{}', 'merges.txt': '', 'preprocessor_config.json': '{}' });
    tree(path.join(root, 'clip/xenova'), { 'onnx/vision_model.onnx': 'o', 'onnx/text_model.onnx': 'o', 'onnx/vision_model_fp16.onnx': 'o', 'tokenizer.json': '{}', 'config.json': '{}' });
    tree(path.join(root, 'clip/full'), { 'model.onnx': 'o', 'model.onnx_data': 'w', 'vocab.json': '{}', 'merges.txt': '' });
    const split = store.resolveClip('split');
    expect(split.vision?.model).toBe(path.join(root, 'clip/split/vision_model.onnx'));
    expect(split.preprocessorConfig).toBe(path.join(root, 'clip/split/preprocessor_config.json'));
    const xen = store.resolveClip('xenova');
    expect(xen.text?.model).toBe(path.join(root, 'clip/xenova/onnx/text_model.onnx'));
    expect(xen.tokenizer.tokenizerJson).toBe(path.join(root, 'clip/xenova/tokenizer.json'));
    expect(xen.warnings).toEqual(['preprocessor_config.json is missing: CLIP defaults are used (224, bicubic, OpenAI mean/std)']);
    const full = store.resolveClip('full');
    expect(full.full?.externalData).toEqual([path.join(root, 'clip/full/model.onnx_data')]);
    expect(full.vision).toBeUndefined();
    expect(store.names('clip')).toEqual(['full', 'split', 'xenova']);
  });

  it('reports a missing tower, a missing tokenizer and unsupported variants', () => {
    tree(path.join(root, 'clip/onlyvision'), { 'vision_model.onnx': 'o', 'vocab.json': '{}', 'merges.txt': '' });
    tree(path.join(root, 'clip/notok'), { 'model.onnx': 'o' });
    tree(path.join(root, 'clip/fp16'), { 'onnx/vision_model_fp16.onnx': 'o', 'tokenizer.json': '{}' });
    expect(problemsOf('clip', 'onlyvision')).toEqual(['text_model.onnx is missing (vision_model.onnx found; a CLIP folder needs both towers or the optimum model.onnx)']);
    expect(problemsOf('clip', 'notok')).toEqual(['the folder root (or tokenizer/) has no usable tokenizer: vocab.json and merges.txt missing and no tokenizer.json (found: model.onnx)']);
    expect(problemsOf('clip', 'fp16')).toEqual([expect.stringMatching(/no CLIP model found: .*\(found onnx\/vision_model_fp16\.onnx; only the unsuffixed fp32 names are loaded\)/)]);
  });

  it('resolves an image-only clip_vision folder', () => {
    tree(path.join(root, 'clip_vision/vit-h'), { 'vision_model.onnx': 'o', 'preprocessor_config.json': '{}' });
    tree(path.join(root, 'clip_vision/empty'), { 'notes.md': 'x' });
    expect(store.resolveClipVision('vit-h').vision?.model).toBe(path.join(root, 'clip_vision/vit-h/vision_model.onnx'));
    expect(problemsOf('clip_vision', 'empty')[0]).toMatch(/^vision_model\.onnx is missing: no CLIP model found/);
  });
});

describe('ModelStore ipadapter and declip', () => {
  it('reads an IP-Adapter header: sizes and layers', () => {
    tree(path.join(root, 'ipadapter'), { 'ip-adapter_sd15.safetensors': safetensors(ipAdapterShapes()) });
    const m = store.resolveIpAdapter('ip-adapter_sd15.safetensors');
    expect(m).toMatchObject({ imageEmbedDim: 1024, crossAttentionDim: 768, tokens: 4, ipLayers: 16, warnings: [] });
    expect(m.file).toBe(path.join(root, 'ipadapter/ip-adapter_sd15.safetensors'));
  });

  it('reports broken IP-Adapter files precisely', () => {
    const noNorm = ipAdapterShapes();
    delete noNorm['image_proj.norm.bias'];
    tree(path.join(root, 'ipadapter'), {
      'nonorm.safetensors': safetensors(noNorm),
      'plus.safetensors': safetensors({ 'image_proj.latents': [1, 16, 768] }),
      'ip-adapter_sd15.bin': 'pickle',
      'trunc.safetensors': safetensors(ipAdapterShapes()).subarray(0, 200),
    });
    expect(problemsOf('ipadapter', 'nonorm.safetensors')).toEqual(['missing tensor image_proj.norm.bias']);
    expect(problemsOf('ipadapter', 'plus.safetensors')[0]).toMatch(/IP-Adapter Plus/);
    expect(problemsOf('ipadapter', 'ip-adapter_sd15.bin')[0]).toMatch(/PyTorch pickle; only \.safetensors is loaded/);
    expect(problemsOf('ipadapter', 'trunc.safetensors')[0]).toMatch(/trunc\.safetensors: header length \d+ does not fit in a 200-byte file/);
    expect(store.names('ipadapter')).toEqual([]);
  });

  it('reads DeCLIP projector sizes and metadata, and names wrong shapes', () => {
    const bad = declipShapes(64, 32);
    bad['semantic.fc2.weight'] = [32, 64];
    delete bad['semantic.fc1.bias'];
    tree(path.join(root, 'declip'), {
      'good.safetensors': safetensors(declipShapes(64, 32), { trained_on: 'tiny' }),
      'bad.safetensors': safetensors(bad),
      'other.safetensors': safetensors({ 'x': [1] }),
    });
    expect(store.resolveDeclip('good.safetensors')).toMatchObject({ embedDim: 64, hiddenDim: 32, metadata: { trained_on: 'tiny' } });
    expect(problemsOf('declip', 'bad.safetensors')).toEqual([
      'missing tensor semantic.fc1.bias [32]',
      'semantic.fc2.weight is [32,64], expected [64,32] (h=32, d=64 from perceptual.fc1.weight)',
    ]);
    expect(problemsOf('declip', 'other.safetensors')[0]).toMatch(/not a DeCLIP projector file/);
  });
});

describe('ModelStore.listModels', () => {
  it('lists nothing for a missing kind folder, sees a file added at once, and caches the rest within cacheMs', () => {
    expect(store.listModels('declip')).toEqual([]);
    const cached = new ModelStore({ modelsDir: root, cacheMs: 60_000 });
    expect(cached.names('declip')).toEqual([]);
    // A new file changes the folder's mtime: listed without waiting for cacheMs (the editor's Refresh).
    tree(path.join(root, 'declip'), { 'a.safetensors': safetensors(declipShapes(4, 2)) });
    expect(cached.names('declip')).toEqual(['a.safetensors']);
    // Rewriting a file in place leaves the folder's mtime alone: the cached entry stands until invalidate().
    const folder = path.join(root, 'declip');
    fs.utimesSync(folder, 1_700_000_000, 1_700_000_000);
    expect(cached.names('declip')).toEqual(['a.safetensors']);
    fs.writeFileSync(path.join(folder, 'a.safetensors'), 'broken');
    fs.utimesSync(folder, 1_700_000_000, 1_700_000_000);
    expect(cached.names('declip')).toEqual(['a.safetensors']);
    cached.invalidate();
    expect(cached.names('declip')).toEqual([]);
    expect(cached.choices('declip')()).toEqual([]);
  });

  it('collects every broken entry for startup logs', () => {
    tree(path.join(root, 'clip/broken'), { 'x.txt': '' });
    tree(path.join(root, 'declip'), { 'w.pt': '' });
    expect(store.problems().map((p) => `${p.kind}/${p.name}`)).toEqual(['clip/broken', 'declip/w.pt']);
  });
});
