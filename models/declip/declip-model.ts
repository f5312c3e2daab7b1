/**
 * A loaded DeCLIP model (the DECLIP socket value): frozen CLIP towers, the CLIP tokenizer and image preprocessing,
 * and the two projectors as an ONNX session. Without a projector file the projectors are zero-initialised, which
 * makes DeCLIP equal CLIP exactly (docs/declip-iqa.md).
 */
import path from 'node:path';
import { statSync } from 'node:fs';
import type { ModelSession } from '../onnx/model-session.js';
import type { SessionPool } from '../onnx/session-pool.js';
import { floatOutput } from '../onnx/tensor-types.js';
import { ClipImageProcessor, type ClipImageInput } from '../processors/clip-image.js';
import type { ModelStore } from '../store/model-store.js';
import { ClipTokenizer } from '../tokenizers/clip-bpe.js';
import { concatBatch, sliceBatch, type FloatTensor } from '../tensors.js';
import { openClipTowers, type ClipLayout, type ClipLayoutChoice, type ClipTowers } from '../clip/clip-towers.js';
import { writeGraphFile } from './graph-file.js';
import { readProjectorWeights } from './projector-file.js';
import { buildProjectorGraph, zeroInitProjectors, type ProjectorWeights } from './projector-graph.js';
import { TextEmbeddingCache } from './text-cache.js';
import type { ImageEmbeds } from './types.js';

/** The projector choice meaning "no file: zero-initialised projectors, DeCLIP = CLIP". */
export const NO_PROJECTOR = 'none';

/** Options of {@link loadDeclipModel}. */
export interface LoadDeclipOptions {
  readonly pool: SessionPool;
  readonly store: ModelStore;
  /** A `clip` model name in the store. */
  readonly clip: string;
  /** A `declip` projector file name in the store, or {@link NO_PROJECTOR}. */
  readonly projector: string;
  /** 'auto' (default): split files when present, else the full model.onnx. */
  readonly layout?: ClipLayoutChoice;
  /** Folder for the generated projector graphs (the data dir's cache). */
  readonly graphDir: string;
  /** `<data>/cache`, where a `.safetensors` CLIP is converted; default the parent of `graphDir` (`<cache>/declip`). */
  readonly cacheDir?: string;
  /** Shared text-embedding cache; default one per model. */
  readonly textCache?: TextEmbeddingCache;
}

/** Options of batched image encoding. */
export interface EncodeOptions {
  /** Images per encoder run (default 16). */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  /** Called after each batch with (images done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

function stamp(file: string): string {
  const s = statSync(file);
  return `${s.size}-${Math.round(s.mtimeMs)}`;
}

/**
 * Resolves the CLIP folder and projector file in the store and opens their sessions.
 * @throws ModelStoreError for a missing or broken model; Error when the projector's d differs from CLIP's
 */
export async function loadDeclipModel(o: LoadDeclipOptions): Promise<DeclipModel> {
  const manifest = o.store.resolveClip(o.clip);
  const projector = o.projector === NO_PROJECTOR ? null : o.store.resolveDeclip(o.projector);
  const tokenizer = await ClipTokenizer.fromDir(manifest.tokenizer.dir);
  const processor = await ClipImageProcessor.fromConfigFile(manifest.preprocessorConfig);
  const imageSize = processor.config.crop?.height ?? 224;
  const towers = await openClipTowers({ pool: o.pool, manifest, layout: o.layout, dummyText: [tokenizer.bosId, tokenizer.eosId], imageSize,
    cacheDir: o.cacheDir ?? path.dirname(o.graphDir),
  });
  const weights = projector ? await readProjectorWeights(projector.file) : null;
  if (weights && towers.embedDim !== undefined && weights.embedDim !== towers.embedDim) {
    throw new Error(`projector ${o.projector} has d = ${weights.embedDim} but CLIP ${o.clip} embeds in d = ${towers.embedDim}`);
  }
  const clipKey = `clip:${o.clip}:${towers.layout}:${towers.files.map(stamp).join(':')}`;
  const key = `${clipKey}|declip:${projector ? `${o.projector}:${stamp(projector.file)}` : NO_PROJECTOR}`;
  return new DeclipModel({
    pool: o.pool, graphDir: o.graphDir, towers, tokenizer, processor, weights, clipKey, key,
    names: { clip: o.clip, projector: o.projector }, textCache: o.textCache ?? new TextEmbeddingCache(),
  });
}

interface DeclipParts {
  readonly pool: SessionPool;
  readonly graphDir: string;
  readonly towers: ClipTowers;
  readonly tokenizer: ClipTokenizer;
  readonly processor: ClipImageProcessor;
  readonly weights: ProjectorWeights | null;
  readonly clipKey: string;
  readonly key: string;
  readonly names: { readonly clip: string; readonly projector: string };
  readonly textCache: TextEmbeddingCache;
}

/** See the module comment. Create with {@link loadDeclipModel}. */
export class DeclipModel {
  /** Identity of CLIP files + projector: EMBEDS carry it, caches key on it. */
  readonly key: string;
  /** Identity of the CLIP files alone (text embeddings and raw f_I depend only on these). */
  readonly clipKey: string;
  readonly clipName: string;
  /** Projector file name, or {@link NO_PROJECTOR}. */
  readonly projectorName: string;
  readonly layout: ClipLayout;
  readonly tokenizer: ClipTokenizer;
  readonly processor: ClipImageProcessor;
  readonly textCache: TextEmbeddingCache;
  private readonly parts: DeclipParts;
  private projectorSession?: Promise<ModelSession>;

  constructor(parts: DeclipParts) {
    this.parts = parts;
    this.key = parts.key;
    this.clipKey = parts.clipKey;
    this.clipName = parts.names.clip;
    this.projectorName = parts.names.projector;
    this.layout = parts.towers.layout;
    this.tokenizer = parts.tokenizer;
    this.processor = parts.processor;
    this.textCache = parts.textCache;
  }

  /** Embedding width d, when known before the first run (from the model's declared outputs or the projector file). */
  get embedDim(): number | undefined {
    return this.parts.towers.embedDim ?? this.parts.weights?.embedDim;
  }

  /** Preprocesses images (paths, bytes or IMAGE batches) into pixel_values [N, 3, S, S]. */
  preprocess(inputs: ClipImageInput | readonly ClipImageInput[]): Promise<FloatTensor> {
    return this.parts.processor.preprocess(inputs);
  }

  /**
   * E_I: pixel_values [B, 3, S, S] → raw f_I [B, d]. `transfer` moves the pixel buffer to the inference worker
   * (no copy; it is detached afterwards), for callers that own the whole buffer.
   */
  encodePixels(pixels: FloatTensor, signal?: AbortSignal, transfer = false): Promise<FloatTensor> {
    return this.parts.towers.encodeImage(pixels, signal, transfer);
  }

  /** Runs both projectors on raw f_I [B, d] (B ≥ 1): EMBEDS with raw, perceptual and semantic parts. */
  async project(raw: FloatTensor, signal?: AbortSignal): Promise<ImageEmbeds> {
    const d = raw.dims[1]!;
    const session = await this.projector(d);
    const out = await session.run({ image_embeds: raw }, { signal });
    const part = (name: string) => floatOutput(out, name, session.file);
    return { modelKey: this.key, dim: d, count: raw.dims[0]!, raw, perceptual: part('perceptual'), semantic: part('semantic') };
  }

  /** Empty EMBEDS ([0, d] parts) for an empty image batch. */
  emptyEmbeds(): ImageEmbeds {
    const d = this.embedDim ?? 0;
    const empty = { data: new Float32Array(0), dims: [0, d] };
    return { modelKey: this.key, dim: d, count: 0, raw: empty, perceptual: empty, semantic: empty };
  }

  /** Preprocess → E_I → projectors, in batches. An IMAGE batch of 0 images gives empty EMBEDS. */
  async encodeImages(images: ClipImageInput, options: EncodeOptions = {}): Promise<ImageEmbeds> {
    if (typeof images === 'object' && !(images instanceof Uint8Array) && images.dims[0] === 0) return this.emptyEmbeds();
    const pixels = await this.preprocess(images);
    const total = pixels.dims[0]!;
    const size = Math.max(1, options.batchSize ?? 16);
    const raws: FloatTensor[] = [];
    for (let start = 0; start < total; start += size) {
      options.signal?.throwIfAborted();
      raws.push(await this.encodePixels(sliceBatch(pixels, start, Math.min(total, start + size)), options.signal));
      options.onProgress?.(Math.min(total, start + size), total);
    }
    return this.project(concatBatch(raws), options.signal);
  }

  /** E_T for each text: [N, d], through the (model, text) cache; only unseen texts reach the encoder. */
  async encodeTexts(texts: readonly string[], signal?: AbortSignal): Promise<FloatTensor> {
    const cache = this.textCache;
    const known = new Map<string, Float32Array>();
    for (const t of new Set(texts)) {
      const hit = cache.get(this.clipKey, t);
      if (hit) known.set(t, hit);
    }
    const missing = [...new Set(texts)].filter((t) => !known.has(t));
    if (missing.length > 0) {
      const out = await this.parts.towers.encodeText(this.tokenizer.encodeBatch(missing), signal);
      const d = out.dims[1]!;
      missing.forEach((t, i) => {
        const row = out.data.slice(i * d, (i + 1) * d);
        cache.set(this.clipKey, t, row);
        known.set(t, row);
      });
    }
    const rows = texts.map((t) => known.get(t)!);
    const d = rows[0]?.length ?? this.embedDim ?? 0;
    const data = new Float32Array(rows.length * d);
    rows.forEach((r, i) => data.set(r, i * d));
    return { data, dims: [rows.length, d] };
  }

  /** E_T of one text: [d]. */
  async encodeText(text: string, signal?: AbortSignal): Promise<Float32Array> {
    return (await this.encodeTexts([text], signal)).data;
  }

  private projector(d: number): Promise<ModelSession> {
    const w = this.parts.weights;
    if (w && w.embedDim !== d) {
      return Promise.reject(new Error(`projector ${this.projectorName} has d = ${w.embedDim}, the image embeddings have d = ${d}`));
    }
    this.projectorSession ??= (async () => {
      const bytes = buildProjectorGraph(w ?? zeroInitProjectors(d));
      const file = writeGraphFile(this.parts.graphDir, 'declip-projectors', bytes);
      return this.parts.pool.get(file);
    })().catch((err: unknown) => {
      this.projectorSession = undefined; // let a later call retry rather than replay the failure
      throw err;
    });
    return this.projectorSession;
  }
}
