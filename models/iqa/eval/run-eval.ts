/**
 * `perceptgraph iqa eval` as a library call: reads a label file, scores every image with each model config
 * (configs on the same CLIP files share one overlapped encoder pass and its resumable embedding cache), and
 * computes SRCC, KRCC, PLCC and logistic PLCC per config. Bad rows and bad images are reported with their row
 * numbers and counted; none of them aborts the run.
 */
import { loadDeclipModel, type DeclipModel } from '../../declip/declip-model.js';
import path from 'node:path';
import { scorePair, type LearnedPairTexts } from '../iqa-scoring.js';
import { loadLearnedPair } from '../../coop/prompt-scoring.js';
import { TextEmbeddingCache } from '../../declip/text-cache.js';
import type { ImageEmbeds } from '../../declip/types.js';
import { correlationReport, type CorrelationReport } from '../../metrics/index.js';
import type { SessionPool } from '../../onnx/session-pool.js';
import type { ModelStore } from '../../store/model-store.js';
import { concatBatch } from '../../tensors.js';
import { readIqaLabels, type ColumnRef, type LabelFormatId, type LabelRow } from '../labels.js';
import { EmbeddingCache } from './embedding-cache.js';
import { encodeFolder, type PipelineItem, type PipelineResult } from './image-pipeline.js';
import { configPromptPair, DEFAULT_EVAL_MODELS, type EvalModelConfig } from './model-config.js';

/** Options of {@link runIqaEval}. */
export interface IqaEvalOptions {
  readonly imageDir: string;
  readonly labelsFile: string;
  readonly format?: LabelFormatId | 'auto';
  readonly imageColumn?: ColumnRef;
  readonly mosColumn?: ColumnRef;
  /** Default {@link DEFAULT_EVAL_MODELS}. */
  readonly models?: readonly EvalModelConfig[];
  readonly pool: SessionPool;
  readonly store: ModelStore;
  /** Folder for generated projector graphs. */
  readonly graphDir: string;
  /** Embedding cache folder (resume); null for none. */
  readonly cacheDir: string | null;
  /** Images per encoder run (default 16). */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  /** Encoder progress per CLIP model: `clip` names it. */
  readonly onProgress?: (p: { clip: string; done: number; total: number }) => void;
}

/** A row or image left out of the metrics. */
export interface EvalProblem {
  readonly row: number;
  readonly code: string;
  readonly image?: string;
  readonly message: string;
}

/** Metrics of one config. */
export interface ModelEvalResult extends CorrelationReport {
  readonly name: string;
  readonly config: EvalModelConfig;
  /** Images encoded for this config's CLIP (cache hits excluded). */
  readonly encoded: number;
  readonly cached: number;
  /** Wall time per image, ms: the shared encoder pass plus this config's projection and scoring, over all its images. */
  readonly msPerImage: number;
}

/** One image's MOS and each config's score (null where it has none). */
export interface PredictionRow {
  readonly row: number;
  readonly image: string;
  readonly mos: number;
  readonly scores: Readonly<Record<string, number | null>>;
}

/** Everything the report files hold. */
export interface IqaEvalResult {
  readonly imageDir: string;
  readonly labelsFile: string;
  readonly format: string;
  /** Data records in the label file. */
  readonly records: number;
  /** True when the labels are DMOS-like; correlations are then computed against −MOS so higher = better. */
  readonly lowerIsBetter: boolean;
  readonly problems: readonly EvalProblem[];
  /** Problems by code. */
  readonly problemCounts: Readonly<Record<string, number>>;
  readonly models: readonly ModelEvalResult[];
  readonly predictions: readonly PredictionRow[];
}

interface Group {
  readonly model: DeclipModel;
  readonly configs: { config: EvalModelConfig; model: DeclipModel; learned?: LearnedPairTexts }[];
  pass?: PipelineResult;
}

async function loadGroups(o: IqaEvalOptions, configs: readonly EvalModelConfig[]): Promise<Group[]> {
  const textCache = new TextEmbeddingCache();
  const groups = new Map<string, Group>();
  const names = configs.map((c) => c.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new Error(`two model configs are named "${dup}"; give each a distinct name=`);
  if (configs.length === 0) throw new Error('no model configs to evaluate');
  for (const config of configs) {
    configPromptPair(config);
    const model = await loadDeclipModel({
      pool: o.pool, store: o.store, clip: config.clip, projector: config.projector, layout: config.layout, graphDir: o.graphDir, textCache,
    });
    const learned = config.promptFile
      ? await loadLearnedPair({
        file: config.promptFile, clip: o.store.resolveClip(config.clip), tokenizer: model.tokenizer, pool: o.pool, cacheDir: path.dirname(o.graphDir), signal: o.signal,
      })
      : undefined;
    const group = groups.get(model.clipKey) ?? { model, configs: [] };
    group.configs.push({ config, model, learned });
    groups.set(model.clipKey, group);
  }
  return [...groups.values()];
}

/** Projects and scores the encoded rows of one config, in chunks (the projector graph is tiny; scoring is TS). */
async function scoreConfig(o: IqaEvalOptions, entry: Group['configs'][number], raws: { row: number; raw: Float32Array }[]) {
  const scores = new Map<number, number>();
  const chunk = 256;
  for (let i = 0; i < raws.length; i += chunk) {
    const part = raws.slice(i, i + chunk);
    const raw = concatBatch(part.map((r) => ({ data: r.raw, dims: [1, r.raw.length] })));
    const embeds: ImageEmbeds = await entry.model.project(raw, o.signal);
    const values = await scorePair({
      model: entry.model, embeds, space: entry.config.space, pair: entry.learned?.pair ?? configPromptPair(entry.config),
      logitScale: entry.config.logitScale, learned: entry.learned, signal: o.signal,
    });
    part.forEach((r, j) => scores.set(r.row, values[j]!));
  }
  return scores;
}

function uniqueProblems(list: EvalProblem[]): EvalProblem[] {
  const seen = new Set<string>();
  return list
    .filter((p) => {
      const key = `${p.row}\u0000${p.code}`;
      return seen.has(key) ? false : (seen.add(key), true);
    })
    .sort((a, b) => a.row - b.row);
}

/**
 * Runs the evaluation (see the module comment).
 * @throws Error for file-level faults only: an unreadable label file, missing columns, or a model that cannot load
 */
export async function runIqaEval(o: IqaEvalOptions): Promise<IqaEvalResult> {
  const labels = readIqaLabels(o.labelsFile, { format: o.format, imageColumn: o.imageColumn, mosColumn: o.mosColumn, imageDir: o.imageDir });
  const items: PipelineItem[] = labels.rows.map((r) => ({ row: r.row, image: r.image, path: r.imagePath! }));
  const groups = await loadGroups(o, o.models ?? DEFAULT_EVAL_MODELS);
  const problems: EvalProblem[] = [...labels.problems];
  const perConfig = new Map<string, { result: ModelEvalResult; scores: Map<number, number> }>();
  const sign = labels.format.lowerIsBetter ? -1 : 1;
  for (const group of groups) {
    const cache = new EmbeddingCache(o.cacheDir, group.model.clipKey);
    const pass = await encodeFolder({
      model: group.model, items, cache, batchSize: o.batchSize, signal: o.signal,
      onProgress: (done, total) => o.onProgress?.({ clip: group.model.clipName, done, total }),
    });
    problems.push(...pass.failures);
    const raws = items.filter((it) => pass.embeddings.has(it.row)).map((it) => ({ row: it.row, raw: pass.embeddings.get(it.row)! }));
    for (const entry of group.configs) {
      const started = performance.now();
      const scores = await scoreConfig(o, entry, raws);
      const seconds = pass.seconds + (performance.now() - started) / 1000;
      const scored = labels.rows.filter((r) => scores.has(r.row));
      const report = correlationReport(scored.map((r) => scores.get(r.row)!), scored.map((r) => sign * r.mos));
      const result: ModelEvalResult = {
        ...report, name: entry.config.name, config: entry.config, encoded: pass.encoded, cached: pass.cached,
        msPerImage: items.length > 0 ? (1000 * seconds) / items.length : NaN,
      };
      perConfig.set(entry.config.name, { result, scores });
    }
  }
  const unique = uniqueProblems(problems);
  return {
    imageDir: o.imageDir,
    labelsFile: o.labelsFile,
    format: labels.format.id,
    records: labels.records,
    lowerIsBetter: labels.format.lowerIsBetter,
    problems: unique,
    problemCounts: countBy(unique.map((p) => p.code)),
    models: [...perConfig.values()].map((v) => v.result),
    predictions: predictionRows(labels.rows, perConfig),
  };
}

function predictionRows(rows: readonly LabelRow[], perConfig: Map<string, { scores: Map<number, number> }>): PredictionRow[] {
  return rows.map((r) => ({
    row: r.row, image: r.image, mos: r.mos,
    scores: Object.fromEntries([...perConfig].map(([name, v]) => [name, v.scores.get(r.row) ?? null])),
  }));
}

function countBy(codes: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of codes) out[c] = (out[c] ?? 0) + 1;
  return out;
}
