// The tiny set read back by the project's own readers: tokenizer, model store and safetensors reader.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('tiny set with the model store readers', () => {
  it('recognises the checkpoint (with unet_ip) and both CLIP folders without problems', () => {
    const ckpt = readCheckpoint(paths.sd15, 'tiny-sd15');
    expect(ckpt.ok ? [] : ckpt.problems).toEqual([]);
    if (ckpt.ok && ckpt.manifest.format === 'onnx-folder') expect(ckpt.manifest.ipUnet).toBeDefined();
    for (const dir of [paths.clip, paths.clipH]) {
      const clip = readClip(dir, path.basename(dir));
      expect(clip.ok ? [] : clip.problems).toEqual([]);
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
