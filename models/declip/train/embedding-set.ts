/**
 * The cached CLIP embeddings a training run works on (training never touches images or the encoders), the
 * train/validation split and the per-epoch batch plan.
 */
import { createRng, deriveSeed } from '../../onnx-builder/prng.js';

/** Frozen-encoder embeddings of an I&2T dataset. */
export interface EmbeddingSet {
  /** Embedding width d. */
  readonly dim: number;
  /** Number of images N. */
  readonly count: number;
  /** Augmented views per image K ≥ 1; view 0 is the plain (center-crop) view used for validation. */
  readonly views: number;
  /** Raw CLIP image embeddings [N, K, d]. */
  readonly image: Float32Array;
  /** Text embeddings of T_p [N, d] (raw or normalised; the trainer normalises). */
  readonly perceptual: Float32Array;
  /** Text embeddings of T_s [N, d]. */
  readonly semantic: Float32Array;
  /** Identity of the data (file hash); checkpoints refuse to resume on other data. */
  readonly dataHash: string;
  /** Identity of the CLIP model that produced the embeddings. */
  readonly modelKey: string;
}

/** Throws naming the array whose length does not fit [N, K, d] / [N, d]. */
export function checkEmbeddingSet(set: EmbeddingSet): void {
  const { count: n, views: k, dim: d } = set;
  if (!(n >= 2 && k >= 1 && d >= 1)) throw new Error(`embedding set: need ≥ 2 images, ≥ 1 view and d ≥ 1, got N=${n}, K=${k}, d=${d}`);
  const check = (name: string, arr: Float32Array, want: number) => {
    if (arr.length !== want) throw new Error(`embedding set: ${name} has ${arr.length} values, expected ${want}`);
  };
  check('image [N,K,d]', set.image, n * k * d);
  check('perceptual [N,d]', set.perceptual, n * d);
  check('semantic [N,d]', set.semantic, n * d);
}

/** Row-wise L2 normalisation into a new array (zero rows stay zero). */
export function normalizeRows(data: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let o = 0; o < data.length; o += dim) {
    let s = 0;
    for (let i = 0; i < dim; i++) s += data[o + i]! ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let i = 0; i < dim; i++) out[o + i] = data[o + i]! * inv;
  }
  return out;
}

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, seed: number): number[] {
  const rng = createRng(seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/** Image indices of the two parts, each sorted ascending. */
export interface Split {
  readonly train: number[];
  readonly val: number[];
}

/** Holds out round(N·fraction) images (at least 2 when fraction > 0, so retrieval has a negative). */
export function splitIndices(count: number, fraction: number, seed: number): Split {
  const nVal = fraction > 0 ? Math.min(count - 2, Math.max(2, Math.round(count * fraction))) : 0;
  const p = permutation(count, deriveSeed(seed, 'declip-train.split'));
  return { val: p.slice(0, nVal).sort((a, b) => a - b), train: p.slice(nVal).sort((a, b) => a - b) };
}

/** One batch: image indices and the view picked for each. */
export interface BatchPlan {
  readonly indices: number[];
  readonly views: number[];
}

/**
 * The batches of epoch `epoch` (0-based): a fresh seeded shuffle of `train` and a random view per sample, so a
 * resumed run replays exactly the batches an uninterrupted one would have. A trailing batch of one is dropped
 * (InfoNCE needs a negative).
 */
export function epochBatches(o: { train: readonly number[]; batchSize: number; views: number; seed: number; epoch: number }): BatchPlan[] {
  const rng = createRng(deriveSeed(o.seed, `declip-train.epoch${o.epoch}`));
  const order = permutation(o.train.length, deriveSeed(o.seed, `declip-train.shuffle${o.epoch}`)).map((i) => o.train[i]!);
  const batches: BatchPlan[] = [];
  for (let s = 0; s < order.length; s += o.batchSize) {
    const indices = order.slice(s, s + o.batchSize);
    if (indices.length < 2) break;
    batches.push({ indices, views: indices.map(() => Math.floor(rng.uniform() * o.views)) });
  }
  return batches;
}

/** Copies rows [index, view] of a [N, K, d] array (or [N, d] with views = 1) into a new [B, d] array. */
export function gatherRows(o: { data: Float32Array; dim: number; views: number; indices: readonly number[]; picks?: readonly number[] }): Float32Array {
  const { data, dim, views, indices } = o;
  const out = new Float32Array(indices.length * dim);
  indices.forEach((n, i) => {
    const start = (n * views + (o.picks?.[i] ?? 0)) * dim;
    out.set(data.subarray(start, start + dim), i * dim);
  });
  return out;
}
