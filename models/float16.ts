/**
 * IEEE 754 half-precision and bfloat16 conversion, in plain TS (no onnxruntime import, so the graph builder and
 * the safetensors reader/writer use it too). onnxruntime-node on Node 20 carries float16 tensors as raw bits in a
 * Uint16Array (there is no Float16Array), and safetensors F16/BF16 are raw bits as well, so we convert ourselves.
 */

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);
let halfTable: Float32Array | undefined;

/** Rounds one float to the nearest half (ties to even) and returns its 16 bits. Overflow gives ±Infinity. */
export function floatToHalfBits(x: number): number {
  scratchF32[0] = x;
  const bits = scratchU32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half: value = h · 2^-24, so h = mant24 >> (14 - e).
    if (e < -10) return sign;
    return sign | roundShift(mant | 0x800000, 14 - e);
  }
  // A carry out of the mantissa correctly bumps the exponent (and reaches Infinity at the top).
  return sign | ((e << 10) + roundShift(mant, 13));
}

/** `value >> shift`, rounded to nearest with ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}

/** Decodes 16 half bits to a number (exact). */
export function halfBitsToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m !== 0 ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** Converts float32 values (or any numbers) to half bits. */
export function toFloat16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = floatToHalfBits(values[i]!);
  return out;
}

/** Converts half bits to float32 through a 64K lookup table (built once, 256 KiB). */
export function fromFloat16(bits: Uint16Array): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfBitsToFloat(h);
  }
  const table = halfTable;
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  return out;
}

/** Converts bfloat16 bits (the top half of a float32) to float32. */
export function fromBfloat16(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i]! << 16;
  return out;
}

/** Rounds one float to bfloat16 (the top 16 bits of its float32, ties to even) and returns those bits; NaN stays NaN. */
export function toBfloat16Bits(x: number): number {
  scratchF32[0] = x;
  const bits = scratchU32[0]!;
  // A NaN must keep a mantissa bit set after the shift (rounding could otherwise turn it into Infinity).
  if ((bits & 0x7fffffff) > 0x7f800000) return (bits >>> 16) | 0x40;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}
