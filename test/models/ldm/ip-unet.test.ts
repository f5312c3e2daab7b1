/**
 * ensureIpUnet: the tiny single-file checkpoint's UNet rebuilt with the tiny adapter's decoupled cross-attention.
 * At scale 0 it equals the plain UNet (the image tokens are ignored), each of the 16 scales acts on its own layer,
 * the graph is built once per adapter, and an adapter whose widths do not fit is refused naming the tensor.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertLdmCheckpoint, type ConvertedCheckpoint } from '../../../models/ldm/convert.js';
import { ensureIpUnet } from '../../../models/ldm/ip-unet.js';
import { SessionPool } from '../../../models/onnx/session-pool.js';
import { floatOutput } from '../../../models/onnx/tensor-types.js';
import { openSafetensors } from '../../../models/safetensors/read.js';
import type { SafetensorsTensorInput } from '../../../models/safetensors/write.js';
import { writeDiffusersFolder } from '../../../models/tiny/diffusers-folder.js';
import { TINY_LDM_CONFIG } from '../../../models/tiny/ldm-checkpoint.js';
import { ensureTinyModels, type TinyModelPaths } from '../../../models/tiny/setup.js';
import { maxAbsDiff, pseudoRandom } from '../../support/arrays.js';

let root: string;
let tiny: TinyModelPaths;
let pool: SessionPool;
let conv: ConvertedCheckpoint;
beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pg-ldm-ip-'));
  tiny = ensureTinyModels(path.join(root, 'models'));
  pool = new SessionPool({ device: 'cpu' });
  conv = await convertLdmCheckpoint({ file: tiny.ldmCheckpoint, cacheDir: path.join(root, 'cache') });
}, 120_000);
afterAll(async () => {
  await pool?.dispose();
  rmSync(root, { recursive: true, force: true });
});

const sample = { data: pseudoRandom(4 * 8 * 8, 3), dims: [1, 4, 8, 8] };
const timestep = { data: Float32Array.of(600), dims: [1] };
const text = pseudoRandom(77 * 768, 5).map((v) => v * 0.5);
const image = pseudoRandom(4 * 768, 6);
const context = { data: Float32Array.from([...text, ...image]), dims: [1, 81, 768] };

async function ipEps(file: string, scales: number[]): Promise<Float32Array> {
  const s = await pool.get(file);
  const out = await s.run({ sample, timestep, encoder_hidden_states: context, ipadapter_scale: { data: Float32Array.from(scales), dims: [16] } });
  return floatOutput(out, 'out_sample').data;
}

describe('ensureIpUnet', () => {
  it('equals the plain UNet at scale 0; every layer scale changes ε', async () => {
    const file = await ensureIpUnet({ conversionDir: conv.dir, adapterFile: tiny.ipAdapterLdm, tokens: 4 });
    const plain = floatOutput(await (await pool.get(conv.unet.model)).run({ sample, timestep, encoder_hidden_states: { data: text, dims: [1, 77, 768] } }), 'out_sample').data;
    const off = await ipEps(file, new Array(16).fill(0));
    expect(maxAbsDiff(off, plain)).toBeLessThan(1e-5);
    const on = await ipEps(file, new Array(16).fill(1));
    expect(maxAbsDiff(on, plain)).toBeGreaterThan(1e-3);
    for (const layer of [0, 7, 15]) {
      const one = new Array(16).fill(0);
      one[layer] = 1;
      expect(maxAbsDiff(await ipEps(file, one), plain), `layer ${layer}`).toBeGreaterThan(1e-5);
    }
  }, 120_000);

  it('builds once per adapter', async () => {
    const a = await ensureIpUnet({ conversionDir: conv.dir, adapterFile: tiny.ipAdapterLdm, tokens: 4 });
    const before = statSync(a).mtimeMs;
    expect(await ensureIpUnet({ conversionDir: conv.dir, adapterFile: tiny.ipAdapterLdm, tokens: 4 })).toBe(a);
    expect(statSync(a).mtimeMs).toBe(before);
  });

  it('refuses an adapter whose layer widths do not fit, naming the tensor', async () => {
    await expect(ensureIpUnet({ conversionDir: conv.dir, adapterFile: tiny.ipAdapter, tokens: 4 }))
      .rejects.toThrow(/tiny-ip-adapter_sd15\.safetensors: tensor "ip_adapter\.\d+\.to_k_ip\.weight" is \[32, 768\] but .* needs \[64, 768\]/);
  });

  it('builds the IP UNet of a diffusers folder too, equal to the single file’s with the same weights', async () => {
    const file = await openSafetensors(tiny.ldmCheckpoint);
    const tensors: Record<string, SafetensorsTensorInput> = {};
    for (const [key, t] of Object.entries(file.tensors)) tensors[key] = { dtype: 'F32', shape: [...t.shape], data: await file.read(key) };
    await file.close();
    const dir = path.join(root, 'diffusers-tiny');
    writeDiffusersFolder(dir, { config: { ...TINY_LDM_CONFIG, text: { ...TINY_LDM_CONFIG.text, vocabSize: tensors['cond_stage_model.transformer.text_model.embeddings.token_embedding.weight']!.shape[0]! } }, tensors });
    const folder = await convertLdmCheckpoint({ file: dir, cacheDir: path.join(root, 'cache') });
    const scales = Array.from({ length: 16 }, (_, i) => 0.1 + i * 0.05);
    const fromFolder = await ipEps(await ensureIpUnet({ conversionDir: folder.dir, adapterFile: tiny.ipAdapterLdm, tokens: 4 }), scales);
    const fromFile = await ipEps(await ensureIpUnet({ conversionDir: conv.dir, adapterFile: tiny.ipAdapterLdm, tokens: 4 }), scales);
    expect(maxAbsDiff(fromFolder, fromFile)).toBe(0);
  }, 120_000);
});
