/**
 * One prompt-learning job as the CLI (`iqa tune`), the cross-dataset protocol (`iqa cross`) and the TrainPrompt
 * node run it: load the scoring model, check its CLIP has text-tower weights (before any image is encoded), embed
 * the labelled set, learn the context with {@link trainPrompt} (state file for `--resume`) and write the prompt file.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadDeclipModel, type DeclipModel } from '../declip/declip-model.js';
import type { ScoreSpace } from '../iqa/iqa-scoring.js';
import type { PromptPair } from '../iqa/prompts.js';
import type { SessionPool } from '../onnx/session-pool.js';
import type { ModelStore } from '../store/model-store.js';
import { embedLabelledSet, type LabelledEmbeddings, type LabelledSetSpec } from './labelled-embeddings.js';
import type { LearnedPrompt, PromptEpochRecord, PromptTrainingConfig } from './learned-prompt.js';
import { writePromptFile } from './prompt-file.js';
import { textTowerSourceOf, type TextTowerSource } from './text-tower-source.js';
import { trainPrompt } from './train-prompt.js';

/** The scoring model a prompt is learned for. */
export interface TuneModelSpec {
  /** A `clip` model in the store (a `.safetensors` CLIP). */
  readonly clip: string;
  /** A `declip` projector file, or 'none'. */
  readonly projector: string;
  readonly space: ScoreSpace;
}

/** A loaded scoring model with its text-tower weights. */
export interface TuneModel {
  readonly model: DeclipModel;
  readonly tower: TextTowerSource;
  readonly space: ScoreSpace;
}

/** Where the models and caches are. */
export interface TuneEnv {
  readonly store: ModelStore;
  readonly pool: SessionPool;
  /** `<data>/cache`. */
  readonly cacheDir: string;
  /** Embedding cache folder, or null for none; default `<cache>/iqa-eval` (shared with `iqa eval`). */
  readonly embeddingCacheDir?: string | null;
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Loads the model and resolves its text tower.
 * @throws PromptModelError for an ONNX-only CLIP; ModelStoreError for a missing model
 */
export async function loadTuneModel(env: TuneEnv, spec: TuneModelSpec): Promise<TuneModel> {
  const tower = textTowerSourceOf(env.store.resolveClip(spec.clip));
  const model = await loadDeclipModel({
    pool: env.pool, store: env.store, clip: spec.clip, projector: spec.projector, graphDir: path.join(env.cacheDir, 'declip'), cacheDir: env.cacheDir,
  });
  return { model, tower, space: spec.space };
}

/** Embeds a labelled set with a loaded model. */
export function embedForTuning(env: TuneEnv, m: TuneModel, set: LabelledSetSpec): Promise<LabelledEmbeddings> {
  return embedLabelledSet({
    ...set, model: m.model, space: m.space, batchSize: env.batchSize, signal: env.signal, onProgress: env.onProgress,
    cacheDir: env.embeddingCacheDir === undefined ? path.join(env.cacheDir, 'iqa-eval') : env.embeddingCacheDir,
  });
}

/** Options of {@link learnPrompt}. */
export interface LearnPromptOptions {
  readonly env: TuneEnv;
  readonly model: TuneModel;
  readonly data: LabelledEmbeddings;
  readonly pair: PromptPair;
  readonly config: Partial<PromptTrainingConfig>;
  /** The prompt file to write; its state file is `<cache>/coop-state/<file name>`. */
  readonly out: string;
  /** Continue from the state file of an earlier run with the same `out`. */
  readonly resume?: boolean;
  readonly onEpoch?: (record: PromptEpochRecord, epochs: number) => void;
}

/** The state file of a prompt file `out`. */
export function promptStateFile(cacheDir: string, out: string): string {
  return path.join(cacheDir, 'coop-state', path.basename(out));
}

/**
 * Learns the prompt on embedded data and writes the prompt file.
 * @throws Error when `resume` is set and there is no state file, or for data trainPrompt refuses
 */
export async function learnPrompt(o: LearnPromptOptions): Promise<LearnedPrompt> {
  const { env, model, data } = o;
  if (data.mos.length < 2) {
    const first = data.problems[0] ? `; first: row ${data.problems[0].row}: ${data.problems[0].message}` : '';
    throw new Error(`only ${data.mos.length} labelled image(s) could be used (${data.problems.length} left out${first}): prompt learning needs at least 2`);
  }
  const stateFile = promptStateFile(env.cacheDir, o.out);
  if (o.resume && !existsSync(stateFile)) throw new Error(`cannot resume: no state file ${stateFile} (run without resume first)`);
  mkdirSync(path.dirname(stateFile), { recursive: true });
  const prompt = await trainPrompt({
    tower: model.tower, tokenizer: model.model.tokenizer, pair: o.pair, space: model.space,
    data: { images: data.images, dim: data.dim, mos: data.mos }, config: o.config,
    pool: env.pool, cacheDir: env.cacheDir, stateFile, resumeFrom: o.resume ? stateFile : undefined, onEpoch: o.onEpoch, signal: env.signal,
  });
  writePromptFile(o.out, prompt);
  env.store.invalidate(); // the new file lists at once
  return prompt;
}
