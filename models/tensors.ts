/**
 * Plain host tensors passed between nodes. They have the same `data`/`dims` fields as onnxruntime's Tensor, so
 * `models/onnx` can wrap them without copying; nothing here imports onnxruntime.
 */

/** A float32 tensor in row-major order. */
export interface FloatTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** ComfyUI's IMAGE: float32 [B, H, W, 3] in 0..1. */
export interface ImageBatch extends FloatTensor {
  readonly dims: readonly [number, number, number, number];
}

/**
 * ComfyUI's LATENT: `samples` is [B, 4, h, w] in the VAE's own scale, as in ComfyUI; samplers multiply by the
 * model's scaling factor (0.18215 for SD1.5) on the way in and divide on the way out (process_latent_in/out).
 */
export interface Latent {
  readonly samples: FloatTensor;
  /** Per-image seed offsets (ComfyUI's batch_index) so noise stays the same whatever the batch position. */
  readonly batchIndex?: readonly number[];
}

/** Number of elements of a shape. */
export function sizeOf(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Allocates a zero tensor. */
export function zeros(dims: readonly number[]): FloatTensor {
  return { data: new Float32Array(sizeOf(dims)), dims: [...dims] };
}

/** Items [start, end) along the first axis, as a view where possible. */
export function sliceBatch<T extends FloatTensor>(t: T, start: number, end: number): T {
  const per = sizeOf(t.dims.slice(1));
  return { ...t, data: t.data.subarray(start * per, end * per), dims: [end - start, ...t.dims.slice(1)] } as T;
}

/** Concatenates tensors along the first axis; all other dims must match. */
export function concatBatch<T extends FloatTensor>(parts: readonly T[]): T {
  if (parts.length === 0) throw new Error('concatBatch: nothing to concatenate');
  const rest = parts[0]!.dims.slice(1);
  for (const p of parts) {
    if (p.dims.slice(1).join(',') !== rest.join(',')) {
      throw new Error(`concatBatch: shape [${p.dims}] does not match [*,${rest}]`);
    }
  }
  const data = new Float32Array(parts.reduce((n, p) => n + p.data.length, 0));
  let o = 0;
  for (const p of parts) {
    data.set(p.data, o);
    o += p.data.length;
  }
  return { ...parts[0]!, data, dims: [parts.reduce((n, p) => n + p.dims[0]!, 0), ...rest] } as T;
}
