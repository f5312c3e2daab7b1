/**
 * The store's reading of diffusers folders with `.safetensors` weights (models/store/diffusers-layout.ts): in
 * `checkpoints/` beside single files and ONNX folders, in `diffusers/` for DiffusersLoader; `.fp16` variants, and
 * exactly what a folder lacks (a part, `.bin` weights, sharded files), with broken folders still offered to the
 * loaders so the node names the problem.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelStore, ModelStoreError } from '../../../models/store/model-store.js';
import { sd15Files, tree } from './fixtures.js';

let root: string;
let store: ModelStore;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pg-store-diffusers-'));
  store = new ModelStore({ modelsDir: root, cacheMs: 0 });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A diffusers folder's files (placeholders: listing reads no weights). */
function diffusersFiles(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'model_index.json': JSON.stringify({ _class_name: 'StableDiffusionPipeline' }),
    'unet/diffusion_pytorch_model.safetensors': 'w',
    'unet/config.json': '{}',
    'vae/diffusion_pytorch_model.safetensors': 'w',
    'text_encoder/model.safetensors': 'w',
    'tokenizer/vocab.json': '{}',
    'tokenizer/merges.txt': '#version: 0.2',
    'scheduler/scheduler_config.json': '{}',
    ...extra,
  };
}

const problems = (kind: 'checkpoints' | 'diffusers', name: string) => {
  try {
    store.resolve(kind, name);
    return [];
  } catch (e) {
    return (e as ModelStoreError).problems;
  }
};

describe('diffusers folders in the store', () => {
  it('lists a diffusers folder in checkpoints/ beside an ONNX folder, with every file', () => {
    tree(path.join(root, 'checkpoints/sd15-diffusers'), diffusersFiles());
    tree(path.join(root, 'checkpoints/sd15-onnx'), sd15Files());
    const dir = path.join(root, 'checkpoints/sd15-diffusers');
    expect(store.resolve('checkpoints', 'sd15-diffusers')).toMatchObject({
      kind: 'checkpoints', format: 'diffusers-safetensors', dir,
      unet: path.join(dir, 'unet/diffusion_pytorch_model.safetensors'), unetConfig: path.join(dir, 'unet/config.json'),
      vae: path.join(dir, 'vae/diffusion_pytorch_model.safetensors'), vaeConfig: undefined,
      textEncoder: path.join(dir, 'text_encoder/model.safetensors'),
      tokenizer: { dir: path.join(dir, 'tokenizer') }, schedulerConfig: path.join(dir, 'scheduler/scheduler_config.json'),
      warnings: [],
    });
    expect(store.resolve('checkpoints', 'sd15-onnx').format).toBe('onnx-folder');
    expect(() => store.resolveCheckpoint('sd15-diffusers')).toThrow(/a diffusers folder with \.safetensors weights, not an ONNX folder: load it with CheckpointLoaderSimple/);
  });

  it('takes .fp16 variants and a folder without model_index.json (with a warning)', () => {
    const files = diffusersFiles({ 'unet/diffusion_pytorch_model.fp16.safetensors': 'w', 'text_encoder/model.fp16.safetensors': 'w' });
    delete files['unet/diffusion_pytorch_model.safetensors'];
    delete files['text_encoder/model.safetensors'];
    delete files['model_index.json'];
    tree(path.join(root, 'diffusers/fp16'), files);
    const m = store.resolve('diffusers', 'fp16');
    expect([path.basename(m.unet), path.basename(m.textEncoder)]).toEqual(['diffusion_pytorch_model.fp16.safetensors', 'model.fp16.safetensors']);
    expect(m.warnings).toEqual(['model_index.json is missing (read as a diffusers folder from its unet/, vae/, text_encoder/)']);
  });

  it('says what a folder lacks, and still offers it to the loaders', () => {
    const noUnet = diffusersFiles();
    delete noUnet['unet/diffusion_pytorch_model.safetensors'];
    delete noUnet['unet/config.json'];
    tree(path.join(root, 'diffusers/no-unet'), noUnet);
    tree(path.join(root, 'diffusers/pickles'), diffusersFiles({ 'vae/diffusion_pytorch_model.bin': 'p', 'text_encoder/model.safetensors.index.json': '{}' }));
    rmSync(path.join(root, 'diffusers/pickles/vae/diffusion_pytorch_model.safetensors'));
    rmSync(path.join(root, 'diffusers/pickles/text_encoder/model.safetensors'));
    tree(path.join(root, 'diffusers/onnx'), sd15Files());
    expect(problems('diffusers', 'no-unet')).toEqual(['unet/ is missing: expected unet/diffusion_pytorch_model.safetensors']);
    expect(problems('diffusers', 'pickles')).toEqual([
      'vae/diffusion_pytorch_model.bin is a PyTorch pickle: .bin weights are not read (out of scope); download the repo\'s .safetensors files instead (vae/diffusion_pytorch_model.safetensors)',
      'text_encoder/model.safetensors.index.json: sharded weights are not supported; expected one text_encoder/model.safetensors',
    ]);
    expect(problems('diffusers', 'onnx')).toEqual(['onnx is an ONNX export: put it in models/checkpoints and load it with CheckpointLoaderSimple or CheckpointLoaderONNX']);
    expect(store.names('diffusers')).toEqual([]);
    expect(store.weightsFileNames('diffusers')).toEqual(['no-unet', 'onnx', 'pickles']);
    tree(path.join(root, 'checkpoints/no-unet'), noUnet);
    expect(problems('checkpoints', 'no-unet')).toEqual(['unet/ is missing: expected unet/diffusion_pytorch_model.safetensors']);
    expect(store.weightsFileNames('checkpoints')).toEqual(['no-unet']);
  });
});
