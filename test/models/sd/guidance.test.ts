/**
 * Classifier-free guidance on the tiny UNet, checked against expectations computed here from raw `session.run`
 * calls (not through SdUnet): batch order, the two-call fallback, cfg = 1, timestep dtype variants and the
 * IP-Adapter feed.
 */
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSession } from '../../../models/onnx/model-session.js';
import { floatOutput } from '../../../models/onnx/tensor-types.js';
import { createGuidance } from '../../../models/sd/guidance.js';
import { modelSamplingFor } from '../../../models/sd/model-sampling.js';
import { unetFor } from '../../../models/sd/sample.js';
import type { Conditioning, IpAdapterPatch } from '../../../models/sd/types.js';
import { SdUnet } from '../../../models/sd/unet.js';
import { sigmaFromT } from '../../../models/sampling/sigmas.js';
import type { FloatTensor } from '../../../models/tensors.js';
import { TINY_DEFAULT_SEED } from '../../../models/tiny/setup.js';
import { TINY_UNET_CONFIG, buildUnet } from '../../../models/tiny/unet.js';
import { createSdFixture, type SdFixture } from './sd-fixture.js';
import { maxAbsDiff, pseudoRandom } from '../../support/arrays.js';

let fx: SdFixture;
beforeAll(() => {
  fx = createSdFixture();
});
afterAll(() => fx?.close());

const dims = [1, 4, 8, 8];
const x: FloatTensor = { data: pseudoRandom(256, 7), dims };
const ctx = (seed: number): FloatTensor => ({ data: pseudoRandom(77 * 768, seed).map((v) => v * 0.5), dims: [1, 77, 768] });
const pos: Conditioning = [{ embeds: ctx(11) }];
const neg: Conditioning = [{ embeds: ctx(12) }];
const T = 500;

async function raw(session: ModelSession, context: FloatTensor, extra: Record<string, FloatTensor> = {}): Promise<Float32Array> {
  const out = await session.run({ sample: x, timestep: { data: BigInt64Array.of(BigInt(T)), dims: [1] }, encoder_hidden_states: context, ...extra });
  return floatOutput(out, 'out_sample').data;
}

function runsOf(file: string): number {
  return fx.models.pool.stats().sessions.find((s) => s.file === file)?.runs ?? 0;
}

async function guided(o: { positive: Conditioning; negative: Conditioning; cfg: number; batching?: 'auto' | 'never'; ip?: IpAdapterPatch; sigma?: number }) {
  const unet = await unetFor(fx.models.pool, { ...fx.ckpt.model, ipAdapter: o.ip });
  const g = createGuidance({ unet, ...o, batch: 1, modelSampling: modelSamplingFor({}), ipAdapter: o.ip });
  const before = runsOf(unet.session.file);
  const eps = await g.eps(x, T, o.sigma ?? 1);
  return { eps, runs: runsOf(unet.session.file) - before };
}

describe('createGuidance (CFG)', () => {
  it('batches [uncond; cond] in one call and applies ε_u + g·(ε_c − ε_u)', async () => {
    const session = await fx.models.pool.get(fx.ckpt.model.unetPath);
    const u = await raw(session, neg[0]!.embeds);
    const c = await raw(session, pos[0]!.embeds);
    const g = 6;
    const { eps, runs } = await guided({ positive: pos, negative: neg, cfg: g });
    expect(runs).toBe(1);
    const expected = u.map((uv, i) => uv + g * (c[i]! - uv));
    expect(maxAbsDiff(eps, expected)).toBeLessThan(1e-4);
    expect(maxAbsDiff(u, c)).toBeGreaterThan(1e-3); // the prompts really differ
  });

  it('swapping positive and negative moves the output by (2g − 1)·(ε_u − ε_c)', async () => {
    const session = await fx.models.pool.get(fx.ckpt.model.unetPath);
    const u = await raw(session, neg[0]!.embeds);
    const c = await raw(session, pos[0]!.embeds);
    const g = 4;
    const straight = (await guided({ positive: pos, negative: neg, cfg: g })).eps;
    const swapped = (await guided({ positive: neg, negative: pos, cfg: g })).eps;
    const delta = swapped.map((v, i) => v - straight[i]!);
    const predicted = u.map((uv, i) => (2 * g - 1) * (uv - c[i]!));
    expect(maxAbsDiff(delta, predicted)).toBeLessThan(1e-3);
    const dot = delta.reduce((s, d, i) => s + d * (u[i]! - c[i]!), 0);
    expect(dot).toBeGreaterThan(0); // toward the (former) negative prompt
  });

  it('makes two calls when batching is off, with the same result', async () => {
    const batched = await guided({ positive: pos, negative: neg, cfg: 3 });
    const split = await guided({ positive: pos, negative: neg, cfg: 3, batching: 'never' });
    expect(split.runs).toBe(2);
    expect(maxAbsDiff(split.eps, batched.eps)).toBeLessThan(1e-4);
  });

  it('makes two calls on an export with a fixed batch of 1 (no batch-2 CFG), with the same result', async () => {
    const { onnx } = onnxProto;
    const model = onnx.ModelProto.decode(buildUnet(TINY_UNET_CONFIG, TINY_DEFAULT_SEED));
    for (const input of model.graph!.input!) {
      if (input.name === 'sample' || input.name === 'encoder_hidden_states') input.type!.tensorType!.shape!.dim![0] = onnx.TensorShapeProto.Dimension.create({ dimValue: 1 });
    }
    const file = fx.writeVariant('unet-batch1.onnx', onnx.ModelProto.encode(model).finish());
    const unet = await SdUnet.load(fx.models.pool, file);
    expect([unet.fixedBatch, unet.acceptsBatch(2)]).toEqual([1, false]);
    const g = createGuidance({ unet, positive: pos, negative: neg, cfg: 3, batch: 1, modelSampling: modelSamplingFor({}) });
    const before = runsOf(file);
    const eps = await g.eps(x, T, 1);
    expect(runsOf(file) - before).toBe(2);
    expect(maxAbsDiff(eps, (await guided({ positive: pos, negative: neg, cfg: 3 })).eps)).toBeLessThan(1e-4);
  });

  it('skips the uncond pass at cfg = 1', async () => {
    const session = await fx.models.pool.get(fx.ckpt.model.unetPath);
    const c = await raw(session, pos[0]!.embeds);
    const r = await guided({ positive: pos, negative: neg, cfg: 1 });
    expect(r.runs).toBe(1);
    expect(maxAbsDiff(r.eps, c)).toBeLessThan(1e-6);
  });

  it('takes two calls when the contexts differ in length (long prompt on one side)', async () => {
    const long: Conditioning = [{ embeds: { data: pseudoRandom(154 * 768, 13).map((v) => v * 0.5), dims: [1, 154, 768] } }];
    const r = await guided({ positive: long, negative: neg, cfg: 2 });
    expect(r.runs).toBe(2);
  });
});

describe('SdUnet timestep dtypes', () => {
  it('gives the same ε for int64 [1], float32 [1] and rank-0 float32 exports (and truncates for int64)', async () => {
    const variants = (['int64', 'float32', 'float32-scalar'] as const).map((timestep) =>
      fx.writeVariant(`unet-${timestep}.onnx`, buildUnet({ ...TINY_UNET_CONFIG, timestep }, TINY_DEFAULT_SEED)));
    const sessions = await Promise.all(variants.map((f) => fx.models.pool.get(f)));
    expect(sessions.map((s) => [s.input('timestep')!.type, s.input('timestep')!.shape.length])).toEqual([['int64', 1], ['float32', 1], ['float32', 0]]);
    const context = pos[0]!.embeds;
    const outs: Float32Array[] = [];
    for (const f of variants) outs.push(await (await SdUnet.load(fx.models.pool, f)).predict({ sample: x, timestep: 946, context }));
    expect(maxAbsDiff(outs[0]!, outs[1]!)).toBeLessThan(1e-5);
    expect(maxAbsDiff(outs[0]!, outs[2]!)).toBeLessThan(1e-5);
    const int64 = await SdUnet.load(fx.models.pool, variants[0]!);
    const fractional = await int64.predict({ sample: x, timestep: 946.9, context });
    expect(maxAbsDiff(fractional, outs[0]!)).toBe(0); // 946.9 → 946, as numpy astype
    const float = await SdUnet.load(fx.models.pool, variants[1]!);
    expect(maxAbsDiff(await float.predict({ sample: x, timestep: 946.9, context }), outs[1]!)).toBeGreaterThan(0);
  });
});

describe('IP-Adapter feed', () => {
  const patch = (over: Partial<IpAdapterPatch> = {}): IpAdapterPatch => ({
    cond: { data: pseudoRandom(4 * 768, 21), dims: [1, 4, 768] },
    uncond: { data: pseudoRandom(4 * 768, 22).map((v) => v * 0.1), dims: [1, 4, 768] },
    weight: 1, startAt: 0, endAt: 1, mode: 'test', ...over,
  });

  it('uses the IP UNet with tokens appended after each side and the scale vector fed', async () => {
    const ipSession = await fx.models.pool.get(fx.ckpt.model.ipUnetPath!);
    const p = patch({ weight: 0.8 });
    const cat = (a: FloatTensor, b: FloatTensor): FloatTensor => {
      const data = new Float32Array(a.data.length + b.data.length);
      data.set(a.data);
      data.set(b.data, a.data.length);
      return { data, dims: [1, a.dims[1]! + b.dims[1]!, 768] };
    };
    const scale = { ipadapter_scale: { data: new Float32Array(16).fill(0.8), dims: [16] } };
    const u = await raw(ipSession, cat(neg[0]!.embeds, p.uncond), scale);
    const c = await raw(ipSession, cat(pos[0]!.embeds, p.cond), scale);
    const { eps, runs } = await guided({ positive: pos, negative: neg, cfg: 5, ip: p });
    expect(runs).toBe(1);
    expect(maxAbsDiff(eps, u.map((uv, i) => uv + 5 * (c[i]! - uv)))).toBeLessThan(1e-4);
  });

  it('weight 0, or a step outside [startAt, endAt], equals the plain UNet; inside it differs', async () => {
    const plain = (await guided({ positive: pos, negative: neg, cfg: 3 })).eps;
    const off = (await guided({ positive: pos, negative: neg, cfg: 3, ip: patch({ weight: 0 }) })).eps;
    expect(maxAbsDiff(off, plain)).toBeLessThan(1e-4);
    const ms = modelSamplingFor({});
    const late = patch({ startAt: 0.5 });
    const early = (await guided({ positive: pos, negative: neg, cfg: 3, ip: late, sigma: ms.sigmaMax })).eps;
    expect(maxAbsDiff(early, plain)).toBeLessThan(1e-4);
    const inside = (await guided({ positive: pos, negative: neg, cfg: 3, ip: late, sigma: sigmaFromT(ms, 200) })).eps;
    expect(maxAbsDiff(inside, plain)).toBeGreaterThan(1e-3);
  });

  it('errors when the MODEL has a patch but no IP UNet, and refuses a plain UNet for a patch', async () => {
    const { ipUnetPath: _drop, ...plainModel } = fx.ckpt.model;
    await expect(unetFor(fx.models.pool, { ...plainModel, ipAdapter: patch() })).rejects.toThrow(/StreamDiffusion/);
    await expect(SdUnet.loadIp(fx.models.pool, fx.ckpt.model.unetPath)).rejects.toThrow(/not an IP-capable UNet.*ipadapter_scale/);
    const plain = await SdUnet.load(fx.models.pool, fx.ckpt.model.unetPath);
    expect(() => createGuidance({ unet: plain, positive: pos, negative: neg, cfg: 2, batch: 1, modelSampling: modelSamplingFor({}), ipAdapter: patch() })).toThrow(/not IP-capable/);
  });
});
