import { describe, expect, it } from 'vitest';
import { floatToHalfBits, fromBfloat16, fromFloat16, halfBitsToFloat, toFloat16 } from '../../../models/onnx/float16.js';

describe('floatToHalfBits', () => {
  it.each([
    [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [65520, 0x7c00], [Infinity, 0x7c00],
    [2 ** -24, 0x0001], [2 ** -14, 0x0400], [2 ** -25, 0x0000], [3 * 2 ** -25, 0x0002], [1 + 2 ** -11, 0x3c00],
    [1 + 3 * 2 ** -11, 0x3c02], [0.1, 0x2e66],
  ])('%d → %s', (x, bits) => {
    expect(floatToHalfBits(x)).toBe(bits);
  });
  it('keeps NaN a NaN', () => {
    expect(Number.isNaN(halfBitsToFloat(floatToHalfBits(NaN)))).toBe(true);
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
});

describe('fromBfloat16', () => {
  it('decodes bfloat16 bits', () => {
    expect([...fromBfloat16(Uint16Array.from([0x3f80, 0xc040, 0x3e80]))]).toEqual([1, -3, 0.25]);
  });
});
