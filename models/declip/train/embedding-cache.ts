/**
 * Computes an I&2T dataset's frozen-CLIP embeddings once — K augmented views per image and both texts — and caches
 * them on disk as safetensors keyed by model and data hash (see fingerprint.ts). Training then reads only the cache.
 * Bad rows (reported by the I&2T reader, or images that fail to decode here) are listed, counted and skipped.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createRng, deriveSeed } from '../../onnx-builder/prng.js';
import type { SessionPool } from '../../onnx/session-pool.js';
import { readI2tDataset, type I2tProblem, type I2tRow } from '../../i2t/dataset.js';
import { ClipImageProcessor } from '../../processors/clip-image.js';
import { cropNormalizeChw, normalizationTable } from '../../processors/clip-image-core.js';
import { decodeRgb8 } from '../../processors/image-decode.js';
import { openSafetensors } from '../../safetensors/read.js';
import { writeSafetensors } from '../../safetensors/write.js';
import type { ClipManifest } from '../../store/manifests.js';
import { ClipTokenizer } from '../../tokenizers/clip-bpe.js';
import { augmentedViews, CROP_DEFAULTS, type CropConfig } from './augment.js';
import { openClipEncoders, type ClipEncoders } from './clip-encode.js';
import type { EmbeddingSet } from './embedding-set.js';
import { clipModelKey, dataHash, hashOf } from './fingerprint.js';

/** Options of {@link embedDataset}. */
export interface EmbedDatasetOptions {
  /** The I&2T CSV/TSV/JSONL file. */
  readonly dataFile: string;
  readonly clip: ClipManifest;
  readonly pool: SessionPool;
  /** Folder of cache files (e.g. `<data>/cache/declip-embeddings`). */
  readonly cacheDir: string;
  /** `<data>/cache`, where a `.safetensors` CLIP is converted. */
  readonly modelCacheDir?: string;
  /** Views per image K ≥ 1 (view 0 plain, the rest random crops); default 4. */
  readonly views?: number;
  /** Seed of the crop draws; default 0. */
  readonly seed?: number;
  readonly crop?: CropConfig;
  /** Images per encoder run; default 16. */
  readonly batchSize?: number;
  /** Called after each image batch with images done and total. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

/** The embeddings plus what happened to the rows. */
export interface EmbeddedDataset {
  readonly set: EmbeddingSet;
  /** 1-based data-file rows of the embedded images, in embedding order. */
  readonly rows: readonly number[];
  /** Skipped rows with the reason. */
  readonly problems: readonly I2tProblem[];
  /** Data records in the file. */
  readonly records: number;
  readonly cacheFile: string;
  readonly fromCache: boolean;
}

const defaults = { views: 4, seed: 0, batchSize: 16 };

/** Returns the cached embeddings of the dataset, computing and caching them first when absent. */
export async function embedDataset(o: EmbedDatasetOptions): Promise<EmbeddedDataset> {
  const views = o.views ?? defaults.views;
  if (!Number.isInteger(views) || views < 1) throw new Error(`views (crops per image) must be an integer ≥ 1, got ${views}`);
  const read = await readI2tDataset(o.dataFile, { checkImages: 'decode' });
  const hash = dataHash(o.dataFile, read.rows.map((r) => r.imagePath));
  const modelKey = clipModelKey(o.clip);
  const key = hashOf(modelKey, hash, views, o.seed ?? defaults.seed, o.crop ?? CROP_DEFAULTS).slice(0, 32);
  const cacheFile = path.join(o.cacheDir, `${key}.safetensors`);
  if (existsSync(cacheFile)) return { ...(await readCache(cacheFile, hash, modelKey)), records: read.records, cacheFile, fromCache: true };
  const computed = await computeEmbeddings(o, read.rows, views);
  const problems = [...read.problems, ...computed.problems].sort((a, b) => a.row - b.row);
  if (computed.rows.length < 2) throw new Error(`${o.dataFile}: only ${computed.rows.length} usable rows (${problems.length} bad); training needs at least 2`);
  const set: EmbeddingSet = { ...computed.set, dataHash: hash, modelKey };
  writeSafetensors(cacheFile, {
    image: { dtype: 'F32', shape: [set.count, views, set.dim], data: set.image },
    perceptual: { dtype: 'F32', shape: [set.count, set.dim], data: set.perceptual },
    semantic: { dtype: 'F32', shape: [set.count, set.dim], data: set.semantic },
  }, { format: 'declip-embeddings', data_hash: hash, model: modelKey, rows: JSON.stringify(computed.rows), problems: JSON.stringify(problems) });
  return { set, rows: computed.rows, problems, records: read.records, cacheFile, fromCache: false };
}

async function readCache(file: string, hash: string, modelKey: string): Promise<Omit<EmbeddedDataset, 'records' | 'cacheFile' | 'fromCache'>> {
  const f = await openSafetensors(file);
  try {
    const [count, views, dim] = f.tensors.image?.shape ?? [];
    if (f.metadata.format !== 'declip-embeddings' || !count || !views || !dim) throw new Error(`embedding cache ${file} is not a DeCLIP embedding file; delete it`);
    const set: EmbeddingSet = {
      dim, count, views, dataHash: hash, modelKey,
      image: await f.read('image'), perceptual: await f.read('perceptual'), semantic: await f.read('semantic'),
    };
    return { set, rows: JSON.parse(f.metadata.rows ?? '[]') as number[], problems: JSON.parse(f.metadata.problems ?? '[]') as I2tProblem[] };
  } finally {
    await f.close();
  }
}

interface Computed {
  readonly set: Omit<EmbeddingSet, 'dataHash' | 'modelKey'>;
  readonly rows: number[];
  readonly problems: I2tProblem[];
}

async function computeEmbeddings(o: EmbedDatasetOptions, rows: readonly I2tRow[], views: number): Promise<Computed> {
  const tokenizer = await ClipTokenizer.fromDir(o.clip.tokenizer.dir);
  const processor = await ClipImageProcessor.fromConfigFile(o.clip.preprocessorConfig);
  const encoders = await openClipEncoders({ pool: o.pool, manifest: o.clip, tokenizer, processor, cacheDir: o.modelCacheDir });
  const images = await embedImages({ o, encoders, processor, rows, views });
  const kept = rows.filter((r) => images.ok.has(r.row));
  const perceptual = await embedTexts(encoders, kept.map((r) => r.perceptual), o.signal);
  const semantic = await embedTexts(encoders, kept.map((r) => r.semantic), o.signal);
  const dim = perceptual.length / Math.max(1, kept.length);
  const image = new Float32Array(kept.length * views * dim);
  kept.forEach((r, i) => image.set(images.ok.get(r.row)!, i * views * dim));
  return { set: { dim, count: kept.length, views, image, perceptual, semantic }, rows: kept.map((r) => r.row), problems: images.problems };
}

/** Text embeddings [N,P], each distinct text encoded once. */
async function embedTexts(encoders: ClipEncoders, texts: readonly string[], signal?: AbortSignal): Promise<Float32Array> {
  const unique = [...new Set(texts)];
  const byText = new Map<string, Float32Array>();
  for (let s = 0; s < unique.length; s += 64) {
    const chunk = unique.slice(s, s + 64);
    const out = await encoders.encodeTexts(chunk, signal);
    const dim = out.length / chunk.length;
    chunk.forEach((t, i) => byText.set(t, out.subarray(i * dim, (i + 1) * dim)));
  }
  const dim = byText.values().next().value?.length ?? 0;
  const result = new Float32Array(texts.length * dim);
  texts.forEach((t, i) => result.set(byText.get(t)!, i * dim));
  return result;
}

interface ImageInput {
  readonly o: EmbedDatasetOptions;
  readonly encoders: ClipEncoders;
  readonly processor: ClipImageProcessor;
  readonly rows: readonly I2tRow[];
  readonly views: number;
}

/** [K,P] embeddings per decodable row; undecodable rows become problems. */
async function embedImages(a: ImageInput): Promise<{ ok: Map<number, Float32Array>; problems: I2tProblem[] }> {
  const { o, processor, views } = a;
  const crop = processor.config.crop;
  if (!crop) throw new Error(`CLIP model ${o.clip.name}: preprocessing without a center crop is not supported for training (views must share one size)`);
  const table = normalizationTable(processor.config);
  const per = 3 * crop.height * crop.width;
  const ok = new Map<number, Float32Array>();
  const problems: I2tProblem[] = [];
  const batch = o.batchSize ?? defaults.batchSize;
  for (let s = 0; s < a.rows.length; s += batch) {
    o.signal?.throwIfAborted();
    const chunk = a.rows.slice(s, s + batch);
    const decoded = await Promise.all(chunk.map(async (r) => {
      try {
        const rng = createRng(deriveSeed(o.seed ?? defaults.seed, `crop:${r.row}`));
        return await Promise.all(augmentedViews(await decodeRgb8(r.imagePath), views, rng, o.crop).map((v) => processor.resized(v)));
      } catch (err) {
        problems.push({ row: r.row, code: 'undecodable_image', message: `row ${r.row}: ${(err as Error).message}` });
        return undefined;
      }
    }));
    const good = chunk.flatMap((r, i) => (decoded[i] ? [{ r, v: decoded[i]! }] : []));
    if (good.length === 0) continue;
    const pixels = new Float32Array(good.length * views * per);
    good.forEach(({ v }, i) => v.forEach((img, k) => cropNormalizeChw(img, { crop, table, out: pixels, offset: (i * views + k) * per })));
    const emb = await a.encoders.encodePixels({ data: pixels, dims: [good.length * views, 3, crop.height, crop.width] }, o.signal);
    const dim = emb.length / (good.length * views);
    good.forEach(({ r }, i) => ok.set(r.row, emb.slice(i * views * dim, (i + 1) * views * dim)));
    o.onProgress?.(Math.min(s + batch, a.rows.length), a.rows.length);
  }
  return { ok, problems };
}
