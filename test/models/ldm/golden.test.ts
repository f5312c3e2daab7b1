/**
 * The converted graphs against public reference implementations (test/fixtures/ldm/README.md): UNet ε, VAE
 * decode and encode, CLIP text hidden states at stop_at_clip_layer −1 and −2, each to ≤ 1e-4 relative to the
 * reference's largest magnitude, in fp32.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertLdmCheckpoint, textEncoderForLayer, type ConvertedCheckpoint } from '../../../models/ldm/convert.js';
import type { ModelSession } from '../../../models/onnx/model-session.js';
import { SessionPool } from '../../../models/onnx/session-pool.js';
import { floatOutput } from '../../../models/onnx/tensor-types.js';
import { writeSafetensors } from '../../../models/safetensors/write.js';
import { buildLdmCheckpointTensors } from '../../../models/tiny/ldm-checkpoint.js';
import { GOLDEN_LDM_CONFIG, GOLDEN_SEED, goldenInputs } from './golden-config.js';
import { GOLDEN_TOLERANCE, goldenOutput, inputSha256, readGoldenFixture, relativeError, sha256 } from './golden-fixture.js';

const fixture = readGoldenFixture('golden.json');
const inputs = goldenInputs();
const TOLERANCE = GOLDEN_TOLERANCE;
const reference = (name: string) => goldenOutput(fixture, name);

let root: string;
let pool: SessionPool;
let conv: ConvertedCheckpoint;
let file: string;
beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pg-ldm-golden-'));
  pool = new SessionPool({ device: 'cpu' });
  file = path.join(root, 'golden.safetensors');
  writeSafetensors(file, buildLdmCheckpointTensors(GOLDEN_LDM_CONFIG, GOLDEN_SEED, 'F32'));
  conv = await convertLdmCheckpoint({ file, cacheDir: path.join(root, 'cache') });
}, 120_000);
afterAll(async () => {
  await pool?.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('LDM graphs against the reference implementations', () => {
  it('feeds the checkpoint and inputs the reference ran on', () => {
    expect(sha256(readFileSync(file))).toBe(fixture.checkpointSha256);
    for (const [name, t] of Object.entries(inputs)) expect(inputSha256(t.data as ArrayLike<number>), name).toBe(fixture.inputsSha256[name]);
  });

  it('UNet ε matches UNetModel', async () => {
    const s = await pool.get(conv.unet.model);
    const eps = floatOutput(await s.run({ sample: inputs.sample, timestep: inputs.timestep, encoder_hidden_states: inputs.context }), 'out_sample');
    const ref = reference('eps');
    expect(eps.dims).toEqual(ref.dims);
    expect(relativeError(eps.data, ref.data)).toBeLessThan(TOLERANCE);
  }, 60_000);

  it('VAE decode and encode match Decoder(post_quant_conv) and quant_conv(Encoder)', async () => {
    const dec = floatOutput(await (await pool.get(conv.vaeDecoder.model)).run({ latent_sample: inputs.latent }), 'sample');
    expect(dec.dims).toEqual(reference('decoded').dims);
    expect(relativeError(dec.data, reference('decoded').data)).toBeLessThan(TOLERANCE);
    const enc = floatOutput(await (await pool.get(conv.vaeEncoder.model)).run({ sample: inputs.image }), 'latent_parameters');
    expect(enc.dims).toEqual(reference('moments').dims);
    expect(relativeError(enc.data, reference('moments').data)).toBeLessThan(TOLERANCE);
  }, 60_000);

  async function text(session: ModelSession) {
    const out = await session.run({ input_ids: inputs.inputIds });
    const hidden = floatOutput(out, 'last_hidden_state');
    return { first8: hidden.data.subarray(0, 8 * hidden.dims[2]!), pooled: floatOutput(out, 'pooler_output').data };
  }

  it('text hidden states at stop_at_clip_layer −1 and −2 match CLIP Transformer + ln_final', async () => {
    const last = await text(await pool.get(conv.textEncoder.model));
    expect(relativeError(last.first8, reference('hiddenLast').data)).toBeLessThan(TOLERANCE);
    expect(relativeError(last.pooled, reference('pooledLast').data)).toBeLessThan(TOLERANCE);
    const pen = await text(await pool.get(await textEncoderForLayer(conv, -2)));
    expect(relativeError(pen.first8, reference('hiddenPenultimate').data)).toBeLessThan(TOLERANCE);
    // ComfyUI pools from the last layer whatever the stop layer (comfy/clip_model.py).
    expect(relativeError(pen.pooled, reference('pooledLast').data)).toBeLessThan(TOLERANCE);
    expect(relativeError(pen.first8, last.first8)).toBeGreaterThan(1e-2);
  }, 60_000);
});
