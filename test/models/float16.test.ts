import { describe, expect, it } from 'vitest';
import * as builder from '../../models/onnx-builder/float16.js';
import { floatToHalfBits, fromBfloat16, fromFloat16, halfBitsToFloat, toBfloat16Bits, toFloat16 } from '../../models/float16.js';

describe('floatToHalfBits', () => {
  it.each([
    [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff], [65520, 0x7c00],
    [70000, 0x7c00], [Infinity, 0x7c00], [-Infinity, 0xfc00], [2 ** -24, 0x0001], [2 ** -14, 0x0400], [1e-9, 0x0000],
    [2 ** -25, 0x0000], [3 * 2 ** -25, 0x0002],
    [1 + 2 ** -11, 0x3c00], // halfway between 1 and the next half: rounds to even
    [1 + 3 * 2 ** -11, 0x3c02], // halfway, odd neighbour below: rounds up to even
    [0.1, 0x2e66],
  ])('%d → %s', (x, bits) => {
    expect(floatToHalfBits(x)).toBe(bits);
  });
  it('keeps NaN a NaN', () => {
    expect(Number.isNaN(halfBitsToFloat(floatToHalfBits(NaN)))).toBe(true);
  });
});

describe('halfBitsToFloat', () => {
  it('decodes normals, subnormals and infinities', () => {
    expect(halfBitsToFloat(0x3c00)).toBe(1);
    expect(halfBitsToFloat(0x0001)).toBe(2 ** -24);
    expect(halfBitsToFloat(0x7c00)).toBe(Infinity);
    expect(halfBitsToFloat(0xbc00)).toBe(-1);
  });
});

describe('fromFloat16 / toFloat16', () => {
  it('round-trips every finite half exactly', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const floats = fromFloat16(all);
    const back = toFloat16(floats);
    for (let h = 0; h < 65536; h++) {
      if (((h >> 10) & 0x1f) === 0x1f && (h & 0x3ff) !== 0) continue; // NaN payloads
      if (back[h] !== h) throw new Error(`half 0x${h.toString(16)} → ${floats[h]} → 0x${back[h]!.toString(16)}`);
    }
    expect(floats[0x3555]).toBeCloseTo(0.33325195, 7);
  });

  it('round-trips float32 values within half precision', () => {
    const x = Float32Array.from({ length: 200 }, (_, i) => (i - 100) * 0.173);
    const back = fromFloat16(toFloat16(x));
    for (let i = 0; i < x.length; i++) expect(Math.abs(back[i]! - x[i]!)).toBeLessThanOrEqual(Math.abs(x[i]!) * 2 ** -11);
  });
});

describe('toBfloat16Bits', () => {
  it('keeps the upper half of float32 with rounding', () => {
    expect(toBfloat16Bits(1)).toBe(0x3f80);
    expect(toBfloat16Bits(-2)).toBe(0xc000);
    expect(toBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie → even
    expect(toBfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
  });
  it('keeps NaN a NaN', () => {
    const bits = toBfloat16Bits(NaN);
    expect(Number.isNaN(fromBfloat16(Uint16Array.of(bits))[0])).toBe(true);
  });
});

describe('fromBfloat16', () => {
  it('decodes bfloat16 bits', () => {
    expect([...fromBfloat16(Uint16Array.from([0x3f80, 0xc040, 0x3e80]))]).toEqual([1, -3, 0.25]);
  });
});

describe('models/onnx-builder/float16 names', () => {
  it('are the same functions, not a second implementation', () => {
    expect(builder.toHalfBits).toBe(floatToHalfBits);
    expect(builder.fromHalfBits).toBe(halfBitsToFloat);
    expect(builder.toHalfArray).toBe(toFloat16);
    expect(builder.fromHalfArray).toBe(fromFloat16);
    expect(builder.toBfloat16Bits).toBe(toBfloat16Bits);
  });
});
