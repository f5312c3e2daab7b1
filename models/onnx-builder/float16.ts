/**
 * The graph builder's names for the half-precision conversions, which live once in `models/float16.ts`
 * (plain TS: importing it loads no onnxruntime).
 */
export {
  /** float32 → float16 bits, round-to-nearest-even; overflow gives ±Infinity, NaN stays NaN. */
  floatToHalfBits as toHalfBits,
  /** float16 bits → number (exact). */
  halfBitsToFloat as fromHalfBits,
  /** float32 array → float16 bits. */
  toFloat16 as toHalfArray,
  /** float16 bits → float32 array. */
  fromFloat16 as fromHalfArray,
  toBfloat16Bits,
} from '../float16.js';
