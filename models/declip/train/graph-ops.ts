/**
 * ONNX op helpers the training graphs need beyond `GraphBuilder`'s basic set (Gemm with transposes, opset-17
 * reductions, EyeLike). Kept here, beside their only users, so the shared builder stays untouched.
 */
import type { GraphBuilder } from '../../onnx-builder/graph-builder.js';

/** Options of {@link gemm}: Y = alpha · op(A) · op(B) + C. */
export interface GemmOptions {
  readonly transA?: boolean;
  readonly transB?: boolean;
  readonly alpha?: number;
  /** Added after the product; must broadcast to the result (a [N] bias or a full [M,N] matrix). */
  readonly c?: string;
}

/** Gemm on 2-D values; avoids explicit Transpose nodes (ORT hands the flags straight to its MLAS kernel). */
export function gemm(b: GraphBuilder, a: string, bm: string, o: GemmOptions = {}): string {
  const attrs: Record<string, number | { float: number }> = {};
  if (o.transA) attrs.transA = 1;
  if (o.transB) attrs.transB = 1;
  if (o.alpha !== undefined && o.alpha !== 1) attrs.alpha = { float: o.alpha };
  return b.op('Gemm', o.c ? [a, bm, o.c] : [a, bm], attrs);
}

/** ReduceSum over `axes` (opset 13+ takes the axes as an int64 input). */
export function reduceSum(b: GraphBuilder, x: string, axes: readonly number[], keepdims = true): string {
  return b.op('ReduceSum', [x, b.constInt64(axes, [axes.length], 'axes')], { keepdims: keepdims ? 1 : 0 });
}

/** log Σ exp(x) over `axes` (attribute form, opset 17). Numerically stable in ORT (max-shifted). */
export function reduceLogSumExp(b: GraphBuilder, x: string, axes: readonly number[], keepdims = true): string {
  return b.op('ReduceLogSumExp', [x], { axes, keepdims: keepdims ? 1 : 0 });
}

/** Mean over every element, as a scalar. */
export function meanAll(b: GraphBuilder, x: string): string {
  return b.op('ReduceMean', [x], { keepdims: 0 });
}

/** Identity matrix with the shape and dtype of the 2-D value `like`. */
export function eyeLike(b: GraphBuilder, like: string): string {
  return b.op('EyeLike', [like]);
}

/** Size of axis `axis` of `x` as a float32 scalar (for dividing by a dynamic batch size). */
export function dimAsFloat(b: GraphBuilder, x: string, axis: number): string {
  const n = b.gather(b.shape(x), b.constInt64([axis], [], 'axis'), 0);
  return b.cast(n, 'float32');
}

export function sqrt(b: GraphBuilder, x: string): string {
  return b.op('Sqrt', [x]);
}

export function exp(b: GraphBuilder, x: string): string {
  return b.op('Exp', [x]);
}
