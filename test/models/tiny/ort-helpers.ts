/**
 * Test helpers that run built model bytes with onnxruntime-node directly (tests only; production code goes through
 * models/onnx). Sessions are single-threaded to share the CI machine's cores fairly.
 */
import * as ort from 'onnxruntime-node';

export { ort };
/** Largest absolute element difference: the shared `maxAbsDiff` (kept under this name for existing imports). */
export { maxAbsDiff as maxDiff } from '../../support/arrays.js';

/** Creates a CPU session from model bytes. */
export function session(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionProviders: ['cpu'] });
}

/** float32 tensor. */
export function f32(data: Float32Array | number[], dims: number[]): ort.Tensor {
  return new ort.Tensor('float32', data instanceof Float32Array ? data : Float32Array.from(data), dims);
}

/** int64 tensor from numbers. */
export function i64(data: number[], dims: number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(data.map((v) => BigInt(v))), dims);
}

/** int32 tensor from numbers. */
export function i32(data: number[], dims: number[]): ort.Tensor {
  return new ort.Tensor('int32', Int32Array.from(data), dims);
}

/** Runs and returns the named output as float32 values. */
export async function runOut(s: ort.InferenceSession, feeds: Record<string, ort.Tensor>, output: string): Promise<Float32Array> {
  const r = await s.run(feeds);
  const t = r[output];
  if (!t) throw new Error(`no output '${output}'; got ${Object.keys(r).join(', ')}`);
  return t.data as Float32Array;
}

/** Deterministic pseudo-random float32 values in [-1, 1] (a smooth-ish pattern, not constant). */
export function pattern(n: number, phase = 0): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.731 + phase) * Math.cos(i * 0.017 + 2 * phase));
}

/** Input metadata as `name: type [dims]` strings, for signature comparisons. */
export function signature(meta: readonly ort.InferenceSession.ValueMetadata[]): string[] {
  return meta.map((m) => (m.isTensor ? `${m.name}: ${m.type} [${m.shape.join(',')}]` : `${m.name}: non-tensor`));
}
