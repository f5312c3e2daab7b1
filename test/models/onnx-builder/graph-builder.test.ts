import { describe, expect, it } from 'vitest';
import { fromHalfArray, toHalfArray } from '../../../models/onnx-builder/float16.js';
import { GraphBuilder } from '../../../models/onnx-builder/graph-builder.js';
import { attention, expandToBatch, gelu, l2Normalize, layerNorm } from '../../../models/onnx-builder/layers.js';
import { createRng } from '../../../models/onnx-builder/prng.js';
import { f32, ort, runOut, session, signature } from '../tiny/ort-helpers.js';
import { maxAbsDiff } from '../../support/arrays.js';

/** y = x·W + b with W = [[1,2],[3,4],[5,6]], b = [0.5, -1]. */
function affineModel(precision?: 'float32' | 'float16'): Uint8Array {
  const b = new GraphBuilder({ name: 'affine', precision });
  const x = b.input('x', 'float32', ['batch', 3]);
  const w = b.constFloat([1, 2, 3, 4, 5, 6], [3, 2], 'W');
  const y = b.add(b.matMul(x, w), b.constFloat([0.5, -1], [2], 'b'));
  b.output('y', y, 'float32', ['batch', 2]);
  return b.toBytes();
}

describe('GraphBuilder', () => {
  it('writes a model onnxruntime runs, with symbolic and fixed dims', async () => {
    const s = await session(affineModel());
    expect(signature(s.inputMetadata)).toEqual(['x: float32 [batch,3]']);
    expect(signature(s.outputMetadata)).toEqual(['y: float32 [batch,2]']);
    const y = await runOut(s, { x: f32([1, 0, 0, 1, 1, 1], [2, 3]) }, 'y');
    expect(Array.from(y)).toEqual([1.5, 1, 9.5, 11]);
  });

  it('declares float16 I/O and weights in a float16 build and computes the same values', async () => {
    const s = await session(affineModel('float16'));
    expect(signature(s.inputMetadata)).toEqual(['x: float16 [batch,3]']);
    expect(signature(s.outputMetadata)).toEqual(['y: float16 [batch,2]']);
    const x = new ort.Tensor('float16', toHalfArray(Float32Array.from([1, 0, 0, 1, 1, 1])), [2, 3]);
    const r = await s.run({ x });
    expect(r.y!.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(fromHalfArray(r.y!.data as Uint16Array))).toEqual([1.5, 1, 9.5, 11]);
  });

  it('rejects a duplicate input name and a wrong initializer length', () => {
    const b = new GraphBuilder({ name: 'bad' });
    b.input('x', 'float32', [1]);
    expect(() => b.input('x', 'float32', [1])).toThrow(/duplicate value name 'x'/);
    expect(() => b.floatInit(new Float32Array(3), [2, 2], 'w')).toThrow(/'w' has 3 values for dims \[2,2\]/);
  });

  it('stores int64 constants exactly (Reshape with 0 and -1)', async () => {
    const b = new GraphBuilder({ name: 'reshape' });
    const x = b.input('x', 'float32', ['batch', 2, 3]);
    b.output('y', b.reshape(x, [0, -1]), 'float32', ['batch', 6]);
    const s = await session(b.toBytes());
    const r = await s.run({ x: f32(new Float32Array(12), [2, 2, 3]) });
    expect(r.y!.dims).toEqual([2, 6]);
  });
});

describe('layers', () => {
  it('l2Normalize gives unit rows; expandToBatch follows the batch of another value', async () => {
    const b = new GraphBuilder({ name: 'layers' });
    const x = b.input('x', 'float32', ['batch', 4]);
    b.output('n', l2Normalize(b, x), 'float32', ['batch', 4]);
    const e = expandToBatch(b, b.constFloat([1, 2], [1, 2]), x, [2]);
    b.output('e', e, 'float32', ['batch', 2]);
    const s = await session(b.toBytes());
    const r = await s.run({ x: f32([3, 4, 0, 0, 1, 1, 1, 1, 0, 0, 0, 2], [3, 4]) });
    expect(maxAbsDiff(r.n!.data as Float32Array, [0.6, 0.8, 0, 0, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, 1])).toBeLessThan(1e-6);
    expect(Array.from(r.e!.data as Float32Array)).toEqual([1, 2, 1, 2, 1, 2]);
  });

  it('gelu matches 0.5·x·(1+erf(x/√2)) at known points', async () => {
    const b = new GraphBuilder({ name: 'gelu' });
    b.output('y', gelu(b, b.input('x', 'float32', [3])), 'float32', [3]);
    const y = await runOut(await session(b.toBytes()), { x: f32([0, 1, -2], [3]) }, 'y');
    expect(maxAbsDiff(y, [0, 0.8413447, -0.0455003])).toBeLessThan(1e-5);
  });

  it('attention over a single key token returns the same row for every query', async () => {
    // softmax over one key is 1, so the output cannot depend on the query: a check of the key axis.
    const b = new GraphBuilder({ name: 'attn' });
    const rng = createRng(3);
    const q = b.input('q', 'float32', [1, 'tq', 8]);
    const ctx = b.input('ctx', 'float32', [1, 1, 6]);
    const a = attention(b, rng, { query: layerNorm(b, rng, q, 8), context: ctx, dim: 8, kvDim: 6, heads: 2 });
    b.output('a', a, 'float32', [1, 'tq', 8]);
    const s = await session(b.toBytes());
    const out = await runOut(s, { q: f32([...Array(24).keys()].map((i) => Math.sin(i)), [1, 3, 8]), ctx: f32([1, -1, 2, 0, 1, 3], [1, 1, 6]) }, 'a');
    expect(maxAbsDiff(out.subarray(0, 8), out.subarray(8, 16))).toBeLessThan(1e-5);
    expect(maxAbsDiff(out.subarray(0, 8), out.subarray(16, 24))).toBeLessThan(1e-5);
  });
});
