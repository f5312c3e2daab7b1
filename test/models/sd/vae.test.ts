import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floatOutput } from '../../../models/onnx/tensor-types.js';
import { imageToVaeInput, vaeDecode, vaeEncode } from '../../../models/sd/vae.js';
import type { ImageBatch } from '../../../models/tensors.js';
import { TINY_DEFAULT_SEED } from '../../../models/tiny/setup.js';
import { TINY_VAE_CONFIG, buildVaeEncoder } from '../../../models/tiny/vae.js';
import { createSdFixture, type SdFixture } from './sd-fixture.js';
import { maxAbsDiff, pseudoRandom } from '../../support/arrays.js';

let fx: SdFixture;
beforeAll(() => {
  fx = createSdFixture();
});
afterAll(() => fx?.close());

const image = (b: number, h: number, w: number): ImageBatch => ({ data: pseudoRandom(b * h * w * 3, 5).map((v) => (v + 1) / 2), dims: [b, h, w, 3] });

describe('vaeDecode', () => {
  it('decodes [B,4,h,w] to IMAGE [B,8h,8w,3] in 0…1, one image at a time', async () => {
    const samples = { data: pseudoRandom(2 * 4 * 3 * 5, 3), dims: [2, 4, 3, 5] };
    const both = await vaeDecode({ sessions: fx.models.pool, vae: fx.ckpt.vae, latent: { samples } });
    expect(both.dims).toEqual([2, 24, 40, 3]);
    expect(both.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    const second = await vaeDecode({ sessions: fx.models.pool, vae: fx.ckpt.vae, latent: { samples: { data: samples.data.slice(60), dims: [1, 4, 3, 5] } } });
    expect(maxAbsDiff(both.data.subarray(24 * 40 * 3), second.data)).toBe(0);
    // NCHW [-1,1] → NHWC [0,1]: pixel (0,0) channel 1 of the raw decoder output, mapped.
    const session = await fx.models.pool.get(fx.ckpt.vae.decoderPath);
    const raw = floatOutput(await session.run({ latent_sample: { data: samples.data.slice(0, 60), dims: [1, 4, 3, 5] } }), 'sample');
    const expected = Math.min(Math.max(raw.data[24 * 40]! / 2 + 0.5, 0), 1);
    expect(both.data[1]).toBeCloseTo(expected, 6);
  });

  it('rejects latents that are not [B,4,h,w]', async () => {
    await expect(vaeDecode({ sessions: fx.models.pool, vae: fx.ckpt.vae, latent: { samples: { data: new Float32Array(8), dims: [1, 8, 1, 1] } } })).rejects.toThrow(/\[B,4,h,w\]/);
  });
});

describe('vaeEncode', () => {
  it('centre-crops to multiples of 8 and maps 0…1 to −1…1 in NCHW', () => {
    const img = image(1, 19, 17);
    const t = imageToVaeInput(img, 0);
    expect(t.dims).toEqual([1, 3, 16, 16]);
    // y offset (19 % 8) / 2 = 1, x offset (17 % 8) / 2 = 0; channel 2 of pixel (0,0) ← source (1,0).
    expect(t.data[2 * 256]).toBeCloseTo(img.data[(1 * 17 + 0) * 3 + 2]! * 2 - 1, 6);
    expect(() => imageToVaeInput(image(1, 7, 16), 0)).toThrow(/smaller than 8×8/);
  });

  it('reads latent_sample exports: [B,4,H/8,W/8]', async () => {
    const latent = await vaeEncode({ sessions: fx.models.pool, vae: fx.ckpt.vae, image: image(2, 32, 24) });
    expect(latent.samples.dims).toEqual([2, 4, 4, 3]);
  });

  it('reads latent_parameters exports: the mode is the mean, a seeded sample adds exp(logvar/2)·ε', async () => {
    const file = fx.writeVariant('vae-encoder-params.onnx', buildVaeEncoder({ ...TINY_VAE_CONFIG, encoderOutput: 'latent_parameters' }, TINY_DEFAULT_SEED));
    const vae = { ...fx.ckpt.vae, encoderPath: file };
    const img = image(1, 16, 16);
    const mode = await vaeEncode({ sessions: fx.models.pool, vae, image: img });
    expect(mode.samples.dims).toEqual([1, 4, 2, 2]);
    const session = await fx.models.pool.get(file);
    const params = floatOutput(await session.run({ sample: imageToVaeInput(img, 0) }), 'latent_parameters');
    expect(maxAbsDiff(mode.samples.data, params.data.subarray(0, 16))).toBe(0);
    const a = await vaeEncode({ sessions: fx.models.pool, vae, image: img, posterior: 'sample', seed: 3 });
    const b = await vaeEncode({ sessions: fx.models.pool, vae, image: img, posterior: 'sample', seed: 3 });
    expect([...a.samples.data]).toEqual([...b.samples.data]);
    expect(maxAbsDiff(a.samples.data, mode.samples.data)).toBeGreaterThan(0);
    await expect(vaeEncode({ sessions: fx.models.pool, vae, image: img, posterior: 'sample' })).rejects.toThrow(/needs a seed/);
  });

  it('says when the checkpoint has no encoder', async () => {
    const { encoderPath: _e, ...noEncoder } = fx.ckpt.vae;
    await expect(vaeEncode({ sessions: fx.models.pool, vae: noEncoder, image: image(1, 8, 8) })).rejects.toThrow(/has no encoder/);
  });
});
