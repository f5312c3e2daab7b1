/**
 * IP-Adapter in the built UNet against public reference code (test/fixtures/ldm/README.md, `ip-golden.json`):
 * the golden checkpoint's UNet with an adapter in the ip-adapter_sd15 layout applied in all 16 attn2 layers at
 * 16 different scales, end to end from the image embeddings — the image tokens of IP-Adapter's ImageProjModel and
 * ε of CompVis' UNetModel whose attn2 layers run IP-Adapter's IPAttnProcessor — each to ≤ 1e-4 relative in fp32.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertLdmCheckpoint } from '../../../models/ldm/convert.js';
import { ensureIpUnet } from '../../../models/ldm/ip-unet.js';
import { ensureProjectionModel, projectImageEmbeds } from '../../../models/ip-adapter/projection.js';
import { loadIpAdapterWeights } from '../../../models/ip-adapter/weights.js';
import { SessionPool } from '../../../models/onnx/session-pool.js';
import { floatOutput } from '../../../models/onnx/tensor-types.js';
import { writeSafetensors } from '../../../models/safetensors/write.js';
import type { FloatTensor } from '../../../models/tensors.js';
import { buildIpAdapterTensors, ipAdapterMetadata } from '../../../models/tiny/ip-adapter.js';
import { buildLdmCheckpointTensors } from '../../../models/tiny/ldm-checkpoint.js';
import { GOLDEN_IP_ADAPTER_CONFIG, GOLDEN_IP_SEED, GOLDEN_LDM_CONFIG, GOLDEN_SEED, goldenInputs, goldenIpInputs } from './golden-config.js';
import { GOLDEN_TOLERANCE, goldenOutput, inputSha256, readGoldenFixture, relativeError, sha256 } from './golden-fixture.js';

const fixture = readGoldenFixture('ip-golden.json');
const { sample, timestep, context } = goldenInputs();
const { imageEmbeds, scales } = goldenIpInputs();

let root: string;
let pool: SessionPool;
let checkpoint: string;
let adapterFile: string;
let ipUnet: string;
let tokens: FloatTensor;
beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pg-ldm-ip-golden-'));
  pool = new SessionPool({ device: 'cpu' });
  checkpoint = path.join(root, 'golden.safetensors');
  adapterFile = path.join(root, 'golden-ip-adapter.safetensors');
  writeSafetensors(checkpoint, buildLdmCheckpointTensors(GOLDEN_LDM_CONFIG, GOLDEN_SEED, 'F32'));
  writeSafetensors(adapterFile, buildIpAdapterTensors(GOLDEN_IP_ADAPTER_CONFIG, GOLDEN_IP_SEED, 'F32'), ipAdapterMetadata(GOLDEN_IP_ADAPTER_CONFIG, GOLDEN_IP_SEED));
  const conv = await convertLdmCheckpoint({ file: checkpoint, cacheDir: path.join(root, 'cache') });
  ipUnet = await ensureIpUnet({ conversionDir: conv.dir, adapterFile, tokens: GOLDEN_IP_ADAPTER_CONFIG.tokens });
  const adapter = await loadIpAdapterWeights(adapterFile);
  tokens = await projectImageEmbeds({ sessions: pool, modelFile: ensureProjectionModel(adapter, path.join(root, 'cache')), embeds: imageEmbeds });
}, 120_000);
afterAll(async () => {
  await pool?.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** ε of the IP UNet: text context with our image tokens appended, as the samplers feed it. */
async function ipEps(layerScales: Float32Array): Promise<Float32Array> {
  const [batch, textLen, width] = context.dims as [number, number, number];
  const n = tokens.dims[1]!;
  const ctx = new Float32Array(batch * (textLen + n) * width);
  for (let b = 0; b < batch; b++) {
    ctx.set(context.data.subarray(b * textLen * width, (b + 1) * textLen * width), b * (textLen + n) * width);
    ctx.set(tokens.data.subarray(b * n * width, (b + 1) * n * width), (b * (textLen + n) + textLen) * width);
  }
  const s = await pool.get(ipUnet);
  const out = await s.run({ sample, timestep, encoder_hidden_states: { dims: [batch, textLen + n, width], data: ctx }, ipadapter_scale: { dims: [16], data: layerScales } });
  const eps = floatOutput(out, 'out_sample');
  expect(eps.dims).toEqual(goldenOutput(fixture, 'eps').dims);
  return eps.data;
}

describe('IP-Adapter in the built UNet against IP-Adapter\'s reference code', () => {
  it('feeds the checkpoint, adapter and inputs the reference ran on', () => {
    expect(sha256(readFileSync(checkpoint))).toBe(fixture.checkpointSha256);
    expect(sha256(readFileSync(adapterFile))).toBe(fixture.adapterSha256);
    const all = { sample, timestep, context, imageEmbeds, scales };
    for (const [name, t] of Object.entries(all)) expect(inputSha256(t.data), name).toBe(fixture.inputsSha256[name]);
  });

  it('image tokens match ImageProjModel (Linear → 4 × 768, LayerNorm)', () => {
    const ref = goldenOutput(fixture, 'imageTokens');
    expect(tokens.dims).toEqual(ref.dims);
    expect(relativeError(tokens.data, ref.data)).toBeLessThan(GOLDEN_TOLERANCE);
  });

  it('ε with 16 per-layer scales matches UNetModel with IPAttnProcessor in every attn2', async () => {
    const ref = goldenOutput(fixture, 'eps').data;
    expect(relativeError(await ipEps(scales.data), ref)).toBeLessThan(GOLDEN_TOLERANCE);
  }, 60_000);

  it('misses the reference when two layers\' scales are swapped or a layer\'s scale is dropped', async () => {
    const ref = goldenOutput(fixture, 'eps').data;
    for (const [i, j] of [[0, 15], [5, 6]] as const) {
      const swapped = Float32Array.from(scales.data);
      [swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!];
      expect(relativeError(await ipEps(swapped), ref), `swap ${i} ↔ ${j}`).toBeGreaterThan(10 * GOLDEN_TOLERANCE);
    }
    const dropped = Float32Array.from(scales.data);
    dropped[9] = 1;
    expect(relativeError(await ipEps(dropped), ref), 'layer 9 at scale 1').toBeGreaterThan(10 * GOLDEN_TOLERANCE);
  }, 60_000);
});
