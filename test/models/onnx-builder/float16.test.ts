import { describe, expect, it } from 'vitest';
import { fromHalfArray, fromHalfBits, toBfloat16Bits, toHalfArray, toHalfBits } from '../../../models/onnx-builder/float16.js';

describe('toHalfBits', () => {
  it.each([
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff],
    [70000, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -24, 0x0001],
    [2 ** -14, 0x0400],
    [1e-9, 0x0000],
    [1 + 2 ** -11, 0x3c00], // halfway between 1 and the next half: rounds to even
    [1 + 3 * 2 ** -11, 0x3c02], // halfway, odd neighbour below: rounds up to even
  ])('encodes %d as 0x%s', (value, bits) => {
    expect(toHalfBits(value)).toBe(bits);
  });

  it('keeps NaN a NaN', () => {
    expect(Number.isNaN(fromHalfBits(toHalfBits(NaN)))).toBe(true);
  });
});

describe('fromHalfBits', () => {
  it('decodes normals, subnormals and infinities', () => {
    expect(fromHalfBits(0x3c00)).toBe(1);
    expect(fromHalfBits(0x0001)).toBe(2 ** -24);
    expect(fromHalfBits(0x7c00)).toBe(Infinity);
    expect(fromHalfBits(0xbc00)).toBe(-1);
  });
});

describe('toHalfArray / fromHalfArray', () => {
  it('round-trips within half precision', () => {
    const x = Float32Array.from({ length: 200 }, (_, i) => (i - 100) * 0.173);
    const back = fromHalfArray(toHalfArray(x));
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
});
