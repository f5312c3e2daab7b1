/**
 * Encodes a folder's images with one CLIP model, overlapping preprocessing with inference: while batch k runs in
 * the inference worker, batch k+1 is read, hashed and decoded/resized (sharp's thread pool). Cached embeddings are
 * reused; a file that cannot be read or decoded, or an image the encoder rejects, becomes a failure with its row
 * number and never stops the run.
 */
import { readFile } from 'node:fs/promises';
import type { DeclipModel } from '../../declip/declip-model.js';
import { concatBatch, type FloatTensor } from '../../tensors.js';
import { contentHash, type EmbeddingCache } from './embedding-cache.js';

/** One image to encode. */
export interface PipelineItem {
  /** 1-based line of the label file. */
  readonly row: number;
  readonly image: string;
  readonly path: string;
}

/** Why an image has no embedding. */
export interface PipelineFailure {
  readonly row: number;
  readonly image: string;
  readonly code: 'unreadable_file' | 'undecodable_image' | 'encoder_failed';
  readonly message: string;
}

/** Raw f_I per row, plus what failed and what it cost. */
export interface PipelineResult {
  readonly embeddings: Map<number, Float32Array>;
  readonly failures: readonly PipelineFailure[];
  /** Images served from the cache. */
  readonly cached: number;
  /** Images run through the encoder. */
  readonly encoded: number;
  /** Wall time of the whole pass, seconds. */
  readonly seconds: number;
}

/** Options of {@link encodeFolder}. */
export interface PipelineOptions {
  readonly model: DeclipModel;
  readonly items: readonly PipelineItem[];
  readonly cache: EmbeddingCache;
  /** Images per encoder run (default 16). */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  /** After each batch: images done (encoded, cached or failed) and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

interface Prepared {
  readonly hits: { item: PipelineItem; embedding: Float32Array }[];
  readonly todo: { item: PipelineItem; hash: string; pixels: FloatTensor }[];
  readonly failures: PipelineFailure[];
}

/** Reads, hashes and (on a cache miss) preprocesses one batch. Never rejects: faults become failures. */
async function prepare(model: DeclipModel, cache: EmbeddingCache, batch: readonly PipelineItem[]): Promise<Prepared> {
  const out: Prepared = { hits: [], todo: [], failures: [] };
  await Promise.all(batch.map(async (item) => {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(item.path);
    } catch (err) {
      out.failures.push({ row: item.row, image: item.image, code: 'unreadable_file', message: `row ${item.row}: cannot read ${item.path}: ${(err as Error).message}` });
      return;
    }
    const hash = contentHash(bytes);
    const hit = cache.get(hash);
    if (hit) return void out.hits.push({ item, embedding: hit });
    try {
      out.todo.push({ item, hash, pixels: await model.preprocess(bytes) });
    } catch (err) {
      out.failures.push({ row: item.row, image: item.image, code: 'undecodable_image', message: `row ${item.row}: ${item.image} cannot be decoded: ${(err as Error).message}` });
    }
  }));
  return out;
}

/** Runs the encoder on a prepared batch; if the batch run fails, each image is retried alone to isolate the bad one. */
async function encode(o: PipelineOptions, p: Prepared, result: { embeddings: Map<number, Float32Array>; failures: PipelineFailure[] }): Promise<number> {
  if (p.todo.length === 0) return 0;
  const runAll = async (todo: Prepared['todo']) => {
    // The concatenated batch is a fresh buffer owned here, so it moves to the worker instead of being copied.
    const raw = await o.model.encodePixels(concatBatch(todo.map((t) => t.pixels)), o.signal, true);
    const d = raw.dims[1]!;
    const rows = todo.map((t, i) => ({ hash: t.hash, embedding: raw.data.slice(i * d, (i + 1) * d), row: t.item.row }));
    o.cache.addAll(rows);
    for (const r of rows) result.embeddings.set(r.row, r.embedding);
  };
  try {
    await runAll(p.todo);
    return p.todo.length;
  } catch (err) {
    if (o.signal?.aborted) throw err;
    let ok = 0;
    for (const t of p.todo) {
      try {
        await runAll([t]);
        ok++;
      } catch (e) {
        if (o.signal?.aborted) throw e;
        result.failures.push({ row: t.item.row, image: t.item.image, code: 'encoder_failed', message: `row ${t.item.row}: ${t.item.image}: the image encoder failed: ${(e as Error).message}` });
      }
    }
    return ok;
  }
}

/** Encodes every item (see the module comment). Rejects only when aborted. */
export async function encodeFolder(o: PipelineOptions): Promise<PipelineResult> {
  const started = performance.now();
  const size = Math.max(1, o.batchSize ?? 16);
  const batches: PipelineItem[][] = [];
  for (let i = 0; i < o.items.length; i += size) batches.push(o.items.slice(i, i + size));
  const result = { embeddings: new Map<number, Float32Array>(), failures: [] as PipelineFailure[] };
  let cached = 0;
  let encoded = 0;
  let done = 0;
  let next = batches.length > 0 ? prepare(o.model, o.cache, batches[0]!) : undefined;
  for (let k = 0; k < batches.length; k++) {
    o.signal?.throwIfAborted();
    const current = await next!;
    // Start decoding batch k+1 now, so it overlaps with batch k's inference below.
    next = k + 1 < batches.length ? prepare(o.model, o.cache, batches[k + 1]!) : undefined;
    for (const h of current.hits) result.embeddings.set(h.item.row, h.embedding);
    result.failures.push(...current.failures);
    cached += current.hits.length;
    encoded += await encode(o, current, result);
    done += batches[k]!.length;
    o.onProgress?.(done, o.items.length);
  }
  result.failures.sort((a, b) => a.row - b.row);
  return { ...result, cached, encoded, seconds: (performance.now() - started) / 1000 };
}
