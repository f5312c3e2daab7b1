import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_SET_CONFIG, ensureTinyModels, type TinyModelPaths } from '../../../models/tiny/setup.js';
import { readClip } from '../../../models/store/clip-layout.js';
import { writeClipFolder } from '../../../models/tiny/clip-folder.js';
import { buildTinyVocab } from '../../../models/tiny/vocab.js';
import { session, signature } from './ort-helpers.js';

const made: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'pg-'));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function header(file: string): Record<string, { dtype: string; shape: number[] }> & { __metadata__?: Record<string, string> } {
  const buf = readFileSync(file);
  const n = Number(buf.readBigUInt64LE(0));
  return JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
}

describe('ensureTinyModels', () => {
  let dir: string;
  let paths: TinyModelPaths;
  beforeAll(() => {
    dir = tmp();
    paths = ensureTinyModels(dir);
  });

  it('writes the default set in the docs/model-folders.md layout', () => {
    expect(paths.built).toBe(true);
    expect(paths.sd15).toBe(path.join(dir, 'checkpoints', 'tiny-sd15'));
    for (const rel of ['text_encoder', 'unet', 'unet_ip', 'vae_decoder', 'vae_encoder']) {
      expect(existsSync(path.join(paths.sd15, rel, 'model.onnx')), rel).toBe(true);
    }
    for (const rel of ['model_index.json', 'scheduler/scheduler_config.json', 'tokenizer/vocab.json', 'tokenizer/merges.txt']) {
      expect(existsSync(path.join(paths.sd15, rel)), rel).toBe(true);
    }
    for (const clip of [paths.clip, paths.clipH]) {
      for (const f of ['model.safetensors', 'config.json', 'preprocessor_config.json', 'vocab.json', 'merges.txt']) {
        expect(existsSync(path.join(clip, f)), `${clip}/${f}`).toBe(true);
      }
      // An ONNX file in the folder would make the store read it as an ONNX export instead of the .safetensors.
      expect(readdirSync(clip).filter((f) => f.endsWith('.onnx')), clip).toEqual([]);
    }
    for (const f of [paths.ipAdapter, paths.declip, paths.declipH, paths.declipHInit, paths.clipVisionH]) expect(existsSync(f), f).toBe(true);
  });

  it('skips when the manifest matches, without touching the files', () => {
    const unet = path.join(paths.sd15, 'unet', 'model.onnx');
    const before = statSync(unet).mtimeMs;
    const again = ensureTinyModels(dir);
    expect(again.built).toBe(false);
    expect(statSync(unet).mtimeMs).toBe(before);
  });

  it('rebuilds byte-identical files with force, and on a corrupt manifest, a changed file or a missing file', () => {
    const unet = path.join(paths.sd15, 'unet', 'model.onnx');
    const bytes = readFileSync(unet);
    expect(ensureTinyModels(dir, { force: true }).built).toBe(true);
    expect(readFileSync(unet).equals(bytes)).toBe(true);
    writeFileSync(paths.manifest, '{not json');
    expect(ensureTinyModels(dir).built).toBe(true);
    writeFileSync(paths.declip, '');
    expect(ensureTinyModels(dir).built).toBe(true);
    expect(statSync(paths.declip).size).toBeGreaterThan(0);
    const gone = path.join(paths.clip, 'model.safetensors');
    rmSync(gone);
    expect(ensureTinyModels(dir).built).toBe(true);
    expect(existsSync(gone)).toBe(true);
  });

  it('gives different weights for a different seed', () => {
    const other = ensureTinyModels(tmp(), { seed: 99 });
    const a = readFileSync(path.join(paths.clip, 'model.safetensors'));
    expect(readFileSync(path.join(other.clip, 'model.safetensors')).equals(a)).toBe(false);
  });

  it('states the tiny vocabulary ids in config.json and tokenizer files', () => {
    const vocab = buildTinyVocab();
    const cfg = JSON.parse(readFileSync(path.join(paths.clipH, 'config.json'), 'utf8'));
    expect(cfg.projection_dim).toBe(1024);
    expect(cfg.text_config).toMatchObject({ vocab_size: vocab.size, bos_token_id: vocab.bosId, eos_token_id: vocab.eosId });
    const sdVocab = JSON.parse(readFileSync(path.join(paths.sd15, 'tokenizer', 'vocab.json'), 'utf8'));
    expect(Object.keys(sdVocab)).toHaveLength(vocab.size);
    const sched = JSON.parse(readFileSync(path.join(paths.sd15, 'scheduler', 'scheduler_config.json'), 'utf8'));
    expect(sched).toMatchObject({ beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', num_train_timesteps: 1000 });
  });

  it('writes every ONNX file so that onnxruntime loads it with the expected inputs', async () => {
    const expected: [string, string[]][] = [
      ['checkpoints/tiny-sd15/text_encoder/model.onnx', ['input_ids: int32 [batch,sequence]']],
      ['checkpoints/tiny-sd15/unet_ip/model.onnx', ['sample: float32 [batch,4,height,width]', 'timestep: int64 [1]', 'encoder_hidden_states: float32 [batch,sequence,768]', 'ipadapter_scale: float32 [16]']],
      ['checkpoints/tiny-sd15/vae_encoder/model.onnx', ['sample: float32 [batch,3,height,width]']],
    ];
    for (const [rel, inputs] of expected) {
      const s = await session(readFileSync(path.join(dir, rel)));
      expect(signature(s.inputMetadata), rel).toEqual(inputs);
    }
  });

  it('writes both CLIPs in the Hugging Face CLIPModel key layout, d 64 in F32 and d 1024 in F16, sized to the tiny vocabulary', () => {
    const vocab = buildTinyVocab();
    for (const [dir, d, dtype] of [[paths.clip, 64, 'F32'], [paths.clipH, 1024, 'F16']] as const) {
      const h = header(path.join(dir, 'model.safetensors'));
      const file = `${dir}/model.safetensors`;
      expect(h['vision_model.embeddings.patch_embedding.weight'], file).toMatchObject({ dtype, shape: [64, 3, 32, 32] });
      expect(h['vision_model.encoder.layers.0.self_attn.q_proj.weight'], file).toMatchObject({ dtype, shape: [64, 64] });
      expect(h['visual_projection.weight'], file).toMatchObject({ dtype, shape: [d, 64] });
      expect(h['text_projection.weight'], file).toMatchObject({ dtype, shape: [d, 64] });
      expect(h['text_model.embeddings.token_embedding.weight'], file).toMatchObject({ dtype, shape: [vocab.size, 64] });
      expect(h['text_model.embeddings.position_embedding.weight'], file).toMatchObject({ shape: [77, 64] });
      expect(Object.keys(h).some((k) => k.startsWith('visual.') || k.includes('resblocks')), file).toBe(false);
      const cfg = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
      expect(cfg.vision_config).toMatchObject({ hidden_size: 64, num_attention_heads: 4, hidden_act: 'quick_gelu' });
      expect(cfg.text_config).toMatchObject({ hidden_size: 64, num_attention_heads: 4, vocab_size: vocab.size });
    }
  });

  it('rebuilds a data dir of builder version 4: the old ONNX files of the CLIP folders go, a file the user replaced stays', () => {
    const old = tmp();
    const vocab = buildTinyVocab();
    const clipDir = path.join(old, 'clip', 'tiny-clip');
    const config = { ...TINY_SET_CONFIG.clip, text: { ...TINY_SET_CONFIG.clip.text, vocabSize: vocab.size } };
    const written = writeClipFolder(clipDir, { config, vocab, seed: 1 });
    const userFile = path.join(clipDir, 'model.onnx');
    const files = written.map((f) => ({ path: path.relative(old, f), size: statSync(f).size }));
    writeFileSync(userFile, 'replaced by the user');
    writeFileSync(path.join(old, '.tiny-manifest.json'), JSON.stringify({ builderVersion: 4, configHash: 'old', files }));
    expect(ensureTinyModels(old).built).toBe(true);
    expect(existsSync(path.join(clipDir, 'vision_model.onnx'))).toBe(false);
    expect(existsSync(path.join(clipDir, 'text_model.onnx'))).toBe(false);
    expect(existsSync(userFile)).toBe(true);
    expect(existsSync(path.join(clipDir, 'model.safetensors'))).toBe(true);
    rmSync(userFile);
    const entry = readClip(clipDir, 'tiny-clip');
    expect(entry.ok && entry.manifest.safetensors?.file).toBe(path.join(clipDir, 'model.safetensors'));
  });

  it('writes the IP-Adapter with the real keys: 4 image_proj tensors and 16 to_k_ip/to_v_ip pairs', () => {
    const h = header(paths.ipAdapter);
    const keys = Object.keys(h).filter((k) => k !== '__metadata__');
    expect(keys).toHaveLength(36);
    expect(h['image_proj.proj.weight']).toMatchObject({ dtype: 'F16', shape: [3072, 1024] });
    expect(h['image_proj.proj.bias']!.shape).toEqual([3072]);
    expect(h['image_proj.norm.weight']!.shape).toEqual([768]);
    expect(h['image_proj.norm.bias']!.shape).toEqual([768]);
    const c = TINY_SET_CONFIG.sd15.unet.channels;
    for (let k = 1; k <= 31; k += 2) {
      expect(h[`ip_adapter.${k}.to_k_ip.weight`]!.shape).toEqual([c, 768]);
      expect(h[`ip_adapter.${k}.to_v_ip.weight`]!.shape).toEqual([c, 768]);
    }
  });

  it('writes DeCLIP projectors with both branches; the init file has zero W2', () => {
    const h = header(paths.declipH);
    expect(h.__metadata__).toMatchObject({ format: 'declip-projectors', embed_dim: '1024', clip: 'tiny-clip-h' });
    for (const b of ['perceptual', 'semantic']) {
      expect(h[`${b}.fc1.weight`]!.shape).toEqual([64, 1024]);
      expect(h[`${b}.fc1.bias`]!.shape).toEqual([64]);
      expect(h[`${b}.fc2.weight`]!.shape).toEqual([1024, 64]);
    }
    const buf = readFileSync(paths.declipHInit);
    const init = header(paths.declipHInit) as unknown as Record<string, { data_offsets: [number, number] }>;
    const start = 8 + Number(buf.readBigUInt64LE(0));
    const [a, b] = init['semantic.fc2.weight']!.data_offsets;
    expect(buf.subarray(start + a, start + b).every((x) => x === 0)).toBe(true);
    const [c, d] = init['semantic.fc1.weight']!.data_offsets;
    expect(buf.subarray(start + c, start + d).some((x) => x !== 0)).toBe(true);
  });
});
