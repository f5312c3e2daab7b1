import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDpAdapter, DP_ADAPTER_MODES, meanEmbedding, MODE_EMBED_PART, type DpAdapterOptions } from '../../../models/ip-adapter/dp-adapter.js';
import { loadIpAdapterWeights, type IpAdapterWeights } from '../../../models/ip-adapter/weights.js';
import { createModelFixture, type ModelFixture } from '../../support/services.js';
import { makeEmbeds, referenceProjection } from './references.js';
import { maxAbsDiff } from '../../support/arrays.js';

let fx: ModelFixture;
let adapter: IpAdapterWeights;
let base: Omit<DpAdapterOptions, 'mode'>;

beforeAll(async () => {
  fx = createModelFixture();
  adapter = await loadIpAdapterWeights(fx.tiny.ipAdapter);
  base = {
    model: fx.ckpt.model, adapter, embeds: makeEmbeds(), weight: 0.8, startAt: 0.1, endAt: 0.9,
    sessions: fx.models.pool, cacheDir: fx.dirs.cache,
  };
});
afterAll(() => fx.close());

describe('applyDpAdapter', () => {
  it('patches the MODEL with the projection of the mode’s embedding part and of a zero embedding', async () => {
    const zeroRef = await referenceProjection(fx.tiny.ipAdapter, new Float32Array(1024));
    for (const mode of DP_ADAPTER_MODES) {
      const model = await applyDpAdapter({ ...base, mode });
      const patch = model.ipAdapter!;
      expect(patch).toMatchObject({ weight: 0.8, startAt: 0.1, endAt: 0.9, mode });
      expect(patch.cond.dims).toEqual([1, 4, 768]);
      const part = base.embeds[MODE_EMBED_PART[mode]]!;
      expect(maxAbsDiff(patch.cond.data, await referenceProjection(fx.tiny.ipAdapter, part.data))).toBeLessThan(1e-4);
      expect(maxAbsDiff(patch.uncond.data, zeroRef)).toBeLessThan(1e-5);
      expect(model.unetPath).toBe(fx.ckpt.model.unetPath);
    }
  });

  it('feeds different tokens for perceptual and semantic modes', async () => {
    const p = await applyDpAdapter({ ...base, mode: 'perceptual image + semantic text' });
    const s = await applyDpAdapter({ ...base, mode: 'semantic image + perceptual text' });
    expect(maxAbsDiff(p.ipAdapter!.cond.data, s.ipAdapter!.cond.data)).toBeGreaterThan(0.1);
    expect(p.ipAdapter!.uncond.data).toEqual(s.ipAdapter!.uncond.data);
  });

  it('returns the model unpatched at weight 0', async () => {
    const model = await applyDpAdapter({ ...base, mode: 'raw CLIP image', weight: 0 });
    expect(model.ipAdapter).toBeUndefined();
    expect(model).toEqual({ ...fx.ckpt.model, ipAdapter: undefined });
  });

  it('says when the checkpoint has no IP-capable UNet and names the conversion route, at any weight', async () => {
    const { ipUnetPath: _drop, ...plain } = fx.ckpt.model;
    for (const weight of [0, 1]) {
      await expect(applyDpAdapter({ ...base, model: plain, weight, mode: 'raw CLIP image' })).rejects.toThrow(
        /no IP-capable UNet.*StreamDiffusion's UNet\+IP-Adapter ONNX export/s,
      );
    }
  });

  it('rejects embeddings of another width and an inverted window', async () => {
    await expect(applyDpAdapter({ ...base, embeds: makeEmbeds(64), mode: 'raw CLIP image' })).rejects.toThrow(/64-d .* 1024-d/);
    await expect(applyDpAdapter({ ...base, startAt: 0.7, endAt: 0.2, mode: 'raw CLIP image' })).rejects.toThrow(/start_at 0.7 and end_at 0.2/);
    await expect(applyDpAdapter({ ...base, embeds: { ...makeEmbeds(), perceptual: undefined }, mode: 'perceptual image + semantic text' })).rejects.toThrow(/perceptual part was asked for/);
  });
});

describe('meanEmbedding', () => {
  it('averages a batch of reference embeddings into one', () => {
    const m = meanEmbedding({ data: Float32Array.of(1, 2, 3, 5), dims: [2, 2] });
    expect(m).toEqual({ data: Float32Array.of(2, 3.5), dims: [1, 2] });
  });
});
