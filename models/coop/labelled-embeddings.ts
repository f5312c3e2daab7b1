/**
 * A labelled IQA set as cached image embeddings for prompt learning and cross-dataset tests: the label file is read
 * (any layout `iqa eval` reads), every image is encoded once by the scoring model's CLIP through the resumable
 * embedding cache of `iqa eval`, projected by its DeCLIP projectors, and the embeddings of the chosen space are
 * kept with their MOS (negated for lower-is-better labels, so higher is always better).
 */
import type { DeclipModel } from '../declip/declip-model.js';
import { embedPart } from '../declip/types.js';
import { spacePart, type ScoreSpace } from '../iqa/iqa-scoring.js';
import { EmbeddingCache } from '../iqa/eval/embedding-cache.js';
import { encodeFolder } from '../iqa/eval/image-pipeline.js';
import { readIqaLabels, type ColumnRef, type LabelFormatId } from '../iqa/labels.js';
import { concatBatch } from '../tensors.js';

/** Where a labelled set is and how its label file is laid out. */
export interface LabelledSetSpec {
  readonly labelsFile: string;
  /** Folder the label file's image names are relative to. */
  readonly imageDir: string;
  readonly format?: LabelFormatId | 'auto';
  readonly imageColumn?: ColumnRef;
  readonly mosColumn?: ColumnRef;
}

/** Options of {@link embedLabelledSet}. */
export interface EmbedLabelledOptions extends LabelledSetSpec {
  readonly model: DeclipModel;
  readonly space: ScoreSpace;
  /** Embedding cache folder (resume), or null for none. */
  readonly cacheDir: string | null;
  /** Images per encoder run (default 16). */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/** The embedded set. */
export interface LabelledEmbeddings {
  /** [N, P] embeddings of the space, row-major, in label-file order of the usable rows. */
  readonly images: Float32Array;
  readonly dim: number;
  /** N scores, higher = better (DMOS-like labels negated). */
  readonly mos: number[];
  /** Image names of the N rows. */
  readonly names: string[];
  readonly lowerIsBetter: boolean;
  /** Label records and the rows left out (bad labels, unreadable images) with their messages. */
  readonly records: number;
  readonly problems: readonly { readonly row: number; readonly message: string }[];
}

/**
 * Reads, encodes and projects a labelled set.
 * @throws Error for an unreadable label file or missing columns; bad rows and images are reported in `problems`
 */
export async function embedLabelledSet(o: EmbedLabelledOptions): Promise<LabelledEmbeddings> {
  const labels = readIqaLabels(o.labelsFile, { format: o.format, imageColumn: o.imageColumn, mosColumn: o.mosColumn, imageDir: o.imageDir });
  const items = labels.rows.map((r) => ({ row: r.row, image: r.image, path: r.imagePath! }));
  const pass = await encodeFolder({
    model: o.model, items, cache: new EmbeddingCache(o.cacheDir, o.model.clipKey), batchSize: o.batchSize, signal: o.signal, onProgress: o.onProgress,
  });
  const kept = labels.rows.filter((r) => pass.embeddings.has(r.row));
  const problems = [...labels.problems, ...pass.failures].map((p) => ({ row: p.row, message: p.message })).sort((a, b) => a.row - b.row);
  const sign = labels.format.lowerIsBetter ? -1 : 1;
  const base = { mos: kept.map((r) => sign * r.mos), names: kept.map((r) => r.image), lowerIsBetter: labels.format.lowerIsBetter, records: labels.records, problems };
  if (kept.length === 0) return { ...base, images: new Float32Array(0), dim: 0 };
  const raw = concatBatch(kept.map((r) => {
    const e = pass.embeddings.get(r.row)!;
    return { data: e, dims: [1, e.length] };
  }));
  const part = embedPart(await o.model.project(raw, o.signal), spacePart(o.space));
  return { ...base, images: part.data, dim: part.dims[1]! };
}
