import { describe, expect, it } from 'vitest';
import { cropNormalizeChw, floatRgbToUint8, normalizationTable } from '../../../models/processors/clip-image-core.js';

describe('normalizationTable', () => {
  it('maps v to (v·rescale − mean)/std per channel', () => {
    const lut = normalizationTable({ rescale: 1 / 255, normalize: { mean: [0.5, 0, 0], std: [0.5, 1, 2] } });
    expect([lut[0], lut[255], lut[256 + 51], lut[512 + 255]].map((v) => +v!.toFixed(6))).toEqual([-1, 1, 0.2, 0.5]);
    expect(normalizationTable({ rescale: null, normalize: null })[512 + 7]).toBe(7);
  });
});

describe('cropNormalizeChw', () => {
  // Identity table: output = raw channel value, so positions are easy to read.
  const identity = normalizationTable({ rescale: null, normalize: null });

  it('takes the centred window, channel planes in R, G, B order', () => {
    // 3×3 RGB where each value = 100·c + 10·y + x.
    const data = Uint8Array.from({ length: 27 }, (_, i) => 100 * (i % 3) + 10 * Math.floor(i / 9) + (Math.floor(i / 3) % 3));
    const out = new Float32Array(1 + 12);
    cropNormalizeChw({ data, width: 3, height: 3, channels: 3 }, { crop: { height: 2, width: 2 }, table: identity, out, offset: 1 });
    expect([...out]).toEqual([0, 0, 1, 10, 11, 100, 101, 110, 111, 200, 201, 210, 211]);
  });

  it('reads value 0 outside a small image (HF pads before normalising) and replicates greyscale', () => {
    const table = normalizationTable({ rescale: 1, normalize: { mean: [1, 2, 3], std: [1, 1, 1] } });
    const out = new Float32Array(3 * 9);
    cropNormalizeChw({ data: Uint8Array.of(50), width: 1, height: 1, channels: 1 }, { crop: { height: 3, width: 3 }, table, out });
    expect([...out.subarray(0, 9)]).toEqual([-1, -1, -1, -1, 49, -1, -1, -1, -1]);
    expect(out[9 + 4]).toBe(48);
    expect(out[18 + 0]).toBe(-3);
  });
});

describe('floatRgbToUint8', () => {
  it('clamps and rounds to nearest (0.5 → 127.5 → 128)', () => {
    const src = Float32Array.of(9, 9, 9, -0.2, 1.7, 0.5, 2.4 / 255, 3.6 / 255, NaN);
    expect([...floatRgbToUint8(src, 3, 2)]).toEqual([0, 255, 128, 2, 4, 0]);
  });
});
