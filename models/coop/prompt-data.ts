/**
 * The training data of prompt learning on the host: checks, MOS → [0, 1] targets, the seeded train/validation
 * split and per-epoch batches, row gathering, and the data hash a resumed run must match.
 */
import { createHash } from 'node:crypto';
import { deriveSeed } from '../onnx-builder/prng.js';
import { permutation, type Split } from '../declip/train/embedding-set.js';
import type { PromptTrainingData } from './train-prompt.js';

/**
 * Throws naming what does not fit: sizes, non-finite values, a width other than the tower's projection.
 * @param projectionDim the text tower's P
 */
export function checkPromptData(data: PromptTrainingData, projectionDim: number, batchSize: number): number {
  const n = data.mos.length;
  if (data.dim !== projectionDim) throw new Error(`the image embeddings have d = ${data.dim}, but the text tower projects to ${projectionDim}: embed the images with the same CLIP`);
  if (data.images.length !== n * data.dim) throw new Error(`image embeddings hold ${data.images.length} values; ${n} MOS values × d = ${data.dim} need ${n * data.dim}`);
  if (n < 2) throw new Error(`prompt learning needs at least 2 labelled images, got ${n}`);
  if (batchSize < 2) throw new Error(`batch size must be ≥ 2 (the fidelity loss compares pairs), got ${batchSize}`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(data.mos[i]!)) throw new Error(`MOS of image ${i} is not a finite number (${data.mos[i]})`);
  return n;
}

/** MOS scaled to [0, 1] by `range` (default the data's min and max), clamped. */
export function mosTargets(data: PromptTrainingData): Float32Array {
  const mos = Array.from(data.mos);
  const [lo, hi] = data.mosRange ?? [Math.min(...mos), Math.max(...mos)];
  if (!(hi > lo)) throw new Error(`MOS range [${lo}, ${hi}] is empty: all images have the same score, so there is nothing to learn`);
  return Float32Array.from(mos, (v) => Math.min(1, Math.max(0, (v - lo) / (hi - lo))));
}

/** Holds out round(N·fraction) images (at least 2 when fraction > 0); both parts sorted. */
export function promptSplit(count: number, fraction: number, seed: number): Split {
  const nVal = fraction > 0 ? Math.min(count - 2, Math.max(2, Math.round(count * fraction))) : 0;
  const p = permutation(count, deriveSeed(seed, 'coop.split'));
  return { val: p.slice(0, nVal).sort((a, b) => a - b), train: p.slice(nVal).sort((a, b) => a - b) };
}

/** The batches of epoch `epoch` (0-based): a seeded shuffle of `train` cut into `batchSize` (a last batch of 1 is dropped). */
export function promptBatches(train: readonly number[], batchSize: number, seed: number, epoch: number): number[][] {
  const order = permutation(train.length, deriveSeed(seed, `coop.epoch${epoch}`)).map((i) => train[i]!);
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) out.push(order.slice(i, i + batchSize));
  if (out.length > 1 && out.at(-1)!.length < 2) out.pop();
  return out;
}

/** Rows `indices` of a row-major [N, d] array. */
export function gatherRows(data: Float32Array, dim: number, indices: readonly number[]): Float32Array {
  const out = new Float32Array(indices.length * dim);
  indices.forEach((r, i) => out.set(data.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
}

/** Values `indices` of a vector. */
export function gatherValues(data: Float32Array, indices: readonly number[]): Float32Array {
  return Float32Array.from(indices, (i) => data[i]!);
}

/** sha256 of the embeddings and targets. */
export function promptDataHash(images: Float32Array, targets: Float32Array): string {
  return createHash('sha256')
    .update(new Uint8Array(images.buffer, images.byteOffset, images.byteLength))
    .update(new Uint8Array(targets.buffer, targets.byteOffset, targets.byteLength))
    .digest('hex');
}
