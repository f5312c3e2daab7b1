/**
 * The DeCLIP projector trainer (docs/declip-iqa.md): both ResMLP heads trained with image→text InfoNCE on cached frozen-CLIP
 * embeddings, AdamW, a seeded train/validation split, held-out R@1/R@5 per head next to the zero-init (vanilla
 * CLIP) baseline every epoch, checkpoints and resume. All maths runs in the ONNX graphs of `train-graphs.ts`.
 */
import type { SessionPool } from '../../onnx/session-pool.js';
import { resolveTrainConfig, type TrainConfig } from './config.js';
import { checkEmbeddingSet, epochBatches, gatherRows, normalizeRows, splitIndices, type EmbeddingSet, type Split } from './embedding-set.js';
import { evaluateHeldOut, type HeldOutMetrics } from './evaluate.js';
import { openTrainSessions, type TrainSessions } from './graph-sessions.js';
import { initProjectorParams, zerosLike, type HeadName, type ProjectorParams, type ProjectorShape } from './params.js';
import { readCheckpoint, writeCheckpoint, type EpochRecord, type TrainingRecord } from './projector-file.js';
import { runTrainStep, type OptimizerState } from './session-ops.js';

/** Step-level progress for bars and `ctx.progress`. */
export interface StepProgress {
  /** 1-based epoch. */
  readonly epoch: number;
  readonly epochs: number;
  /** 1-based step within the epoch. */
  readonly step: number;
  readonly steps: number;
  /** Loss of this step (both heads). */
  readonly loss: number;
}

/** Options of {@link trainProjectors}. */
export interface TrainProjectorsOptions {
  readonly data: EmbeddingSet;
  readonly config?: Partial<TrainConfig>;
  readonly pool: SessionPool;
  /** Where the generated training graphs are written (reused across runs by content hash). */
  readonly graphDir: string;
  /** CLIP identity stored in the output; default `data.modelKey`. */
  readonly clip?: string;
  /** Continue from this checkpoint (same data and sizes); its config is kept, except `epochs` from `config`. */
  readonly resumeFrom?: string;
  /** Written after every epoch, so an interrupted run can resume. */
  readonly checkpointFile?: string;
  readonly onStep?: (p: StepProgress) => void;
  /** After each epoch, with the zero-init baseline and the total number of epochs. */
  readonly onEpoch?: (r: EpochRecord, baseline: HeldOutMetrics | undefined, epochs: number) => void;
  readonly signal?: AbortSignal;
}

/** What a finished run returns. */
export interface TrainResult {
  readonly params: ProjectorParams;
  readonly record: TrainingRecord;
  readonly split: Split;
}

/** Held-out arrays (view 0 of each image) and the normalised texts. */
interface Prepared {
  readonly texts: Record<HeadName, Float32Array>;
  readonly split: Split;
  readonly valImage: Float32Array;
  readonly valTexts: Record<HeadName, Float32Array>;
}

function prepare(data: EmbeddingSet, config: TrainConfig): Prepared {
  const d = data.dim;
  const texts = { perceptual: normalizeRows(data.perceptual, d), semantic: normalizeRows(data.semantic, d) };
  const split = splitIndices(data.count, config.valFraction, config.seed);
  const rows = (a: Float32Array, views = 1) => gatherRows({ data: a, dim: d, views, indices: split.val });
  return {
    texts,
    split,
    valImage: rows(data.image, data.views),
    valTexts: { perceptual: rows(texts.perceptual), semantic: rows(texts.semantic) },
  };
}

/** Trains both projectors; see the module comment. */
export async function trainProjectors(o: TrainProjectorsOptions): Promise<TrainResult> {
  checkEmbeddingSet(o.data);
  const resumed = o.resumeFrom ? await readCheckpoint(o.resumeFrom) : undefined;
  const config = resolveTrainConfig({ ...(resumed?.record.config ?? {}), ...(resumed ? { epochs: o.config?.epochs } : o.config) });
  const shape: ProjectorShape = { embedDim: o.data.dim, hiddenDim: config.hiddenDim };
  if (resumed) checkResumable(resumed.record, o.data, shape, o.resumeFrom!);
  const sessions = await openTrainSessions({ pool: o.pool, dir: o.graphDir, ...shape, temperature: config.temperature, adamw: config });
  const prep = prepare(o.data, config);
  const state: OptimizerState = resumed?.state ?? (() => {
    const params = initProjectorParams(shape, config.seed);
    return { params, m: zerosLike(params), v: zerosLike(params), step: 0 };
  })();
  const evaluate = (params: ProjectorParams) =>
    prep.split.val.length === 0 ? Promise.resolve(undefined) : evaluateHeldOut({
      embed: sessions.embed, retrieval: sessions.retrieval, shape, params,
      image: prep.valImage, texts: prep.valTexts, batchSize: config.batchSize, signal: o.signal,
    });
  const baseline = resumed?.record.baseline ?? (await evaluate(zeroInit(state.params)));
  const history: EpochRecord[] = [...(resumed?.record.history ?? [])];
  const recordNow = (): TrainingRecord => ({ config, shape, dataHash: o.data.dataHash, clip: o.clip ?? o.data.modelKey, baseline, history: [...history] });
  for (let epoch = history.length; epoch < config.epochs; epoch++) {
    const started = performance.now();
    const trainLoss = await runEpoch({ o, config, shape, sessions, prep, state, epoch });
    const val = await evaluate(state.params);
    const rec: EpochRecord = { epoch: epoch + 1, step: state.step, trainLoss, val, seconds: (performance.now() - started) / 1000 };
    history.push(rec);
    o.onEpoch?.(rec, baseline, config.epochs);
    if (o.checkpointFile) writeCheckpoint(o.checkpointFile, { state, record: recordNow() });
  }
  return { params: state.params, record: recordNow(), split: prep.split };
}

/** The same parameters with W2 = 0: DeCLIP at its initialisation, i.e. vanilla CLIP. */
function zeroInit(params: ProjectorParams): ProjectorParams {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, k.endsWith('.fc2.weight') ? new Float32Array(v.length) : v]));
}

function checkResumable(r: TrainingRecord, data: EmbeddingSet, shape: ProjectorShape, file: string): void {
  if (r.dataHash !== data.dataHash) {
    throw new Error(`cannot resume from ${file}: it was trained on data ${r.dataHash.slice(0, 12)}…, this data is ${data.dataHash.slice(0, 12)}…`);
  }
  if (r.shape.embedDim !== shape.embedDim || r.shape.hiddenDim !== shape.hiddenDim) {
    throw new Error(`cannot resume from ${file}: its projectors are d=${r.shape.embedDim}, h=${r.shape.hiddenDim}; this run needs d=${shape.embedDim}, h=${shape.hiddenDim}`);
  }
}

interface EpochInput {
  readonly o: TrainProjectorsOptions;
  readonly config: TrainConfig;
  readonly shape: ProjectorShape;
  readonly sessions: TrainSessions;
  readonly prep: Prepared;
  readonly state: OptimizerState;
  readonly epoch: number;
}

/** One pass over the training images; returns the mean step loss. */
async function runEpoch(e: EpochInput): Promise<number> {
  const { o, config, shape, prep, state } = e;
  const d = shape.embedDim;
  const batches = epochBatches({ train: prep.split.train, batchSize: config.batchSize, views: o.data.views, seed: config.seed, epoch: e.epoch });
  let sum = 0;
  for (const [i, batch] of batches.entries()) {
    o.signal?.throwIfAborted();
    const text = (a: Float32Array) => gatherRows({ data: a, dim: d, views: 1, indices: batch.indices });
    const losses = await runTrainStep(state, {
      session: e.sessions.step, shape, adamw: config, signal: o.signal,
      image: gatherRows({ data: o.data.image, dim: d, views: o.data.views, indices: batch.indices, picks: batch.views }),
      texts: { perceptual: text(prep.texts.perceptual), semantic: text(prep.texts.semantic) },
    });
    sum += losses.loss;
    o.onStep?.({ epoch: e.epoch + 1, epochs: config.epochs, step: i + 1, steps: batches.length, loss: losses.loss });
  }
  return batches.length ? sum / batches.length : NaN;
}
