/**
 * `trainPrompt`: CoOp prompt learning for a frozen CLIP / DeCLIP (docs/coop.md). The text tower is rebuilt as ONNX
 * graphs from the CLIP `.safetensors` weights (a step graph with the forward pass, the loss, a hand-written backward
 * pass through every layer and the AdamW update of the context, one session run per batch), the image embeddings
 * are cached and frozen, and only the M context vectors change.
 */
import type { SessionPool } from '../onnx/session-pool.js';
import type { ClipTokenizer } from '../tokenizers/clip-bpe.js';
import type { PromptPair } from '../iqa/prompts.js';
import type { ScoreSpace } from '../iqa/iqa-scoring.js';
import type { TextTowerSource } from './text-tower-source.js';
export { PromptModelError, textTowerSourceOf, type TextTowerSource } from './text-tower-source.js';
import { ADAMW_GRAPH_DEFAULTS } from '../declip/train/adamw.js';
import { pearson, spearman } from '../metrics/correlation.js';
import {
  LEARNED_PROMPT_FORMAT, learnedPromptSchema, resolvePromptTrainingConfig, textTowerMismatch,
  type LearnedPrompt, type PromptEpochRecord, type PromptSplitMetrics, type PromptTrainingConfig, type TextTowerIdentity,
} from './learned-prompt.js';
import { checkPromptData, gatherRows, gatherValues, mosTargets, promptBatches, promptDataHash, promptSplit } from './prompt-data.js';
import { encodePlainPair, encodePromptPair, initialContext, runPromptStep, scoreImages, type PromptOptimizerState } from './prompt-runs.js';
import { openPromptSessions, type PromptSessions } from './prompt-sessions.js';
import { readPromptState, writePromptState, type PromptRunRecord } from './prompt-state.js';
import { promptTokenRows, type PromptTokenRows } from './prompt-tokens.js';

/** The training images: embeddings of the space the prompt scores in, and their MOS. */
export interface PromptTrainingData {
  /** [N, P] image embeddings, row-major (normalised inside; for DeCLIP the perceptual part f_I(p)). */
  readonly images: Float32Array;
  /** P, the projection width of the text tower. */
  readonly dim: number;
  /** N subjective scores, any scale (higher = better); scaled to [0, 1] by `mosRange`. */
  readonly mos: ArrayLike<number>;
  /** [lowest, highest] possible MOS; default the data's own min and max. */
  readonly mosRange?: readonly [number, number];
}

/** Options of {@link trainPrompt}. */
export interface PromptTrainingOptions {
  readonly tower: TextTowerSource;
  /** The CLIP's tokenizer (DeclipModel.tokenizer). */
  readonly tokenizer: ClipTokenizer;
  /** The hand-written pair: its words follow the context and its tokens initialise it. */
  readonly pair: PromptPair;
  readonly data: PromptTrainingData;
  /** Recorded in the prompt: which image space `data.images` are in; default 'perceptual'. */
  readonly space?: ScoreSpace;
  readonly config?: Partial<PromptTrainingConfig>;
  readonly pool: SessionPool;
  /** `<data>/cache`: the generated graphs and their weight data go under `<cacheDir>/coop/`. */
  readonly cacheDir: string;
  /** Written after every epoch (context, AdamW moments, step, epoch), so an interrupted run can resume. */
  readonly stateFile?: string;
  /** Continue from this state file (same tower, pair, data and options; `config.epochs` may grow). */
  readonly resumeFrom?: string;
  /** After each epoch, with the total number of epochs. */
  readonly onEpoch?: (record: PromptEpochRecord, epochs: number) => void;
  readonly signal?: AbortSignal;
}

/**
 * Learns the context vectors; see the module comment. Deterministic for a given seed (batches depend only on the
 * seed and the epoch, so a run resumed from its state file ends where an uninterrupted one does).
 * @throws PromptModelError for a file without a text tower; Error for bad data (sizes, too few images) or a state
 *   file from another tower, pair or data
 */
export async function trainPrompt(o: PromptTrainingOptions): Promise<LearnedPrompt> {
  const resumed = o.resumeFrom ? await readPromptState(o.resumeFrom) : undefined;
  const config = resolvePromptTrainingConfig(resumed ? { ...resumed.record.config, epochs: o.config?.epochs ?? resumed.record.config.epochs } : o.config);
  const sets = config.contextMode === 'shared' ? 1 : 2;
  const sessions = await openPromptSessions({
    tower: o.tower, pool: o.pool, cacheDir: o.cacheDir, contextLength: config.contextLength, contextSets: sets,
    loss: config.loss, logitScale: config.logitScale, signal: o.signal,
  });
  const { structure, identity } = sessions.tower;
  const n = checkPromptData(o.data, structure.projectionDim, config.batchSize);
  const targets = mosTargets(o.data);
  const dataHash = promptDataHash(o.data.images, targets);
  if (resumed) checkResumable(resumed.record, { tower: identity, pair: o.pair, dataHash }, o.resumeFrom!);
  const rows = promptTokenRows({ tokenizer: o.tokenizer, pair: o.pair, contextLength: config.contextLength, contextMode: config.contextMode, maxPositions: structure.positions });
  const dims = [sets, config.contextLength, structure.width] as const;
  const split = promptSplit(n, config.valFraction, config.seed);
  const part = (indices: readonly number[]): Part => ({ images: gatherRows(o.data.images, o.data.dim, indices), target: gatherValues(targets, indices) });
  const run: Run = { o, config, sessions, rows, dims, targets, train: part(split.train), val: split.val.length ? part(split.val) : undefined };
  const state: PromptOptimizerState = resumed?.state ?? {
    context: await initialContext({ session: sessions.encode, rows, dims, signal: o.signal }),
    m: new Float32Array(dims[0] * dims[1] * dims[2]), v: new Float32Array(dims[0] * dims[1] * dims[2]), step: 0,
  };
  const baseline = await evaluate(run, await baselineText(run));
  const history: PromptEpochRecord[] = [...(resumed?.record.history ?? [])];
  for (let epoch = history.length; epoch < config.epochs; epoch++) {
    const started = performance.now();
    const trainLoss = await runEpoch(run, state, split.train, epoch);
    const metrics = await evaluate(run, await encodePromptPair({ session: sessions.encode, rows, dims, context: state.context, signal: o.signal }));
    const rec: PromptEpochRecord = { epoch: epoch + 1, step: state.step, trainLoss: finiteOrNull(trainLoss), ...metrics, seconds: (performance.now() - started) / 1000 };
    history.push(rec);
    o.onEpoch?.(rec, config.epochs);
    if (o.stateFile) writePromptState(o.stateFile, { state, dims: [...dims], record: { config, pair: o.pair, tower: identity, dataHash, history } });
  }
  const final = history.at(-1) ?? (await evaluate(run, await encodePromptPair({ session: sessions.encode, rows, dims, context: state.context, signal: o.signal })));
  return learnedPromptSchema.parse({
    format: LEARNED_PROMPT_FORMAT, context: { data: state.context, dims: [...dims] }, pair: o.pair, model: identity,
    space: o.space ?? 'perceptual', loss: config.loss, options: config,
    metrics: { train: final.train, val: final.val, baseline, history },
  }) as LearnedPrompt;
}

interface Part {
  readonly images: Float32Array;
  readonly target: Float32Array;
}

interface Run {
  readonly o: PromptTrainingOptions;
  readonly config: PromptTrainingConfig;
  readonly sessions: PromptSessions;
  readonly rows: PromptTokenRows;
  readonly dims: readonly [number, number, number];
  /** All images' targets in [0, 1]. */
  readonly targets: Float32Array;
  readonly train: Part;
  readonly val?: Part;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** The hand-written pair's text embeddings through the same tower (no context). */
function baselineText(r: Run): Promise<Float32Array> {
  const plain = r.o.tokenizer.encodeBatch([r.o.pair.positive, r.o.pair.negative], { length: r.rows.dims[1] });
  return encodePlainPair({ session: r.sessions.baseline, rows: plain, signal: r.o.signal });
}

async function splitMetrics(r: Run, p: Part, text: Float32Array): Promise<PromptSplitMetrics> {
  const { scores, loss } = await scoreImages({
    session: r.sessions.score, text, images: p.images, dim: r.o.data.dim, target: p.target, chunk: r.config.batchSize, signal: r.o.signal,
  });
  return { n: p.target.length, srcc: finiteOrNull(spearman(scores, p.target)), plcc: finiteOrNull(pearson(scores, p.target)), loss: finiteOrNull(loss) };
}

async function evaluate(r: Run, text: Float32Array): Promise<{ train: PromptSplitMetrics; val?: PromptSplitMetrics }> {
  return { train: await splitMetrics(r, r.train, text), val: r.val ? await splitMetrics(r, r.val, text) : undefined };
}

/** One pass over the training images; returns the mean step loss. */
async function runEpoch(r: Run, state: PromptOptimizerState, train: readonly number[], epoch: number): Promise<number> {
  const adamw = { ...ADAMW_GRAPH_DEFAULTS, lr: r.config.lr, weightDecay: r.config.weightDecay };
  const images = r.o.data.images;
  let sum = 0;
  const batches = promptBatches(train, r.config.batchSize, r.config.seed, epoch);
  for (const batch of batches) {
    r.o.signal?.throwIfAborted();
    sum += await runPromptStep(state, {
      session: r.sessions.step, rows: r.rows, dims: r.dims, adamw, signal: r.o.signal,
      images: gatherRows(images, r.o.data.dim, batch), dim: r.o.data.dim, target: gatherValues(r.targets, batch),
    });
  }
  return sum / batches.length;
}

function checkResumable(rec: PromptRunRecord, now: { tower: TextTowerIdentity; pair: PromptPair; dataHash: string }, file: string): void {
  const towerProblem = textTowerMismatch(rec.tower, now.tower);
  if (towerProblem) throw new Error(`cannot resume from ${file}: ${towerProblem}`);
  if (rec.pair.positive !== now.pair.positive || rec.pair.negative !== now.pair.negative) {
    throw new Error(`cannot resume from ${file}: it learns '${rec.pair.positive}' / '${rec.pair.negative}', this run '${now.pair.positive}' / '${now.pair.negative}'`);
  }
  if (rec.dataHash !== now.dataHash) throw new Error(`cannot resume from ${file}: it was trained on other images or MOS (data ${rec.dataHash.slice(0, 12)}…, now ${now.dataHash.slice(0, 12)}…)`);
}
