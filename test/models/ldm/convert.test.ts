/**
 * convertLdmCheckpoint on tiny checkpoints in the real key layout: the graphs run in the session pool with the
 * export signatures, the data files hold the stored weights (F32, F16 and BF16 sources), and a second call
 * reuses the cache folder without writing.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertLdmCheckpoint, textEncoderForLayer, type ConvertedCheckpoint } from '../../../models/ldm/convert.js';
import { floatOutput } from '../../../models/onnx/tensor-types.js';
import { SessionPool } from '../../../models/onnx/session-pool.js';
import { openSafetensors } from '../../../models/safetensors/read.js';
import { writeSafetensors } from '../../../models/safetensors/write.js';
import { TINY_LDM_CONFIG, buildLdmCheckpointTensors } from '../../../models/tiny/ldm-checkpoint.js';

let root: string;
let pool: SessionPool;
const files: Record<string, string> = {};
const converted: Record<string, ConvertedCheckpoint> = {};

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pg-ldm-'));
  pool = new SessionPool({ device: 'cpu' });
  for (const dtype of ['F16', 'BF16', 'F32'] as const) {
    files[dtype] = path.join(root, `tiny-${dtype}.safetensors`);
    writeSafetensors(files[dtype], buildLdmCheckpointTensors(TINY_LDM_CONFIG, 7, dtype));
    converted[dtype] = await convertLdmCheckpoint({ file: files[dtype], cacheDir: path.join(root, 'cache') });
  }
}, 120_000);
afterAll(async () => {
  await pool?.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** The values of `key` as the data file of `part` holds them. */
function stored(c: ConvertedCheckpoint, part: 'unet' | 'vaeDecoder', key: string): { data: Float32Array; layout: string } {
  const slot = c[part].slots.find((s) => s.key === key)!;
  const bytes = readFileSync(path.join(c.dir, c[part].data));
  const n = slot.dims.reduce((a, b) => a * b, 1);
  return { data: new Float32Array(bytes.buffer.slice(bytes.byteOffset + slot.offset, bytes.byteOffset + slot.offset + 4 * n)), layout: slot.layout };
}

describe('convertLdmCheckpoint', () => {
  it('writes the stored weights of F16, BF16 and F32 files (Linear weights transposed)', async () => {
    for (const dtype of ['F16', 'BF16', 'F32'] as const) {
      const src = await openSafetensors(files[dtype]!);
      const conv = 'model.diffusion_model.input_blocks.1.0.in_layers.2.weight';
      expect(stored(converted[dtype]!, 'unet', conv).data).toEqual(await src.read(conv));
      const lin = 'model.diffusion_model.time_embed.0.weight';
      const [out, inDim] = src.tensors[lin]!.shape as [number, number];
      const w = await src.read(lin);
      const t = stored(converted[dtype]!, 'unet', lin);
      expect(t.layout).toBe('linear');
      expect(t.data[3 * out + 5]).toBe(w[5 * inDim + 3]);
      await src.close();
    }
  });

  it('builds graphs with the export signatures that the pool runs', async () => {
    const c = converted.F32!;
    const unet = await pool.get(c.unet.model);
    const eps = floatOutput(await unet.run({
      sample: { data: new Float32Array(2 * 4 * 8 * 8).fill(0.2), dims: [2, 4, 8, 8] },
      timestep: { data: Float32Array.of(999), dims: [1] },
      encoder_hidden_states: { data: new Float32Array(2 * 77 * 768).fill(0.1), dims: [2, 77, 768] },
    }), 'out_sample');
    expect(eps.dims).toEqual([2, 4, 8, 8]);
    expect(eps.data.every(Number.isFinite)).toBe(true);
    const dec = await pool.get(c.vaeDecoder.model);
    const img = floatOutput(await dec.run({ latent_sample: { data: new Float32Array(4 * 8 * 8).fill(0.5), dims: [1, 4, 8, 8] } }), 'sample');
    expect(img.dims).toEqual([1, 3, 64, 64]);
    const enc = await pool.get(c.vaeEncoder.model);
    const lat = floatOutput(await enc.run({ sample: { data: new Float32Array(3 * 64 * 64).fill(0.1), dims: [1, 3, 64, 64] } }), 'latent_parameters');
    expect(lat.dims).toEqual([1, 8, 8, 8]);
    const te = await pool.get(c.textEncoder.model);
    const ids = Int32Array.from({ length: 77 }, (_, i) => (i === 0 ? 1116 : i < 5 ? 10 + i : 1117));
    const hidden = floatOutput(await te.run({ input_ids: { data: ids, dims: [1, 77] } }), 'last_hidden_state');
    expect(hidden.dims).toEqual([1, 77, 768]);
  }, 60_000);

  it('reuses the cache folder on a second call, and keys it by content', async () => {
    const before = statSync(path.join(converted.F16!.dir, 'unet.onnx.data')).mtimeMs;
    const again = await convertLdmCheckpoint({ file: files.F16!, cacheDir: path.join(root, 'cache') });
    expect(again.dir).toBe(converted.F16!.dir);
    expect(statSync(path.join(again.dir, 'unet.onnx.data')).mtimeMs).toBe(before);
    expect(new Set(Object.values(converted).map((c) => c.dir)).size).toBe(3);
  });

  it('builds other stop_at_clip_layer graphs over the same data file', async () => {
    const c = converted.F32!;
    expect(c.textLayers).toBe(TINY_LDM_CONFIG.text.layers);
    await expect(textEncoderForLayer(c, -2)).rejects.toThrow(/outside −1 … −1/);
    expect(await textEncoderForLayer(c, -1)).toBe(c.textEncoder.model);
  });
});
