// The tiny set read back by the project's own readers: tokenizer, model store and safetensors reader.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClipTowers } from '../../../models/clip/clip-towers.js';
import { SessionPool } from '../../../models/onnx/session-pool.js';
import { openSafetensors } from '../../../models/safetensors/read.js';
import { readCheckpoint } from '../../../models/store/checkpoint-layout.js';
import { readClip } from '../../../models/store/clip-layout.js';
import { readDeclip, readIpAdapter } from '../../../models/store/weight-layout.js';
import { ClipTokenizer } from '../../../models/tokenizers/clip-bpe.js';
import { ipLayerWeights } from '../../../models/tiny/ip-adapter.js';
import { TINY_DEFAULT_SEED, TINY_SET_CONFIG, ensureTinyModels, type TinyModelPaths } from '../../../models/tiny/setup.js';
import { buildTinyVocab } from '../../../models/tiny/vocab.js';
import { i32, runOut, session } from './ort-helpers.js';
import { maxAbsDiff } from '../../support/arrays.js';

let dir: string;
let paths: TinyModelPaths;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pg-'));
  paths = ensureTinyModels(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tiny tokenizer files with ClipTokenizer', () => {
  it('loads and encodes the quality words as single tiny-vocab tokens', async () => {
    const vocab = buildTinyVocab();
    const tok = await ClipTokenizer.fromDir(path.join(paths.sd15, 'tokenizer'));
    expect([tok.bosId, tok.eosId, tok.vocabSize]).toEqual([vocab.bosId, vocab.eosId, vocab.size]);
    expect(tok.encode('Good photo.')).toEqual([vocab.bosId, vocab.vocab['good</w>'], vocab.vocab['photo</w>'], vocab.vocab['.</w>'], vocab.eosId]);
    const clipTok = await ClipTokenizer.fromDir(paths.clip);
    expect(clipTok.encode('a blurry, noisy picture')).toEqual(tok.encode('a blurry, noisy picture'));
  });

  it('feeds the tiny text encoder: different prompts give different embeddings', async () => {
    const tok = await ClipTokenizer.fromDir(path.join(paths.sd15, 'tokenizer'));
    const s = await session(readFileSync(path.join(paths.sd15, 'text_encoder', 'model.onnx')));
    const run = async (text: string) => {
      const batch = tok.encodeBatch([text]);
      return runOut(s, { input_ids: i32(Array.from(batch.ids), [1, 77]) }, 'pooler_output');
    };
    expect(maxAbsDiff(await run('sharp photo'), await run('blurry photo'))).toBeGreaterThan(1e-3);
  });
});

describe('tiny CLIP .safetensors with its tokenizer, through the converter', () => {
  it('the folder\'s tokenizer ids fit the token table, and the converted towers tell prompts and images apart', async () => {
    const pool = new SessionPool({ device: 'cpu' });
    try {
      for (const dir of [paths.clip, paths.clipH]) {
        const entry = readClip(dir, path.basename(dir));
        if (!entry.ok) throw new Error(entry.problems.join('; '));
        const tok = await ClipTokenizer.fromDir(entry.manifest.tokenizer.dir);
        const weights = await openSafetensors(entry.manifest.safetensors!.file);
        expect(weights.tensors['text_model.embeddings.token_embedding.weight']!.shape[0]).toBe(tok.vocabSize);
        await weights.close();
        const d = dir === paths.clip ? 64 : 1024;
        const towers = await openClipTowers({ pool, manifest: entry.manifest, dummyText: [tok.bosId, tok.eosId], imageSize: 224, cacheDir: path.join(dir, '..', '..', 'cache') });
        const text = await towers.encodeText(tok.encodeBatch(['a sharp photo', 'a blurry photo']));
        expect(text.dims).toEqual([2, d]);
        expect(maxAbsDiff(text.data.subarray(0, d), text.data.subarray(d))).toBeGreaterThan(1e-4);
        const pixels = Float32Array.from({ length: 2 * 3 * 224 * 224 }, (_, i) => (i < 3 * 224 * 224 ? Math.sin(i * 0.01) : Math.cos(i * 0.003)));
        const image = await towers.encodeImage({ data: pixels, dims: [2, 3, 224, 224] });
        expect(image.dims).toEqual([2, d]);
        expect(maxAbsDiff(image.data.subarray(0, d), image.data.subarray(d))).toBeGreaterThan(1e-4);
      }
    } finally {
      await pool.dispose();
    }
  }, 60_000);
});

describe('tiny set with the model store readers', () => {
  it('recognises the checkpoint (with unet_ip) and both CLIP folders without problems', () => {
    const ckpt = readCheckpoint(paths.sd15, 'tiny-sd15');
    expect(ckpt.ok ? [] : ckpt.problems).toEqual([]);
    if (ckpt.ok && ckpt.manifest.format === 'onnx-folder') expect(ckpt.manifest.ipUnet).toBeDefined();
    for (const dir of [paths.clip, paths.clipH]) {
      const clip = readClip(dir, path.basename(dir));
      expect(clip.ok ? [] : clip.problems).toEqual([]);
      expect(clip.ok && clip.manifest.safetensors).toEqual({ file: path.join(dir, 'model.safetensors'), layout: 'hf', config: path.join(dir, 'config.json') });
      expect(clip.ok && clip.manifest.tokenizer.dir).toBe(dir);
    }
  });

  it('recognises the IP-Adapter and DeCLIP files', () => {
    const ip = readIpAdapter(paths.ipAdapter, path.basename(paths.ipAdapter));
    expect(ip.ok ? [] : ip.problems).toEqual([]);
    const dec = readDeclip(paths.declipH, path.basename(paths.declipH));
    expect(dec.ok ? [] : dec.problems).toEqual([]);
  });
});

describe('tiny IP-Adapter with the safetensors reader', () => {
  it('holds the same to_k_ip weights the IP UNet bakes in (within F16 rounding)', async () => {
    const file = await openSafetensors(paths.ipAdapter);
    try {
      const c = TINY_SET_CONFIG.sd15.unet.channels;
      const stored = await file.read('ip_adapter.1.to_k_ip.weight');
      const { toK } = ipLayerWeights(TINY_DEFAULT_SEED, { layer: 0, channels: c, crossAttentionDim: 768 });
      expect(maxAbsDiff(stored, toK)).toBeLessThan(2e-3);
    } finally {
      await file.close();
    }
  });
});
