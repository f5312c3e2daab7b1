/**
 * A diffusers-layout folder (models/ldm/diffusers-folder.ts) converts to the same graphs as the single-file
 * checkpoint with the same weights: UNet ε, VAE decode and encode, and text hidden states at stop_at_clip_layer −1
 * and −2 are identical through real ONNX sessions; F16, BF16 and F32 folders hold the single file's converted
 * weights bit for bit. A folder that lacks a part, holds `.bin` weights, lacks a key or is SDXL fails naming the
 * file and what is wrong.
 */
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renameKey, unetRules, vaeRules } from '../../../models/ldm/diffusers-keys.js';
import { convertLdmCheckpoint, textEncoderForLayer, type ConvertedCheckpoint } from '../../../models/ldm/convert.js';
import type { ModelSession } from '../../../models/onnx/model-session.js';
import { SessionPool } from '../../../models/onnx/session-pool.js';
import { floatOutput } from '../../../models/onnx/tensor-types.js';
import { readSafetensorsHeader } from '../../../models/safetensors/read.js';
import { writeSafetensors, type SafetensorsDtype } from '../../../models/safetensors/write.js';
import { writeDiffusersFolder } from '../../../models/tiny/diffusers-folder.js';
import { buildLdmCheckpointTensors } from '../../../models/tiny/ldm-checkpoint.js';
import { GOLDEN_LDM_CONFIG, goldenInputs } from './golden-config.js';

const CONFIG = GOLDEN_LDM_CONFIG; // two text layers, so −2 is a real layer
const DTYPES: readonly SafetensorsDtype[] = ['F32', 'F16', 'BF16'];
let root: string;
let pool: SessionPool;
const single: Partial<Record<SafetensorsDtype, ConvertedCheckpoint>> = {};
const folder: Partial<Record<SafetensorsDtype, ConvertedCheckpoint>> = {};
const cacheDir = () => path.join(root, 'cache');

/** Writes the single file and the diffusers folder of the same tensors. */
function writeBoth(dtype: SafetensorsDtype): { file: string; dir: string } {
  const tensors = buildLdmCheckpointTensors(CONFIG, 11, dtype);
  const file = path.join(root, `tiny-${dtype}.safetensors`);
  writeSafetensors(file, tensors);
  const dir = path.join(root, `tiny-${dtype}-diffusers`);
  writeDiffusersFolder(dir, { config: CONFIG, tensors });
  return { file, dir };
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pg-ldm-diffusers-'));
  pool = new SessionPool({ device: 'cpu' });
  for (const dtype of DTYPES) {
    const { file, dir } = writeBoth(dtype);
    single[dtype] = await convertLdmCheckpoint({ file, cacheDir: cacheDir() });
    folder[dtype] = await convertLdmCheckpoint({ file: dir, cacheDir: cacheDir() });
  }
}, 180_000);
afterAll(async () => {
  await pool?.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** Every converted weight of `part`, by key and layout, as bytes. */
function weights(c: ConvertedCheckpoint, part: 'unet' | 'vaeDecoder' | 'vaeEncoder' | 'textEncoder'): Map<string, Buffer> {
  const data = readFileSync(path.join(c.dir, c[part].data));
  return new Map(c[part].slots.map((s) => [`${s.key}|${s.layout}`, data.subarray(s.offset, s.offset + 4 * s.dims.reduce((a, b) => a * b, 1))]));
}

describe('the diffusers key table', () => {
  it('maps SD1.5 block positions both ways (UNet numbering, reversed VAE decoder levels, Linear VAE attention)', () => {
    const unet = unetRules({ layersPerBlock: 2, attention: [true, true, true, false] });
    const cases: [string, string][] = [
      ['down_blocks.1.resnets.1.time_emb_proj.weight', 'input_blocks.5.0.emb_layers.1.weight'],
      ['down_blocks.2.downsamplers.0.conv.bias', 'input_blocks.9.0.op.bias'],
      ['down_blocks.0.attentions.1.transformer_blocks.0.attn2.to_k.weight', 'input_blocks.2.1.transformer_blocks.0.attn2.to_k.weight'],
      ['mid_block.resnets.1.conv_shortcut.weight', 'middle_block.2.skip_connection.weight'],
      ['up_blocks.0.upsamplers.0.conv.weight', 'output_blocks.2.1.conv.weight'],
      ['up_blocks.1.upsamplers.0.conv.weight', 'output_blocks.5.2.conv.weight'],
      ['up_blocks.3.attentions.2.proj_out.weight', 'output_blocks.11.1.proj_out.weight'],
      ['time_embedding.linear_2.bias', 'time_embed.2.bias'],
      ['conv_in.weight', 'input_blocks.0.0.weight'],
      ['conv_norm_out.bias', 'out.0.bias'],
      ['conv_out.weight', 'out.2.weight'],
      ['down_blocks.3.resnets.1.norm1.weight', 'input_blocks.11.0.in_layers.0.weight'],
      ['down_blocks.3.resnets.1.conv1.weight', 'input_blocks.11.0.in_layers.2.weight'],
      ['down_blocks.3.resnets.1.norm2.bias', 'input_blocks.11.0.out_layers.0.bias'],
      ['down_blocks.3.resnets.1.conv2.weight', 'input_blocks.11.0.out_layers.3.weight'],
      ['mid_block.attentions.0.transformer_blocks.0.ff.net.0.proj.weight', 'middle_block.1.transformer_blocks.0.ff.net.0.proj.weight'],
      ['up_blocks.2.resnets.0.conv_shortcut.bias', 'output_blocks.6.0.skip_connection.bias'],
      ['up_blocks.2.upsamplers.0.conv.weight', 'output_blocks.8.2.conv.weight'],
    ];
    for (const [d, l] of cases) {
      expect(renameKey(d, unet, 'diffusers')?.key).toBe(l);
      expect(renameKey(l, unet, 'ldm')?.key).toBe(d);
    }
    const vae = vaeRules({ levels: 4, layersPerBlock: 2 });
    const vaeCases: [string, string][] = [
      ['encoder.down_blocks.0.resnets.1.norm1.weight', 'encoder.down.0.block.1.norm1.weight'],
      ['encoder.down_blocks.2.downsamplers.0.conv.weight', 'encoder.down.2.downsample.conv.weight'],
      ['encoder.conv_norm_out.weight', 'encoder.norm_out.weight'],
      ['encoder.mid_block.resnets.1.conv2.bias', 'encoder.mid.block_2.conv2.bias'],
      ['decoder.mid_block.attentions.0.group_norm.weight', 'decoder.mid.attn_1.norm.weight'],
      ['decoder.up_blocks.1.upsamplers.0.conv.weight', 'decoder.up.2.upsample.conv.weight'],
      ['decoder.up_blocks.3.resnets.0.conv_shortcut.weight', 'decoder.up.0.block.0.nin_shortcut.weight'],
      ['post_quant_conv.weight', 'post_quant_conv.weight'],
    ];
    for (const [d, l] of vaeCases) {
      expect(renameKey(d, vae, 'diffusers')?.key).toBe(l);
      expect(renameKey(l, vae, 'ldm')?.key).toBe(d);
    }
    expect(renameKey('decoder.up_blocks.0.resnets.2.conv_shortcut.weight', vae, 'diffusers')?.key).toBe('decoder.up.3.block.2.nin_shortcut.weight');
    expect(renameKey('encoder.mid_block.attentions.0.to_out.0.weight', vae, 'diffusers')).toEqual({ key: 'encoder.mid.attn_1.proj_out.weight', linearAsConv: true });
    expect(renameKey('encoder.mid_block.attentions.0.to_out.0.bias', vae, 'diffusers')).toEqual({ key: 'encoder.mid.attn_1.proj_out.bias', linearAsConv: false });
    expect(renameKey('decoder.mid_block.attentions.0.query.weight', vae, 'diffusers')?.key).toBe('decoder.mid.attn_1.q.weight');
    expect(renameKey('decoder.mid.attn_1.q.weight', vae, 'ldm')?.key).toBe('decoder.mid_block.attentions.0.to_q.weight');
    expect(renameKey('down_blocks.9.resnets.0.conv1.weight', unet, 'diffusers')).toBeUndefined();
  });
});

describe('a diffusers folder converts like the single file with the same weights', () => {
  it('writes the diffusers layout (VAE attention as Linear [c, c])', async () => {
    const { tensors } = await readSafetensorsHeader(path.join(root, 'tiny-F16-diffusers', 'vae', 'diffusion_pytorch_model.safetensors'));
    const ch = CONFIG.vae.levels.at(-1)!;
    expect(tensors['encoder.mid_block.attentions.0.to_q.weight']?.shape).toEqual([ch, ch]);
    expect(tensors['decoder.up_blocks.0.upsamplers.0.conv.weight']?.shape).toEqual([ch, ch, 3, 3]);
    expect(folder.F16!.dir).toMatch(/[/\\]diffusers-[0-9a-f]{24}-v\d+$/);
  });

  it.each(DTYPES)('%s: the converted weights are the single file\'s, bit for bit', (dtype) => {
    for (const part of ['unet', 'vaeDecoder', 'vaeEncoder', 'textEncoder'] as const) {
      const a = weights(single[dtype]!, part);
      const b = weights(folder[dtype]!, part);
      expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
      for (const [k, v] of a) expect(b.get(k)!.equals(v), `${part} ${k}`).toBe(true);
    }
  });

  it('gives identical UNet ε, VAE decode/encode and text hidden states (−1 and −2) through ONNX sessions', async () => {
    const x = goldenInputs();
    const both = async (f: (c: ConvertedCheckpoint) => Promise<Float32Array>) => [await f(single.F32!), await f(folder.F32!)] as const;
    const run = async (model: string, feeds: Parameters<ModelSession['run']>[0], out: string) => floatOutput(await (await pool.get(model)).run(feeds), out).data;
    const checks = {
      eps: await both((c) => run(c.unet.model, { sample: x.sample, timestep: x.timestep, encoder_hidden_states: x.context }, 'out_sample')),
      decoded: await both((c) => run(c.vaeDecoder.model, { latent_sample: x.latent }, 'sample')),
      encoded: await both((c) => run(c.vaeEncoder.model, { sample: x.image }, 'latent_parameters')),
      hiddenLast: await both((c) => run(c.textEncoder.model, { input_ids: x.inputIds }, 'last_hidden_state')),
      hiddenPenultimate: await both(async (c) => run(await textEncoderForLayer(c, -2), { input_ids: x.inputIds }, 'last_hidden_state')),
    };
    for (const [name, [a, b]] of Object.entries(checks)) {
      expect(a.length, name).toBeGreaterThan(0);
      expect(a.some((v) => v !== 0), name).toBe(true);
      expect(Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(Buffer.from(a.buffer, a.byteOffset, a.byteLength)), name).toBe(true);
    }
  }, 120_000);

  it('reuses its cache folder, keyed by the weights and configs', async () => {
    const dir = path.join(root, 'tiny-F16-diffusers');
    expect((await convertLdmCheckpoint({ file: dir, cacheDir: cacheDir() })).dir).toBe(folder.F16!.dir);
    expect(new Set(Object.values(folder).map((c) => c.dir)).size).toBe(3);
  });
});

describe('a broken diffusers folder fails naming the file', () => {
  const fresh = (name: string) => {
    const dir = path.join(root, name);
    writeDiffusersFolder(dir, { config: CONFIG, tensors: buildLdmCheckpointTensors(CONFIG, 11, 'F16') });
    return dir;
  };
  const convert = (dir: string) => convertLdmCheckpoint({ file: dir, cacheDir: cacheDir() });

  it('a missing unet/', async () => {
    const dir = fresh('no-unet');
    rmSync(path.join(dir, 'unet'), { recursive: true });
    await expect(convert(dir)).rejects.toThrow(/no-unet: not a usable diffusers folder: unet\/ is missing: expected unet\/diffusion_pytorch_model\.safetensors/);
  });

  it('.bin weights (out of scope)', async () => {
    const dir = fresh('pickle');
    unlinkSync(path.join(dir, 'vae', 'diffusion_pytorch_model.safetensors'));
    writeFileSync(path.join(dir, 'vae', 'diffusion_pytorch_model.bin'), 'pickle');
    await expect(convert(dir)).rejects.toThrow(/vae\/diffusion_pytorch_model\.bin is a PyTorch pickle: \.bin weights are not read \(out of scope\)/);
  });

  it('a missing key, named as the diffusers file and key', async () => {
    const tensors = buildLdmCheckpointTensors(CONFIG, 11, 'F16');
    delete tensors['model.diffusion_model.input_blocks.4.1.transformer_blocks.0.attn2.to_k.weight'];
    const dir = path.join(root, 'missing-key');
    writeDiffusersFolder(dir, { config: CONFIG, tensors });
    await expect(convert(dir)).rejects.toThrow(/missing-key[/\\]unet[/\\]diffusion_pytorch_model\.safetensors: tensor "down_blocks\.1\.attentions\.0\.transformer_blocks\.0\.attn2\.to_k\.weight" is missing/);
  });

  it('an SDXL config, and a config that does not fit the weights', async () => {
    const sdxl = fresh('sdxl');
    const configFile = path.join(sdxl, 'unet', 'config.json');
    writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), cross_attention_dim: 2048, addition_embed_type: 'text_time' }));
    await expect(convert(sdxl)).rejects.toThrow(/sdxl is an SDXL diffusers folder, not an SD1\.5 checkpoint/);
    const odd = fresh('odd-config');
    const oddConfig = path.join(odd, 'unet', 'config.json');
    writeFileSync(oddConfig, JSON.stringify({ ...JSON.parse(readFileSync(oddConfig, 'utf8')), down_block_types: ['DownBlock2D', 'CrossAttnDownBlock2D', 'CrossAttnDownBlock2D', 'DownBlock2D'] }));
    await expect(convert(odd)).rejects.toThrow(/odd-config[/\\]unet[/\\]diffusion_pytorch_model\.safetensors: \d+ tensors fit no position of the SD1\.5 UNet that unet[/\\]config\.json describes \(e\.g\. down_blocks\.0\.attentions/);
  });
});
