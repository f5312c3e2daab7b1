/**
 * The two passes of `pil-resample.ts` as WebAssembly SIMD kernels: the same integer arithmetic as Pillow's 8-bit
 * resampler, four lanes at a time, so the results are byte-identical to the scalar passes (and to PIL).
 * - Horizontal: one output pixel per step, its 3 (RGB) or 4 channels in the lanes of an i32x4: load the 4 bytes of
 *   a source pixel, widen to i32, multiply by the tap's 22-bit weight, add; then shift, saturate to 0..255
 *   (the same clamp as Pillow's clip8) and store 4 bytes. With RGB the 4th byte spills onto the next pixel, which
 *   overwrites it; the buffers carry 16 bytes of slack for the last one.
 * - Vertical: 16 bytes of a row at a time (four i32x4 accumulators), the taps walking down the rows.
 * i32 lanes wrap on overflow exactly as Pillow's `int` sums do. Why: the scalar JS loops cost ~15 ms per
 * 1024×768 → 224 crop, the largest CPU cost of `iqa eval` after JPEG decoding (BENCHMARKS.md, iqa row); the
 * kernels take ~3 ms. Hand-assembled with `wasm-module.ts` because the project has no WebAssembly toolchain.
 */
import type { Rgb8Image } from './clip-image-core.js';
import { I32, V128, op, wasmModule, type WasmFunction } from './wasm-module.js';

/** One pass's windows, as `pil-resample.ts` computes them (Pillow's `precompute_coeffs`). */
export interface PassCoefficients {
  readonly ksize: number;
  readonly start: Int32Array;
  readonly count: Int32Array;
  readonly weights: Int32Array;
}

/** A range of output rows or columns. */
export interface PassSpan {
  readonly start: number;
  readonly size: number;
}

/** What {@link simdResize} computes: the horizontal pass over `srcRows` for `cols`, then (with `vertical`) `rows`. */
export interface SimdResizeJob {
  readonly horizontal: PassCoefficients;
  readonly vertical: PassCoefficients | undefined;
  readonly srcRows: PassSpan;
  readonly cols: PassSpan;
  readonly rows: PassSpan;
}

const PRECISION_BITS = 22;
const HALF = 1 << (PRECISION_BITS - 1);

/** The 4-lane "shift back, saturate to 0..255" of an i32x4 in `local`, leaving an i8x16 whose lanes 0..3 hold it. */
const clipLanes = (local: number) => [
  ...op.get(local), ...op.i32(PRECISION_BITS), ...op.i32x4ShrS, ...op.tee(local),
  ...op.get(local), ...op.i16x8NarrowI32x4S, ...op.tee(local), ...op.get(local), ...op.i8x16NarrowI16x8U,
];

/**
 * hpass(src, rowStep, pairs, out, outRowStep, cols, plan, weights, weightStride, pixelStride, srcNext, outNext):
 * two source rows per step (`row` and `row + srcNext`, written to `o` and `o + outNext`; srcNext = outNext = 0 for
 * a single row), so each tap's weight is loaded once for both. For each output column j, plan[j] = (byte offset
 * of the first tap in the row, tap count ≥ 1); its weights are at weights + j·weightStride.
 */
function horizontalKernel(): WasmFunction {
  const [src, rowStep, pairs, out, outRowStep, cols, plan, weights, weightStride, ps, srcNext, outNext] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const [y, j, row, o, s, n, w, pj, acc, acc2, wv, half] = [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
  const madd = (a: number, address: readonly number[]) => [
    ...op.get(a), ...address, ...op.v128Load32Zero, ...op.i16x8ExtendLowI8x16U, ...op.i32x4ExtendLowI16x8U,
    ...op.get(wv), ...op.i32x4Mul, ...op.i32x4Add, ...op.set(a),
  ];
  const body = [
    ...op.i32(HALF), ...op.i32x4Splat, ...op.set(half),
    ...op.loop, // row pairs
    ...op.get(src), ...op.get(y), ...op.get(rowStep), ...op.i32Mul, ...op.i32Add, ...op.set(row),
    ...op.get(out), ...op.get(y), ...op.get(outRowStep), ...op.i32Mul, ...op.i32Add, ...op.set(o),
    ...op.i32(0), ...op.set(j),
    ...op.loop, // output columns
    ...op.get(plan), ...op.get(j), ...op.i32(8), ...op.i32Mul, ...op.i32Add, ...op.set(pj),
    ...op.get(row), ...op.get(pj), ...op.i32Load(0), ...op.i32Add, ...op.set(s),
    ...op.get(pj), ...op.i32Load(4), ...op.set(n),
    ...op.get(weights), ...op.get(j), ...op.get(weightStride), ...op.i32Mul, ...op.i32Add, ...op.set(w),
    ...op.get(half), ...op.set(acc), ...op.get(half), ...op.set(acc2),
    ...op.loop, // taps
    ...op.get(w), ...op.i32Load(0), ...op.i32x4Splat, ...op.set(wv),
    ...madd(acc, op.get(s)), ...madd(acc2, [...op.get(s), ...op.get(srcNext), ...op.i32Add]),
    ...op.get(s), ...op.get(ps), ...op.i32Add, ...op.set(s),
    ...op.get(w), ...op.i32(4), ...op.i32Add, ...op.set(w),
    ...op.get(n), ...op.i32(1), ...op.i32Sub, ...op.tee(n), ...op.brIf(0),
    ...op.end,
    ...op.get(o), ...clipLanes(acc), ...op.v128Store32Lane0,
    ...op.get(o), ...op.get(outNext), ...op.i32Add, ...clipLanes(acc2), ...op.v128Store32Lane0,
    ...op.get(o), ...op.get(ps), ...op.i32Add, ...op.set(o),
    ...op.get(j), ...op.i32(1), ...op.i32Add, ...op.tee(j), ...op.get(cols), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
    ...op.get(y), ...op.i32(1), ...op.i32Add, ...op.tee(y), ...op.get(pairs), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
  ];
  return { name: 'hpass', params: Array(12).fill(I32), locals: [...Array(8).fill(I32), ...Array(4).fill(V128)], body };
}

/**
 * vpass(src, stride, rows, out, plan, weights, weightStride): output row r = Σ taps of source rows from
 * src + plan[r].offset (plan[r] = (byte offset, tap count ≥ 1)), weights[r] at weights + r·weightStride.
 */
function verticalKernel(): WasmFunction {
  const [src, stride, rows, out, plan, weights, weightStride] = [0, 1, 2, 3, 4, 5, 6];
  const [yy, i, o, p, w, n, base, wbase, count] = [7, 8, 9, 10, 11, 12, 13, 14, 15];
  const [a0, a1, a2, a3, lo, hi, wv, half] = [16, 17, 18, 19, 20, 21, 22, 23];
  const madd = (a: number, from: number, widen: readonly number[]) => [
    ...op.get(a), ...op.get(from), ...widen, ...op.get(wv), ...op.i32x4Mul, ...op.i32x4Add, ...op.set(a),
  ];
  const shifted = (a: number) => [...op.get(a), ...op.i32(PRECISION_BITS), ...op.i32x4ShrS];
  const body = [
    ...op.i32(HALF), ...op.i32x4Splat, ...op.set(half),
    ...op.loop, // output rows
    ...op.get(plan), ...op.get(yy), ...op.i32(8), ...op.i32Mul, ...op.i32Add, ...op.tee(p),
    ...op.i32Load(0), ...op.get(src), ...op.i32Add, ...op.set(base),
    ...op.get(p), ...op.i32Load(4), ...op.set(count),
    ...op.get(weights), ...op.get(yy), ...op.get(weightStride), ...op.i32Mul, ...op.i32Add, ...op.set(wbase),
    ...op.get(out), ...op.get(yy), ...op.get(stride), ...op.i32Mul, ...op.i32Add, ...op.set(o),
    ...op.i32(0), ...op.set(i),
    ...op.loop, // 16-byte chunks of the row
    ...op.get(half), ...op.set(a0), ...op.get(half), ...op.set(a1), ...op.get(half), ...op.set(a2), ...op.get(half), ...op.set(a3),
    ...op.get(base), ...op.get(i), ...op.i32Add, ...op.set(p),
    ...op.get(wbase), ...op.set(w), ...op.get(count), ...op.set(n),
    ...op.loop, // taps
    ...op.get(w), ...op.i32Load(0), ...op.i32x4Splat, ...op.set(wv),
    ...op.get(p), ...op.v128Load, ...op.tee(lo), ...op.i16x8ExtendHighI8x16U, ...op.set(hi),
    ...op.get(lo), ...op.i16x8ExtendLowI8x16U, ...op.set(lo),
    ...madd(a0, lo, op.i32x4ExtendLowI16x8U), ...madd(a1, lo, op.i32x4ExtendHighI16x8U),
    ...madd(a2, hi, op.i32x4ExtendLowI16x8U), ...madd(a3, hi, op.i32x4ExtendHighI16x8U),
    ...op.get(p), ...op.get(stride), ...op.i32Add, ...op.set(p),
    ...op.get(w), ...op.i32(4), ...op.i32Add, ...op.set(w),
    ...op.get(n), ...op.i32(1), ...op.i32Sub, ...op.tee(n), ...op.brIf(0),
    ...op.end,
    ...op.get(o), ...op.get(i), ...op.i32Add,
    ...shifted(a0), ...shifted(a1), ...op.i16x8NarrowI32x4S, ...shifted(a2), ...shifted(a3), ...op.i16x8NarrowI32x4S,
    ...op.i8x16NarrowI16x8U, ...op.v128Store,
    ...op.get(i), ...op.i32(16), ...op.i32Add, ...op.tee(i), ...op.get(stride), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
    ...op.get(yy), ...op.i32(1), ...op.i32Add, ...op.tee(yy), ...op.get(rows), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
  ];
  return { name: 'vpass', params: Array(7).fill(I32), locals: [...Array(9).fill(I32), ...Array(8).fill(V128)], body };
}

type HPass = (...args: number[]) => void;
interface Kernels {
  readonly memory: WebAssembly.Memory;
  readonly hpass: HPass;
  readonly vpass: HPass;
}

const PAGE = 65536;
/** Above this, a call gets its own memory (freed with it) instead of growing the kept one for good. */
const KEPT_MEMORY_BYTES = 64 * 1024 * 1024;

let compiled: WebAssembly.Module | null | undefined;
let kept: Kernels | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable (then the scalar passes run). */
function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  const bytes = wasmModule([horizontalKernel(), verticalKernel()]);
  compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  return compiled;
}

function instantiate(module: WebAssembly.Module, bytes: number): Kernels {
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) });
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as { hpass: HPass; vpass: HPass };
  return { memory, hpass: exports.hpass, vpass: exports.vpass };
}

/** Kernels whose memory holds at least `bytes`. */
function kernels(module: WebAssembly.Module, bytes: number): Kernels {
  if (bytes > KEPT_MEMORY_BYTES) return instantiate(module, bytes);
  if (!kept) kept = instantiate(module, Math.max(bytes, 4 * 1024 * 1024));
  const have = kept.memory.buffer.byteLength;
  if (have < bytes) kept.memory.grow(Math.ceil((bytes - have) / PAGE));
  return kept;
}

/** {@link kernels}, or undefined when the memory cannot be had (over WebAssembly's 4 GiB): the scalar passes run. */
function kernelsOrUndefined(module: WebAssembly.Module, bytes: number): Kernels | undefined {
  try {
    return kernels(module, bytes);
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

/** Bump allocator over the kernel memory's byte offsets, 16-byte aligned with 16 bytes of slack after each block. */
function layout(sizes: Record<string, number>): { offsets: Record<string, number>; total: number } {
  const offsets: Record<string, number> = {};
  let at = 0;
  for (const [key, size] of Object.entries(sizes)) {
    offsets[key] = at;
    at += Math.ceil((size + 16) / 16) * 16;
  }
  return { offsets, total: at };
}

/** Per output position: (byte offset of its first tap, tap count), and its weights, for positions of `span`. */
function writePlan(mem: ArrayBuffer, at: { plan: number; weights: number }, c: PassCoefficients, span: PassSpan, offsetOf: (start: number) => number): void {
  const plan = new Int32Array(mem, at.plan, span.size * 2);
  for (let j = 0; j < span.size; j++) {
    plan[2 * j] = offsetOf(c.start[span.start + j]!);
    plan[2 * j + 1] = c.count[span.start + j]!;
  }
  new Int32Array(mem, at.weights, span.size * c.ksize).set(c.weights.subarray(span.start * c.ksize, (span.start + span.size) * c.ksize));
}

/**
 * Both passes of a PIL resize in WebAssembly; the result equals the scalar passes byte for byte. Returns undefined
 * when the kernels cannot run it (no WebAssembly SIMD, greyscale input, or a window with no taps), so the caller
 * falls back to the scalar passes.
 */
export function simdResize(image: Rgb8Image, job: SimdResizeJob): Rgb8Image | undefined {
  const module = kernelModule();
  const ps = image.channels;
  const { horizontal: hc, vertical: vc, srcRows, cols, rows } = job;
  if (!module || ps === 1) return undefined;
  if (hasEmptyWindow(hc, cols) || (vc && hasEmptyWindow(vc, rows))) return undefined;
  const srcStride = image.width * ps;
  const rowBytes = cols.size * ps;
  // 4 bytes of slack per intermediate row: the 4-byte store of a row's last RGB pixel must not reach the next row,
  // which the two-row horizontal step may already have written.
  const midStride = rowBytes + 4;
  const { offsets: at, total } = layout({
    src: srcRows.size * srcStride, hplan: cols.size * 8, hweights: cols.size * hc.ksize * 4, mid: srcRows.size * midStride,
    vplan: vc ? rows.size * 8 : 0, vweights: vc ? rows.size * vc.ksize * 4 : 0, out: vc ? rows.size * midStride : 0,
  });
  const k = kernelsOrUndefined(module, total);
  if (!k) return undefined;
  const mem = k.memory.buffer;
  const heap = new Uint8Array(mem);
  heap.set(image.data.subarray(srcRows.start * srcStride, (srcRows.start + srcRows.size) * srcStride), at.src!);
  writePlan(mem, { plan: at.hplan!, weights: at.hweights! }, hc, cols, (start) => start * ps);
  const pairs = srcRows.size >> 1;
  const h = [cols.size, at.hplan!, at.hweights!, hc.ksize * 4, ps] as const;
  if (pairs > 0) k.hpass(at.src!, 2 * srcStride, pairs, at.mid!, 2 * midStride, ...h, srcStride, midStride);
  if (srcRows.size & 1) k.hpass(at.src! + 2 * pairs * srcStride, 0, 1, at.mid! + 2 * pairs * midStride, 0, ...h, 0, 0);
  if (!vc) return { data: compact(heap, at.mid!, midStride, rowBytes, srcRows.size), width: cols.size, height: srcRows.size, channels: image.channels };
  writePlan(mem, { plan: at.vplan!, weights: at.vweights! }, vc, rows, (start) => (start - srcRows.start) * midStride);
  k.vpass(at.mid!, midStride, rows.size, at.out!, at.vplan!, at.vweights!, vc.ksize * 4);
  return { data: compact(heap, at.out!, midStride, rowBytes, rows.size), width: cols.size, height: rows.size, channels: image.channels };
}

/** Copies `rows` rows of `rowBytes` from a `stride`-spaced block of the kernel memory into a packed array. */
function compact(heap: Uint8Array, at: number, stride: number, rowBytes: number, rows: number): Uint8Array {
  const out = new Uint8Array(rows * rowBytes);
  for (let r = 0; r < rows; r++) out.set(heap.subarray(at + r * stride, at + r * stride + rowBytes), r * rowBytes);
  return out;
}

function hasEmptyWindow(c: PassCoefficients, span: PassSpan): boolean {
  for (let j = span.start; j < span.start + span.size; j++) if (c.count[j]! < 1) return true;
  return false;
}
