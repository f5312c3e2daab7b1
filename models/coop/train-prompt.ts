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
import type { LearnedPrompt, PromptEpochRecord, PromptTrainingConfig } from './learned-prompt.js';

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
 * Learns the context vectors; see the module comment. Deterministic for a given seed.
 * @throws PromptModelError for a file without a text tower; Error for bad data (sizes, too few images)
 */
export async function trainPrompt(o: PromptTrainingOptions): Promise<LearnedPrompt> {
  void o;
  throw new Error('trainPrompt: not implemented yet');
}
