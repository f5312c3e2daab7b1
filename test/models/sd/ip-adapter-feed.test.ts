import { describe, expect, it } from 'vitest';
import { appendTokens, ipScaleAt, ipSigmaWindow, ipUnetPathOf, percentToSigma } from '../../../models/sd/ip-adapter-feed.js';
import { discreteModelSampling, sigmaFromT } from '../../../models/sampling/sigmas.js';
import type { SdModel } from '../../../models/sd/types.js';

const ms = discreteModelSampling();

describe('percentToSigma', () => {
  it('follows ComfyUI: 0 → above every σ, 1 → 0, p → σ((1−p)·999)', () => {
    expect(percentToSigma(ms, 0)).toBe(Infinity);
    expect(percentToSigma(ms, 1)).toBe(0);
    expect(percentToSigma(ms, 0.5)).toBeCloseTo(sigmaFromT(ms, 499.5), 10);
    expect(percentToSigma(ms, 0.25)).toBeGreaterThan(percentToSigma(ms, 0.5));
  });
});

describe('ipScaleAt', () => {
  it('is the weight inside [startAt, endAt] and 0 outside', () => {
    const window = ipSigmaWindow(ms, { startAt: 0.2, endAt: 0.6 });
    const at = (sigma: number) => [...ipScaleAt({ weight: 0.7, window, sigma, length: 16 })];
    expect(at(ms.sigmaMax)).toEqual(new Array(16).fill(0)); // first step: before startAt
    expect(at(sigmaFromT(ms, 600))).toEqual(new Array(16).fill(Math.fround(0.7)));
    expect(at(sigmaFromT(ms, 100))).toEqual(new Array(16).fill(0)); // after endAt
    const full = ipSigmaWindow(ms, { startAt: 0, endAt: 1 });
    expect(ipScaleAt({ weight: 1, window: full, sigma: ms.sigmaMax, length: 16 })[0]).toBe(1);
    expect(ipScaleAt({ weight: 1, window: full, sigma: 0, length: 16 })[15]).toBe(1);
  });

  it('rejects fractions outside 0…1', () => {
    expect(() => ipSigmaWindow(ms, { startAt: -0.1, endAt: 1 })).toThrow(/must lie in 0 … 1/);
  });
});

describe('appendTokens', () => {
  it('appends [1,T,D] tokens after every image\'s text tokens and [B,T,D] per image', () => {
    const ctx = { data: Float32Array.from({ length: 2 * 3 * 2 }, (_, i) => i), dims: [2, 3, 2] };
    const shared = appendTokens(ctx, { data: Float32Array.of(-1, -2), dims: [1, 1, 2] });
    expect(shared.dims).toEqual([2, 4, 2]);
    expect([...shared.data]).toEqual([0, 1, 2, 3, 4, 5, -1, -2, 6, 7, 8, 9, 10, 11, -1, -2]);
    const per = appendTokens(ctx, { data: Float32Array.of(-1, -2, -3, -4), dims: [2, 1, 2] });
    expect([...per.data.subarray(14)]).toEqual([-3, -4]);
    expect(() => appendTokens(ctx, { data: new Float32Array(6), dims: [3, 1, 2] })).toThrow(/cannot append image tokens \[3,1,2\]/);
  });
});

describe('ipUnetPathOf', () => {
  it('returns the IP UNet, or explains the StreamDiffusion export route when there is none', () => {
    const model: SdModel = { key: 'checkpoints/x', unetPath: '/m/unet/model.onnx', schedulerConfig: {} };
    expect(ipUnetPathOf({ ...model, ipUnetPath: '/m/unet_ip/model.onnx' })).toBe('/m/unet_ip/model.onnx');
    expect(() => ipUnetPathOf(model)).toThrow(/StreamDiffusion's UNet\+IP-Adapter ONNX export.*unet_ip\/model\.onnx/);
  });
});
