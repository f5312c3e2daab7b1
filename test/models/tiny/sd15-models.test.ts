import { beforeAll, describe, expect, it } from 'vitest';
import { fromHalfArray, toHalfArray } from '../../../models/onnx-builder/float16.js';
import { TINY_SD_TEXT_ENCODER_CONFIG, buildSdTextEncoder } from '../../../models/tiny/sd-text-encoder.js';
import { SD15_IP, TINY_UNET_CONFIG as U, type UnetConfig, buildUnet } from '../../../models/tiny/unet.js';
import { TINY_VAE_CONFIG, buildVaeDecoder, buildVaeEncoder } from '../../../models/tiny/vae.js';
import { buildTinyVocab } from '../../../models/tiny/vocab.js';
import { f32, i32, i64, ort, pattern, runOut, session, signature } from './ort-helpers.js';
import { maxAbsDiff } from '../../support/arrays.js';

const SEED = 5;
const vocab = buildTinyVocab();
const D = 768;

function change(a: Float32Array, b: Float32Array): number {
  return maxAbsDiff(a, b) / Math.max(...Array.from(a, Math.abs));
}

describe('buildSdTextEncoder', () => {
  it('has the diffusers signature and pools last_hidden_state at the first EOS', async () => {
    expect(TINY_SD_TEXT_ENCODER_CONFIG.vocabSize).toBe(vocab.size);
    const s = await session(buildSdTextEncoder(TINY_SD_TEXT_ENCODER_CONFIG, SEED));
    expect(signature(s.inputMetadata)).toEqual(['input_ids: int32 [batch,sequence]']);
    expect(signature(s.outputMetadata)).toEqual([`last_hidden_state: float32 [batch,sequence,${D}]`, `pooler_output: float32 [batch,${D}]`]);
    const ids = [vocab.bosId, vocab.vocab['good</w>']!, vocab.vocab['photo</w>']!, ...Array(74).fill(vocab.eosId)];
    const r = await s.run({ input_ids: i32(ids, [1, 77]) });
    const hidden = r.last_hidden_state!.data as Float32Array;
    expect(r.last_hidden_state!.dims).toEqual([1, 77, D]);
    expect(maxAbsDiff(r.pooler_output!.data as Float32Array, hidden.subarray(3 * D, 4 * D))).toBe(0);
  });

  it('has an int64 variant with the same weights', async () => {
    const s32 = await session(buildSdTextEncoder(TINY_SD_TEXT_ENCODER_CONFIG, SEED));
    const s64 = await session(buildSdTextEncoder({ ...TINY_SD_TEXT_ENCODER_CONFIG, idsType: 'int64' }, SEED));
    expect(signature(s64.inputMetadata)).toEqual(['input_ids: int64 [batch,sequence]']);
    const ids = [vocab.bosId, 10, 20, vocab.eosId];
    const a = await runOut(s32, { input_ids: i32(ids, [1, 4]) }, 'last_hidden_state');
    expect(maxAbsDiff(a, await runOut(s64, { input_ids: i64(ids, [1, 4]) }, 'last_hidden_state'))).toBe(0);
  });
});

describe('buildUnet', () => {
  const h = 8;
  const sample = f32(pattern(4 * h * h, 0.1), [1, 4, h, h]);
  const ts = i64([500], [1]);
  const ehs = (seq: number, phase = 0) => pattern(seq * D, phase);
  let unet: ort.InferenceSession;
  const run = (ctx: Float32Array, seq: number, t = ts) =>
    runOut(unet, { sample, timestep: t, encoder_hidden_states: f32(ctx, [1, seq, D]) }, 'out_sample');
  beforeAll(async () => {
    unet = await session(buildUnet(U, SEED));
  });

  it('has the UNet signature with an int64 [1] timestep and a dynamic sequence', async () => {
    expect(signature(unet.inputMetadata)).toEqual([
      'sample: float32 [batch,4,height,width]',
      'timestep: int64 [1]',
      `encoder_hidden_states: float32 [batch,sequence,${D}]`,
    ]);
    expect(signature(unet.outputMetadata)).toEqual(['out_sample: float32 [batch,4,height,width]']);
    const r = await unet.run({ sample, timestep: ts, encoder_hidden_states: f32(ehs(154), [1, 154, D]) });
    expect(r.out_sample!.dims).toEqual([1, 4, h, h]);
  });

  it('changes when any single one of the 77 text tokens changes (cross-attention over every token)', async () => {
    const base = ehs(77);
    const ref = await run(base, 77);
    for (let tok = 0; tok < 77; tok++) {
      const ctx = base.slice();
      for (let j = 0; j < D; j++) ctx[tok * D + j] = -ctx[tok * D + j]!;
      expect(change(ref, await run(ctx, 77)), `token ${tok}`).toBeGreaterThan(1e-3);
    }
  });

  it('depends on the timestep', async () => {
    const ctx = ehs(77);
    expect(change(await run(ctx, 77), await run(ctx, 77, i64([20], [1])))).toBeGreaterThan(0.01);
  });

  it.each([
    ['float32', 'timestep: float32 [1]', (t: number) => f32([t], [1])],
    ['float32-scalar', 'timestep: float32 []', (t: number) => f32([t], [])],
  ] as const)('has a %s timestep variant with the same weights', async (kind, sig, tensor) => {
    const s = await session(buildUnet({ ...U, timestep: kind } as UnetConfig, SEED));
    expect(signature(s.inputMetadata)[1]).toBe(sig);
    const ctx = f32(ehs(77), [1, 77, D]);
    const out = await runOut(s, { sample, timestep: tensor(500), encoder_hidden_states: ctx }, 'out_sample');
    expect(maxAbsDiff(out, await run(ehs(77), 77))).toBeLessThan(1e-5);
  });
});

describe('buildUnet with the IP branch', () => {
  const h = 8;
  const sample = f32(pattern(4 * h * h, 0.2), [1, 4, h, h]);
  const ts = i64([700], [1]);
  const text = pattern(77 * D, 1);
  const withIp = (ip: Float32Array) => {
    const ctx = new Float32Array(81 * D);
    ctx.set(text);
    ctx.set(ip, 77 * D);
    return f32(ctx, [1, 81, D]);
  };
  const ipA = pattern(4 * D, 2);
  const ipB = pattern(4 * D, 3);
  let ipUnet: ort.InferenceSession;
  const run = (ip: Float32Array, scales: number[]) =>
    runOut(ipUnet, { sample, timestep: ts, encoder_hidden_states: withIp(ip), ipadapter_scale: f32(scales, [16]) }, 'out_sample');
  beforeAll(async () => {
    ipUnet = await session(buildUnet({ ...U, ip: SD15_IP }, SEED));
  });

  it('has the StreamDiffusion-style signature', () => {
    expect(signature(ipUnet.inputMetadata)).toEqual([
      'sample: float32 [batch,4,height,width]',
      'timestep: int64 [1]',
      `encoder_hidden_states: float32 [batch,sequence,${D}]`,
      'ipadapter_scale: float32 [16]',
    ]);
  });

  it('ignores the IP tokens at scale 0 and then equals the plain UNet on the text tokens', async () => {
    const zero = Array(16).fill(0);
    const a = await run(ipA, zero);
    expect(maxAbsDiff(a, await run(ipB, zero))).toBe(0);
    const plain = await session(buildUnet(U, SEED));
    const ref = await runOut(plain, { sample, timestep: ts, encoder_hidden_states: f32(text, [1, 77, D]) }, 'out_sample');
    expect(maxAbsDiff(a, ref)).toBeLessThan(1e-5);
  });

  it('changes with the scale and, at scale 1, with the IP tokens', async () => {
    const one = Array(16).fill(1);
    const a = await run(ipA, one);
    expect(change(a, await run(ipA, Array(16).fill(0)))).toBeGreaterThan(0.01);
    expect(change(a, await run(ipA, Array(16).fill(0.5)))).toBeGreaterThan(0.005);
    expect(change(a, await run(ipB, one))).toBeGreaterThan(0.01);
  });

  it('uses every entry of ipadapter_scale', async () => {
    const a = await run(ipA, Array(16).fill(1));
    for (let i = 0; i < 16; i++) {
      const scales = Array(16).fill(1);
      scales[i] = 0;
      expect(change(a, await run(ipA, scales)), `scale[${i}]`).toBeGreaterThan(1e-3);
    }
  });

  it('softmaxes over the last 4 tokens only: changing a text token still matters at scale 1', async () => {
    const a = await run(ipA, Array(16).fill(1));
    const ctx = withIp(ipA);
    (ctx.data as Float32Array)[5 * D + 3] += 5;
    const b = await runOut(ipUnet, { sample, timestep: ts, encoder_hidden_states: ctx, ipadapter_scale: f32(Array(16).fill(1), [16]) }, 'out_sample');
    expect(change(a, b)).toBeGreaterThan(1e-5);
  });
});

describe('buildVaeDecoder / buildVaeEncoder', () => {
  it('decodes [B,4,h,w] to [B,3,8h,8w] and every latent channel matters', async () => {
    const s = await session(buildVaeDecoder(TINY_VAE_CONFIG, SEED));
    expect(signature(s.inputMetadata)).toEqual(['latent_sample: float32 [batch,4,height,width]']);
    expect(signature(s.outputMetadata)).toEqual(['sample: float32 [batch,3,height_out,width_out]']);
    const z = pattern(2 * 4 * 4 * 6, 0.5);
    const r = await s.run({ latent_sample: f32(z, [2, 4, 4, 6]) });
    expect(r.sample!.dims).toEqual([2, 3, 32, 48]);
    const ref = r.sample!.data as Float32Array;
    for (let c = 0; c < 4; c++) {
      const z2 = z.slice();
      z2[c * 24 + 7] += 1;
      expect(change(ref, await runOut(s, { latent_sample: f32(z2, [2, 4, 4, 6]) }, 'sample')), `channel ${c}`).toBeGreaterThan(1e-3);
    }
  });

  it('encodes [B,3,H,W] to latent_sample [B,4,H/8,W/8] or latent_parameters [B,8,H/8,W/8]', async () => {
    const x = f32(pattern(3 * 64 * 48, 0.7), [1, 3, 64, 48]);
    const enc = await session(buildVaeEncoder(TINY_VAE_CONFIG, SEED));
    expect(signature(enc.inputMetadata)).toEqual(['sample: float32 [batch,3,height,width]']);
    expect((await enc.run({ sample: x })).latent_sample!.dims).toEqual([1, 4, 8, 6]);
    const params = await session(buildVaeEncoder({ ...TINY_VAE_CONFIG, encoderOutput: 'latent_parameters' }, SEED));
    expect(signature(params.outputMetadata)).toEqual(['latent_parameters: float32 [batch,8,height_latent,width_latent]']);
    expect((await params.run({ sample: x })).latent_parameters!.dims).toEqual([1, 8, 8, 6]);
  });
});

describe('float16 builds', () => {
  it('declare float16 I/O (the float timestep too, int64 stays int64) and match float32 within fp16 precision', async () => {
    const cfg: UnetConfig = { ...U, timestep: 'float32', ip: SD15_IP };
    const s16 = await session(buildUnet(cfg, SEED, { precision: 'float16' }));
    expect(signature(s16.inputMetadata)).toEqual([
      'sample: float16 [batch,4,height,width]',
      'timestep: float16 [1]',
      `encoder_hidden_states: float16 [batch,sequence,${D}]`,
      'ipadapter_scale: float16 [16]',
    ]);
    expect(signature(s16.outputMetadata)).toEqual(['out_sample: float16 [batch,4,height,width]']);
    const x = pattern(4 * 64, 0.4);
    const ctx = pattern(81 * D, 0.9);
    const scales = new Float32Array(16).fill(0.7);
    const half = (a: Float32Array, dims: number[]) => new ort.Tensor('float16', toHalfArray(a), dims);
    const r = await s16.run({ sample: half(x, [1, 4, 8, 8]), timestep: half(Float32Array.of(300), [1]), encoder_hidden_states: half(ctx, [1, 81, D]), ipadapter_scale: half(scales, [16]) });
    const s32 = await session(buildUnet(cfg, SEED));
    const ref = await runOut(s32, { sample: f32(x, [1, 4, 8, 8]), timestep: f32([300], [1]), encoder_hidden_states: f32(ctx, [1, 81, D]), ipadapter_scale: f32(scales, [16]) }, 'out_sample');
    expect(change(ref, fromHalfArray(r.out_sample!.data as Uint16Array))).toBeLessThan(0.03);
    const int = await session(buildSdTextEncoder(TINY_SD_TEXT_ENCODER_CONFIG, SEED, { precision: 'float16' }));
    expect(signature(int.inputMetadata)).toEqual(['input_ids: int32 [batch,sequence]']);
    expect(signature(int.outputMetadata)[0]).toBe(`last_hidden_state: float16 [batch,sequence,${D}]`);
  });
});
